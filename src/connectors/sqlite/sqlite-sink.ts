/** Loads rows into a SQLite database: one transaction per batch, indexes after the data. */
import Database from 'better-sqlite3';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../../errors.ts';
import type {
  ColumnSchema,
  PreparedTable,
  RowBatch,
  Sink,
  TableMode,
  TableSchema,
  TableWriter,
} from '../connector.ts';
import { logicalToSqlite, quoteSqliteIdentifier as q } from './sqlite-types.ts';

/** Opens (creating if needed) a SQLite database file as a target. */
export async function openSqliteSink(path: string): Promise<Sink> {
  await mkdir(dirname(path), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Parents and children load in parallel and constraints are checked after the load (Verification).
    db.pragma('foreign_keys = OFF');
  } catch (error) {
    throw new InputError([
      {
        path: 'target.path',
        message: `cannot open "${path}" as a SQLite database: ${(error as Error).message}.`,
      },
    ]);
  }
  return new SqliteSink(db);
}

/** The column definition in CREATE TABLE. */
function columnDefinition(column: ColumnSchema): string {
  let sql = `${q(column.name)} ${logicalToSqlite(column.type)}`;
  if (!column.nullable) sql += ' NOT NULL';
  if (column.defaultValue !== null) sql += ` DEFAULT ${wrapDefault(column.defaultValue)}`;
  return sql;
}

function wrapDefault(value: string): string {
  return /^CURRENT_/.test(value) ? `(${value})` : value;
}

/** SQLite stores booleans as 0/1; every other canonical value binds as it is. */
function toSqliteValue(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

class SqliteSink implements Sink {
  constructor(private readonly db: Database.Database) {}

  async tableExists(table: string): Promise<boolean> {
    return (
      this.db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(table) !==
      undefined
    );
  }

  async prepareTable(table: TableSchema, mode: TableMode): Promise<PreparedTable> {
    const exists = await this.tableExists(table.name);
    if (exists && mode === 'fail-if-exists') {
      throw new InputError(
        `target table "${table.name}" already exists; drop it or choose mode create, truncate or append.`,
      );
    }
    if (exists && mode === 'truncate') {
      this.db.prepare(`DELETE FROM ${q(table.name)}`).run();
      return { rowsBefore: 0 };
    }
    if (exists && mode === 'append') return { rowsBefore: await this.countRows(table.name) };
    if (exists) this.db.prepare(`DROP TABLE ${q(table.name)}`).run();
    this.db.prepare(this.createTableSql(table)).run();
    return { rowsBefore: 0 };
  }

  /**
   * SQLite cannot add a foreign key to an existing table, so foreign keys are declared here; they are
   * not enforced while loading (foreign_keys is off) and are checked in {@link foreignKeyViolations}.
   */
  private createTableSql(table: TableSchema): string {
    const parts = table.columns.map(columnDefinition);
    if (table.primaryKey.length) parts.push(`PRIMARY KEY (${table.primaryKey.map(q).join(', ')})`);
    for (const fk of table.foreignKeys) {
      parts.push(
        `CONSTRAINT ${q(fk.name)} FOREIGN KEY (${fk.columns.map(q).join(', ')}) REFERENCES ${q(fk.referencedTable)} (${fk.referencedColumns.map(q).join(', ')}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`,
      );
    }
    return `CREATE TABLE ${q(table.name)} (\n  ${parts.join(',\n  ')}\n)`;
  }

  async openWriter(table: TableSchema): Promise<TableWriter> {
    const columns = table.columns.map((c) => q(c.name));
    const insert = this.db.prepare(
      `INSERT INTO ${q(table.name)} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    const writeBatch = this.db.transaction((batch: RowBatch) => {
      for (const row of batch) insert.run(row.map(toSqliteValue));
    });
    return {
      write: async (batch) => {
        writeBatch(batch);
      },
      close: async () => {},
    };
  }

  async finalizeTable(table: TableSchema): Promise<void> {
    for (const index of table.indexes) {
      const unique = index.unique ? 'UNIQUE ' : '';
      this.db
        .prepare(
          `CREATE ${unique}INDEX IF NOT EXISTS ${q(index.name)} ON ${q(table.name)} (${index.columns.map(q).join(', ')})`,
        )
        .run();
    }
  }

  /** Rows whose foreign keys point at no parent row, per foreign key constraint. */
  async foreignKeyViolations(table: TableSchema): Promise<number> {
    if (!table.foreignKeys.length) return 0;
    return this.db.prepare(`PRAGMA foreign_key_check(${q(table.name)})`).all().length;
  }

  async countRows(table: string): Promise<number> {
    return this.db
      .prepare(`SELECT COUNT(*) FROM ${q(table)}`)
      .pluck()
      .get() as number;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
