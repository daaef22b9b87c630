/** Reads a spec file (YAML, or JSON which is YAML too), reporting syntax errors with line and column. */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { InputError } from '../errors.ts';
import type { MigrationSpec } from './spec-schema.ts';
import { validateSpec } from './validate-spec.ts';

/** A validated spec and where it came from (relative paths in it resolve against `baseDir`). */
export interface LoadedSpec {
  spec: MigrationSpec;
  file: string;
  baseDir: string;
}

/** Parses spec text; `file` only names the source in messages. */
export function parseSpecText(text: string, file: string): MigrationSpec {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length) {
    throw new InputError(
      document.errors.map((e) => ({
        path: e.linePos ? `${file}:${e.linePos[0].line}:${e.linePos[0].col}` : file,
        message: `${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '.')} Fix the ${file.endsWith('.json') ? 'JSON' : 'YAML'} syntax there.`,
      })),
    );
  }
  return validateSpec(document.toJS());
}

/** Reads and validates a spec file. */
export async function loadSpec(file: string): Promise<LoadedSpec> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist; check the path (run `jivs demo` to get an example spec).'
        : code === 'EISDIR'
          ? 'is a directory; give the spec file inside it.'
          : code === 'EACCES'
            ? 'is not readable; check its permissions.'
            : `cannot be read (${code ?? String(error)}).`;
    throw new InputError([{ path: file, message: `spec file ${reason}` }]);
  }
  return { spec: parseSpecText(text, file), file: path, baseDir: dirname(path) };
}
