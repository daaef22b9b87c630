/**
 * The one place where a file path written in a spec becomes a path the program opens: source and
 * target files and directories, lookup files, the files inside an endpoint directory, and any file a
 * later spec field names. It resolves symbolic links (real path) before it decides, so a link inside
 * the allowed folder cannot lead out of it, and it returns that real path, so what is opened is what
 * was checked.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../core/errors.ts';

/** Where the files a spec names may be; plain data, so a run's process can rebuild its resolver. */
export interface FileAccess {
  /** Relative paths resolve against this folder: the spec file's folder, or the service's spec folder. */
  baseDir: string;
  /**
   * When set, every path must lead (by real path) strictly inside this folder — not to the folder
   * itself. The service sets it to its spec folder (`JIVS_SPEC_DIR`); the CLI leaves it unset.
   */
  confineTo?: string | null;
  /**
   * Files and folders that are never an endpoint, whatever else is allowed: the control-plane store,
   * key indexes, the JWT secret, the service's data folder, `/proc`. A path equal to one of them or
   * inside one is refused.
   */
  forbidden: readonly string[];
}

/** The real path of `path`, also when its last parts do not exist yet (a target about to be created). */
function realPathOf(path: string): string {
  const missing: string[] = [];
  let existing = path;
  for (;;) {
    try {
      const real = realpathSync(existing);
      return missing.length ? join(real, ...missing.reverse()) : real;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      // A link whose target is missing would be followed when the file is created: refuse it.
      if (isLink(existing)) throw new DanglingLink();
      const parent = dirname(existing);
      if (parent === existing) return path;
      missing.push(basename(existing));
      existing = parent;
    }
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

class DanglingLink extends Error {}

/** True when `path` is `folder` or lies inside it (both absolute, normalised). */
function isWithin(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/**
 * Resolves and checks the file paths of one spec. Messages name the spec location and say what to do;
 * they never name the file a refused path leads to, which could itself be a secret.
 */
export class FileResolver {
  readonly access: FileAccess;
  readonly #root: string | null;
  readonly #forbidden: string[];

  constructor(access: FileAccess) {
    this.access = access;
    this.#root = access.confineTo ? realPathOf(resolve(access.confineTo)) : null;
    this.#forbidden = access.forbidden.map((path) => realPathOf(resolve(path)));
  }

  /** Relative paths in the spec resolve against this folder. */
  get baseDir(): string {
    return this.access.baseDir;
  }

  /**
   * The real absolute path of `path` as written at `specPath` (after environment references).
   *
   * @throws InputError when the path leads outside the allowed folder, into a forbidden place, or
   *   through a symbolic link whose target does not exist
   */
  resolve(path: string, specPath: string): string {
    const absolute = isAbsolute(path) ? resolve(path) : resolve(this.access.baseDir, path);
    let real: string;
    try {
      real = realPathOf(absolute);
    } catch (error) {
      if (!(error instanceof DanglingLink)) throw error;
      throw refusal(
        specPath,
        'leads through a symbolic link whose target does not exist; point it at a real file.',
      );
    }
    if (this.#forbidden.some((place) => isWithin(real, place))) {
      throw refusal(
        specPath,
        "leads to the program's own state (store, key indexes, secrets) or a system folder; point it at a data file of yours.",
      );
    }
    if (this.#root !== null) {
      const inside = relative(this.#root, real);
      if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
        throw refusal(
          specPath,
          "must lead to a file or folder inside the server's spec folder (JIVS_SPEC_DIR), also after following symbolic links; write a path relative to it.",
        );
      }
    }
    return real;
  }

  /** The same resolver that also refuses `paths` (and what lies inside them). */
  forbidding(paths: readonly string[]): FileResolver {
    return new FileResolver({ ...this.access, forbidden: [...this.access.forbidden, ...paths] });
  }

  /** {@link resolve} for one spec location, as the file connectors take it for the files in a folder. */
  checkerFor(specPath: string): (path: string) => string {
    return (path) => this.resolve(path, specPath);
  }
}

function refusal(specPath: string, message: string): InputError {
  return new InputError([{ path: specPath, message }]);
}

/** A resolver without a confining folder (the CLI: the user owns the machine), relative to `baseDir`. */
export function unconfinedFiles(baseDir: string, forbidden: readonly string[] = []): FileResolver {
  return new FileResolver({ baseDir, confineTo: null, forbidden });
}
