/** Streams rows out of a SQLite database, one read-only connection per partition being read. */
import { keyRangeClause, keyRangeWhere } from '../key-range-clause.ts';
import Database from 'better-sqlite3';
import { access, constants } from 'node:fs/promises';
import { InputError } from '../../errors.ts';
import type { PartitionBounds, RowBatch, Source, TableSchema } from '../connector.ts';
import { SqliteIntrospector } from './sqlite-introspector.ts';
import { quoteSqliteIdentifier } from './sqlite-types.ts';

/** Opens a SQLite database file as a source; it must exist and be a SQLite database. */
export async function openSqliteSource(path: string): Promise<Source> {
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new InputError([
      { path: 'source.path', message: `SQLite file "${path}" does not exist or is not readable.` },
    ]);
  }
  let db: Database.Database | undefined;
  try {
    db = openReadOnly(path);
    db.prepare('SELECT COUNT(*) FROM sqlite_schema').get();
  } catch (error) {
    db?.close();
    throw new InputError([
      { path: 'source.path', message: `"${path}" is not a SQLite database (${(error as Error).message}).` },
    ]);
  }
  return new SqliteSource(path, db);
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function openReadOnly(path: string): Database.Database {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  // Reads are sequential scans, which a page cache does not speed up; better-sqlite3's default is
  // 16 MB per connection, and a source holds one connection per partition being read.
  db.pragma('cache_size = -2000');
  return db;
}

class SqliteSource implements Source {
  readonly introspector: SqliteIntrospector;

  constructor(
    private readonly path: string,
    private readonly db: Database.Database,
  ) {
    this.introspector = new SqliteIntrospector(db);
  }

  async *read(
    table: TableSchema,
    columns: string[],
    bounds: PartitionBounds,
    batchSize: number,
  ): AsyncGenerator<RowBatch> {
    // A statement being iterated keeps its connection busy, so each partition reads on its own.
    const db = openReadOnly(this.path);
    try {
      // `rowid` may be asked for as a column: the partition key of tables without an integer key.
      const key = (name: string) => (name === 'rowid' ? 'rowid' : quoteSqliteIdentifier(name));
      const select = columns.map(key).join(', ');
      const range = keyRangeClause(bounds, key, () => '?');
      const sql = `SELECT ${select} FROM ${quoteSqliteIdentifier(table.name)}${range.sql}`;
      // Integers are read as bigint so none loses precision (any column may hold one, whatever its
      // declared type), then those within 2^53 become numbers: the canonical form.
      const statement = db.prepare(sql).raw(true).safeIntegers(true);
      let batch: RowBatch = [];
      for (const row of statement.iterate(...range.params) as IterableIterator<unknown[]>) {
        for (let i = 0; i < row.length; i++) {
          const value = row[i];
          if (typeof value === 'bigint' && value >= MIN_SAFE && value <= MAX_SAFE) row[i] = Number(value);
        }
        batch.push(row);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } finally {
      db.close();
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
