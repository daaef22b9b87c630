/**
 * The spec fixture corpus in test/fixtures/specs: valid specs, and malformed ones that say which
 * problems they must produce.
 *
 * Every invalid fixture carries one or more expectation lines, as YAML comments at its top (or, for
 * JSON fixtures, in a sidecar `<name>.expect` file):
 *
 *     # expect: tables[0].columns.email.type :: is not a portable type
 *
 * The part before ` :: ` is the exact problem path (empty for the whole spec; `{file}` stands for the
 * file name given to loadSpec, as in `{file}:3:7`), the part after is a substring of the message.
 * A line `# kind: semantic` marks a spec the JSON Schema alone accepts (caught by validate-spec's
 * extra checks).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VALID_DIR = fileURLToPath(new URL('../fixtures/specs/valid/', import.meta.url));
export const INVALID_DIR = fileURLToPath(new URL('../fixtures/specs/invalid/', import.meta.url));

/** One problem an invalid fixture must produce. */
export interface Expectation {
  /** Exact problem path; `{file}` is replaced by the file name given to loadSpec. */
  path: string;
  /** A substring of the problem's message. */
  message: string;
}

export interface InvalidFixture {
  name: string;
  file: string;
  expectations: Expectation[];
  /** Valid against the JSON Schema; only validate-spec's semantic checks reject it. */
  semantic: boolean;
  /** The problem is in the file itself (missing, syntax, empty), before any schema check. */
  fileLevel: boolean;
}

const EXPECT_LINE = /^#\s*expect:\s?(.*?)\s+::\s+(.*?)\s*$/;

function parseHeader(text: string): { expectations: Expectation[]; semantic: boolean } {
  const lines = text.split('\n');
  const expectations = lines
    .map((line) => EXPECT_LINE.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ path: match[1]!, message: match[2]! }));
  const semantic = lines.some((line) => /^#\s*kind:\s*semantic\b/.test(line));
  return { expectations, semantic };
}

/** The invalid fixtures with their expectations, sorted by name. */
export function invalidFixtures(): InvalidFixture[] {
  return readdirSync(INVALID_DIR)
    .filter((name) => ['.yaml', '.yml', '.json'].includes(extname(name)))
    .sort()
    .map((name) => {
      const file = join(INVALID_DIR, name);
      const sidecar = join(INVALID_DIR, `${basename(name, extname(name))}.expect`);
      const header = parseHeader(readFileSync(extname(name) === '.json' ? sidecar : file, 'utf8'));
      return {
        name,
        file,
        ...header,
        fileLevel: header.expectations.some((e) => e.path.startsWith('{file}')),
      };
    });
}

/** The valid fixture files, sorted by name. */
export function validFixtures(): { name: string; file: string }[] {
  return readdirSync(VALID_DIR)
    .filter((name) => ['.yaml', '.yml', '.json'].includes(extname(name)))
    .sort()
    .map((name) => ({ name, file: join(VALID_DIR, name) }));
}
