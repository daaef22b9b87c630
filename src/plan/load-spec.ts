/** Reads a spec file (YAML, or JSON which is YAML too), reporting syntax errors with line and column. */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument, type YAMLParseError } from 'yaml';
import { InputError } from '../core/errors.ts';
import { unconfinedFiles, type FileResolver } from '../spec/file-resolver.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import { validateSpec } from './validate-spec.ts';

/** A validated spec and where it came from. */
export interface LoadedSpec {
  spec: MigrationSpec;
  file: string;
  /** Resolves and checks every file path the spec names (relative ones against the spec's folder). */
  files: FileResolver;
}

/** What to tell the user about a parse error, in their terms rather than the parser's. */
function syntaxMessage(error: YAMLParseError, text: string, syntax: string): string {
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const key = /^["']?([^"':\n]+?)["']?\s*:/.exec(text.slice(error.pos[0]))?.[1];
      return `the key ${key ? `"${key}" ` : ''}appears twice in the same mapping; keep only one of them.`;
    }
    case 'MULTIPLE_DOCS':
      return 'the file holds more than one YAML document (a second "---"); keep one spec per file.';
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed as indentation; indent with spaces.';
    default:
      return `${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '.')} Fix the ${syntax} syntax there.`;
  }
}

/** Parses spec text; `file` only names the source in messages. */
export function parseSpecText(text: string, file: string): MigrationSpec {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length) {
    const syntax = file.endsWith('.json') ? 'JSON' : 'YAML';
    throw new InputError(
      document.errors.map((e) => ({
        path: e.linePos ? `${file}:${e.linePos[0].line}:${e.linePos[0].col}` : file,
        message: syntaxMessage(e, text, syntax),
      })),
    );
  }
  if (document.contents === null) {
    throw new InputError([
      {
        path: file,
        message:
          'spec file is empty (or holds only comments); write a spec with version, source and target (the README has an example).',
      },
    ]);
  }
  let data: unknown;
  try {
    data = document.toJS();
  } catch (error) {
    // Unresolved aliases and alias bombs surface only when the document is turned into data.
    if (!(error instanceof ReferenceError)) throw error;
    throw new InputError([
      { path: file, message: `${error.message}. Fix the YAML anchors (&name) and aliases (*name).` },
    ]);
  }
  return validateSpec(data);
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
        ? 'does not exist; check the path.'
        : code === 'EISDIR'
          ? 'is a directory; give the spec file inside it.'
          : code === 'EACCES'
            ? 'is not readable; check its permissions.'
            : `cannot be read (${code ?? String(error)}).`;
    throw new InputError([{ path: file, message: `spec file ${reason}` }]);
  }
  return { spec: parseSpecText(text, file), file: path, files: unconfinedFiles(dirname(path)) };
}
