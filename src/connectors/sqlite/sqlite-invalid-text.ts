/**
 * TEXT values of a SQLite source that are not valid UTF-8. better-sqlite3 decodes them with U+FFFD in
 * place of the invalid bytes, so a value is looked at only when it holds U+FFFD (a constant-time check
 * for the Latin-1 strings most text is); then the row's bytes are read again (`CAST(column AS BLOB)`, by
 * rowid or primary key, on a connection of its own) to tell invalid bytes from a U+FFFD written validly,
 * and the row is settled by the endpoint's `invalidText` (see invalid-text.ts).
 */
import { isUtf8 } from 'node:buffer';
import type Database from 'better-sqlite3';
import type { Row, TableSchema } from '../connector.ts';
import { settleInvalidValues, type InvalidTextPolicy, type InvalidValue } from '../invalid-text.ts';
import { utf8Sites } from '../utf8-sequences.ts';
import { quoteSqliteIdentifier } from './sqlite-types.ts';

/** How a row read is found again: by its rowid (at a position of the row) or by its primary key. */
type RowLocator =
  | { kind: 'rowid'; position: number }
  | { kind: 'key'; columns: string[]; positions: number[] }
  | { kind: 'none' };

/** Checks the rows of one read of a table, in order. */
export class SqliteTextCheck {
  private statement: Database.Statement | undefined;

  /**
   * @param columns the columns read, in row order; when the locator is a rowid past them, the row holds
   *   it as one more value, which {@link check} removes
   * @param openDb opens the connection the bytes are read on, when first needed
   */
  constructor(
    private readonly table: TableSchema,
    private readonly columns: readonly string[],
    private readonly locator: RowLocator,
    private readonly policy: InvalidTextPolicy,
    private readonly openDb: () => Database.Database,
  ) {}

  /** Settles `row` (whose values at `suspects` hold U+FFFD) by the bytes the database holds. */
  check(row: Row, suspects: readonly number[]): void {
    const bytes = this.readBytes(row);
    const values: InvalidValue[] = [];
    for (const position of suspects) {
      const value = bytes?.[position];
      // Without the bytes, U+FFFD cannot be told from invalid bytes: it is taken as invalid.
      if (Buffer.isBuffer(value) && isUtf8(value)) continue;
      const found = Buffer.isBuffer(value)
        ? utf8Sites(value).flatMap((site) =>
            site.invalid ? [{ byte: site.offset, bytes: site.invalid }] : [],
          )
        : [];
      values.push({ position, column: this.columns[position]!, found, replaced: row[position] });
    }
    const rowid = this.locator.kind === 'rowid' ? `rowid ${String(row[this.locator.position])}: ` : '';
    settleInvalidValues(row, values, this.policy, rowid, 'UTF-8');
  }

  /** The row's values as bytes (`CAST(… AS BLOB)`), or null when the row cannot be found again. */
  private readBytes(row: Row): unknown[] | null {
    const locator = this.locator;
    if (locator.kind === 'none') return null;
    const params = locator.kind === 'rowid' ? [row[locator.position]] : locator.positions.map((p) => row[p]);
    if (params.some((value) => typeof value === 'string' && value.includes('\uFFFD'))) return null;
    this.statement ??= this.prepare(locator);
    return (this.statement.get(...params) as unknown[] | undefined) ?? null;
  }

  private prepare(locator: Exclude<RowLocator, { kind: 'none' }>): Database.Statement {
    const blobs = this.columns.map((name) => `CAST(${quoteSqliteIdentifier(name)} AS BLOB)`).join(', ');
    const where =
      locator.kind === 'rowid'
        ? 'rowid = ?'
        : locator.columns.map((name) => `${quoteSqliteIdentifier(name)} IS ?`).join(' AND ');
    const sql = `SELECT ${blobs} FROM ${quoteSqliteIdentifier(this.table.name)} WHERE ${where}`;
    return this.openDb().prepare(sql).raw(true);
  }
}

/**
 * How rows of `table` read as `columns` are found again: by rowid where the table has one (`rowidKey`
 * is its INTEGER PRIMARY KEY or `rowid`, null for a WITHOUT ROWID table) — read as a column, or added to
 * the select when it is not among them (`addRowid`) — else by the primary key when every key column is read.
 */
export function rowLocator(
  table: TableSchema,
  columns: readonly string[],
  rowidKey: string | null,
): { locator: RowLocator; addRowid: boolean } {
  if (rowidKey !== null) {
    const at = columns.indexOf(rowidKey);
    if (at >= 0) return { locator: { kind: 'rowid', position: at }, addRowid: false };
    return { locator: { kind: 'rowid', position: columns.length }, addRowid: true };
  }
  const positions = table.primaryKey.map((name) => columns.indexOf(name));
  if (positions.length && positions.every((p) => p >= 0)) {
    return { locator: { kind: 'key', columns: table.primaryKey, positions }, addRowid: false };
  }
  return { locator: { kind: 'none' }, addRowid: false };
}
