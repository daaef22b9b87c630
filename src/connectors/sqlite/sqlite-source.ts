/** Streams rows out of a SQLite database, one read-only connection per partition being read. */
import { keyRangeClause, keyRangeWhere } from '../key-range-clause.ts';
import type Database from 'better-sqlite3';
import type { PartitionBounds, RowBatch, Source, TableSchema } from '../connector.ts';
import type { InvalidTextPolicy } from '../invalid-text.ts';
import { openSqliteReadOnly, openSqliteSourceDatabase } from './sqlite-connection.ts';
import { SqliteIntrospector } from './sqlite-introspector.ts';
import { rowLocator, SqliteTextCheck } from './sqlite-invalid-text.ts';
import { quoteSqliteIdentifier } from './sqlite-types.ts';

/**
 * Opens a SQLite database file as a source; it must exist and be a SQLite database. TEXT values that are
 * not valid UTF-8 are settled by `invalidText` (see sqlite-invalid-text.ts).
 */
export async function openSqliteSource(
  path: string,
  invalidText: InvalidTextPolicy = 'reject',
): Promise<Source> {
  const db = await openSqliteSourceDatabase(path);
  return new SqliteSource(path, db, invalidText);
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

class SqliteSource implements Source {
  readonly introspector: SqliteIntrospector;

  constructor(
    private readonly path: string,
    private readonly db: Database.Database,
    private readonly invalidText: InvalidTextPolicy,
  ) {
    this.introspector = new SqliteIntrospector(db);
    // Text is checked for invalid UTF-8 only where it is stored as UTF-8 (not in UTF-16 databases).
    this.checksText = db.pragma('encoding', { simple: true }) === 'UTF-8';
  }

  private readonly checksText: boolean;

  async *read(
    table: TableSchema,
    columns: string[],
    bounds: PartitionBounds,
    batchSize: number,
  ): AsyncGenerator<RowBatch> {
    // A statement being iterated keeps its connection busy, so each partition reads on its own.
    const db = openSqliteReadOnly(this.path);
    let bytesDb: Database.Database | undefined;
    try {
      // `rowid` may be asked for as a column: the partition key of tables without an integer key.
      const key = (name: string) => (name === 'rowid' ? 'rowid' : quoteSqliteIdentifier(name));
      const width = columns.length;
      const { locator, addRowid } = rowLocator(table, columns, this.introspector.rowidColumn(table));
      const check = this.checksText
        ? new SqliteTextCheck(
            table,
            columns,
            locator,
            this.invalidText,
            () => (bytesDb ??= openSqliteReadOnly(this.path)),
          )
        : null;
      const select = [...columns.map(key), ...(check && addRowid ? ['rowid'] : [])].join(', ');
      const range = keyRangeClause(bounds, key, () => '?');
      const sql = `SELECT ${select} FROM ${quoteSqliteIdentifier(table.name)}${range.sql}`;
      // Integers are read as bigint so none loses precision (any column may hold one, whatever its
      // declared type), then those within 2^53 become numbers: the canonical form.
      const statement = db.prepare(sql).raw(true).safeIntegers(true);
      let batch: RowBatch = [];
      for (const row of statement.iterate(...range.params) as IterableIterator<unknown[]>) {
        let suspects: number[] | undefined;
        for (let i = 0; i < width; i++) {
          const value = row[i];
          if (typeof value === 'bigint') {
            if (value >= MIN_SAFE && value <= MAX_SAFE) row[i] = Number(value);
          } else if (typeof value === 'string' && check && value.includes('\uFFFD')) {
            (suspects ??= []).push(i);
          }
        }
        if (suspects) check!.check(row, suspects);
        if (row.length > width) row.length = width;
        batch.push(row);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } finally {
      db.close();
      bytesDb?.close();
    }
  }

  async countRows(table: TableSchema, bounds: PartitionBounds): Promise<number> {
    const key = (name: string) => (name === 'rowid' ? 'rowid' : quoteSqliteIdentifier(name));
    const range = keyRangeWhere(bounds, key, () => '?');
    const sql = `SELECT COUNT(*) FROM ${quoteSqliteIdentifier(table.name)}${range.sql}`;
    return Number(
      this.db
        .prepare(sql)
        .pluck()
        .get(...range.params),
    );
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
