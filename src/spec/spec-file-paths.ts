/**
 * Every file path a spec names — file endpoints and lookup files — so that a service can check them
 * all through its FileResolver before a run starts. A spec field that names a file is added here.
 */
import { InputError, type InputProblem } from '../core/errors.ts';
import { resolveEnvReferences } from './env-references.ts';
import type { FileResolver } from './file-resolver.ts';
import { joinSpecPath } from './spec-path.ts';
import type { MigrationSpec } from './spec-schema.ts';

/** A file path as written in a spec, and where. */
export interface SpecFilePath {
  path: string;
  /** The spec location, e.g. `source.path` or `tables[0].columns.country.transform[1].lookup.file`. */
  specPath: string;
}

/** The file paths of `spec`: `source.path`, `target.path`, and every `lookup.file`. */
export function specFilePaths(spec: MigrationSpec): SpecFilePath[] {
  const found: SpecFilePath[] = [];
  for (const name of ['source', 'target'] as const) {
    const endpoint = spec[name];
    if ('path' in endpoint) found.push({ path: endpoint.path, specPath: `${name}.path` });
  }
  // Lookups sit in column transforms and computed columns; walk the tables rather than repeat their shape.
  const stack: { value: unknown; specPath: string }[] = [{ value: spec.tables, specPath: 'tables' }];
  while (stack.length) {
    const { value, specPath } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((item, i) => [i, item])
      : Object.entries(value);
    for (const [key, child] of entries) {
      const at = joinSpecPath(specPath, key);
      const file = key === 'lookup' ? (child as { file?: unknown } | null)?.file : undefined;
      if (typeof file === 'string') found.push({ path: file, specPath: `${at}.file` });
      stack.push({ value: child, specPath: at });
    }
  }
  return found;
}

/**
 * Resolves every file path of `spec` through `files` and returns the problems (paths that lead where
 * they may not). A path whose environment variable is unset is left to Planning, which reports it.
 */
export function fileProblems(spec: MigrationSpec, files: FileResolver): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const { path, specPath } of specFilePaths(spec)) {
    let written: string;
    try {
      written = resolveEnvReferences(path, specPath);
    } catch {
      continue;
    }
    try {
      files.resolve(written, specPath);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
    }
  }
  return problems;
}
