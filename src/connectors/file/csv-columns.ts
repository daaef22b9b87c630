/** Column names of a CSV file: from its header line, the endpoint's `columns`, or col1..colN. */
import { InputError } from '../../core/errors.ts';
import type { CsvOptions } from './csv-options.ts';
import type { CsvFields } from './csv-record-decoder.ts';

/**
 * The column names of a CSV file, given its first non-blank record (undefined for an empty file).
 * With a header, the header's names, checked against the endpoint's `columns` when given; without one,
 * the endpoint's `columns`, else `col1..colN` after the first record's field count.
 *
 * @throws InputError for an empty or duplicate header name, a header that differs from `columns`, or an
 *   empty file whose columns cannot be known
 */
export function resolveCsvColumns(first: CsvFields | undefined, options: CsvOptions, file: string): string[] {
  if (first === undefined) {
    if (options.columns) return options.columns;
    throw new InputError([
      {
        path: file,
        message: options.header
          ? 'the file is empty but needs a header line; add one, or list the columns in the spec.'
          : 'the file is empty, so its columns are unknown; list them in the spec (columns) or remove the file.',
      },
    ]);
  }
  if (!options.header) return options.columns ?? first.map((_, i) => `col${i + 1}`);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  first.forEach((name, i) => {
    if (name === null || name === '') {
      problems.push(
        `header column ${i + 1} has no name; name it in the file, or set header: false and list columns.`,
      );
      return;
    }
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      problems.push(
        `header names "${name}" twice (columns ${earlier + 1} and ${i + 1}); make the names unique.`,
      );
    } else {
      seen.set(name, i);
    }
  });
  if (problems.length) throw new InputError(problems.map((message) => ({ path: `${file}:1`, message })));
  const names = first as string[];
  if (options.columns && !sameNames(names, options.columns)) {
    throw new InputError([
      {
        path: `${file}:1`,
        message:
          `the header does not match the expected columns: expected ${list(options.columns)}, found ${list(names)}` +
          `${describeDifference(options.columns, names)}; fix the file's header or the spec's columns.`,
      },
    ]);
  }
  return names;
}

function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

function list(names: string[]): string {
  return `[${names.join(', ')}]`;
}

function describeDifference(expected: string[], found: string[]): string {
  const missing = expected.filter((name) => !found.includes(name));
  const unexpected = found.filter((name) => !expected.includes(name));
  const parts = [];
  if (missing.length) parts.push(`missing ${list(missing)}`);
  if (unexpected.length) parts.push(`unexpected ${list(unexpected)}`);
  if (!parts.length) parts.push('same names in another order');
  return ` (${parts.join(', ')})`;
}
