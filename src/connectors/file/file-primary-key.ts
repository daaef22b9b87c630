/**
 * The primary key of file tables, which files cannot declare themselves: the endpoint's `primaryKey`, a
 * list of columns for every table or a mapping from table name to its list, checked against the files.
 */
import { InputError } from '../../core/errors.ts';
import type { CsvEndpoint } from '../../spec/spec-schema.ts';
import { didYouMean } from '../../core/suggest.ts';
import type { FileTable } from './file-tables.ts';

/** A file endpoint's `primaryKey` as the spec gives it. */
export type FilePrimaryKeySpec = NonNullable<CsvEndpoint['primaryKey']>;

/** Where the option is in the spec, for messages: file endpoints declare keys only as sources. */
const SPEC_PATH = 'source.primaryKey';

/**
 * Checks that a mapping names only tables the endpoint has.
 *
 * @throws InputError naming each unknown table, with a suggestion
 */
export function checkPrimaryKeyTables(
  spec: FilePrimaryKeySpec | undefined,
  tables: readonly FileTable[],
): void {
  if (spec === undefined || Array.isArray(spec)) return;
  const names = tables.map((table) => table.name);
  const problems = Object.keys(spec)
    .filter((name) => !names.includes(name))
    .map((name) => ({
      path: `${SPEC_PATH}.${name}`,
      message: `names table "${name}", but the source has no such file.${didYouMean(name, names)} Its tables are: ${names.join(', ')}.`,
    }));
  if (problems.length) throw new InputError(problems);
}

/**
 * The primary key of `table` (empty when the spec declares none for it).
 *
 * @param columns the table's columns, as read from its file
 * @throws InputError when a key column is not among them
 */
export function primaryKeyOf(
  spec: FilePrimaryKeySpec | undefined,
  table: FileTable,
  columns: readonly string[],
): string[] {
  if (spec === undefined) return [];
  const key = Array.isArray(spec) ? spec : (spec[table.name] ?? []);
  const missing = key.filter((name) => !columns.includes(name));
  if (missing.length) {
    const path = Array.isArray(spec) ? SPEC_PATH : `${SPEC_PATH}.${table.name}`;
    throw new InputError(
      missing.map((name) => ({
        path,
        message: `key column "${name}" is not a column of ${table.file}.${didYouMean(name, [...columns])} Its columns are: ${columns.join(', ')}.`,
      })),
    );
  }
  return [...key];
}
