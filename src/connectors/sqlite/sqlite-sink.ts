/** Loads rows into a SQLite database: one transaction per batch, indexes after the data. */
import type Database from 'better-sqlite3';
import { openSqliteTargetDatabase } from './sqlite-connection.ts';
import { targetTableExists } from '../target-table-exists.ts';
import { toJsonText } from '../json-text.ts';
import { isDataRefusal } from '../data-refusal.ts';
import { isolateRefusedRowsSync } from '../isolate-refused-rows.ts';
import { sqliteCheckpointTable, upsertCheckpoint } from './sqlite-checkpoints.ts';
import type {
  CheckpointRecord,
  CheckpointTable,
  PreparedTable,
  RefusedRow,
  RowBatch,
  Sink,
  TableMode,
  TableSchema,
  TableWriter,
} from '../connector.ts';
import { createIndexSql, sqliteTableDdl } from './sqlite-ddl.ts';
import { quoteSqliteIdentifier as q } from './sqlite-types.ts';

/** Opens (creating if needed) a SQLite database file as a target. */
export async function openSqliteSink(path: string): Promise<Sink> {
  const db = await openSqliteTargetDatabase(path);
  return new SqliteSink(db);
}

/** Rows per INSERT statement (fewer for very wide tables). */
const ROWS_PER_INSERT = 100;

/** SQLite stores booleans as 0/1 and arrays as JSON text; every other canonical value binds as it is. */
function toSqliteValue(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return Array.isArray(value) ? toJsonText(value) : value;
}

class SqliteSink implements Sink {
  readonly checkpoints: CheckpointTable;

  constructor(private readonly db: Database.Database) {
    this.checkpoints = sqliteCheckpointTable(db);
  }

  async tableExists(table: string): Promise<boolean> {
    return (
      this.db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(table) !==
      undefined
    );
  }

  async prepareTable(table: TableSchema, mode: TableMode): Promise<PreparedTable> {
    const exists = await this.tableExists(table.name);
    if (exists && mode === 'fail-if-exists') {
      throw targetTableExists(table.name);
    }
    if (exists && mode === 'truncate') {
      this.db.prepare(`DELETE FROM ${q(table.name)}`).run();
      return { rowsBefore: 0 };
    }
    if (exists && mode === 'append') return { rowsBefore: await this.countRows(table.name) };
    const ddl = sqliteTableDdl(table);
    for (const statement of [...ddl.drop, ...ddl.create]) this.db.prepare(statement).run();
    return { rowsBefore: 0 };
  }

  async openWriter(table: TableSchema): Promise<TableWriter> {
    const columns = table.columns.map((c) => q(c.name));
    const width = columns.length;
    // Multi-row INSERTs cut the per-statement overhead; SQLite allows 32,766 parameters per statement.
    const rowsPerInsert = Math.max(1, Math.min(ROWS_PER_INSERT, Math.floor(32766 / width)));
    const statements = new Map<number, Database.Statement>();
    const insertOf = (rows: number) => {
      let statement = statements.get(rows);
      if (!statement) {
        const tuple = `(${columns.map(() => '?').join(', ')})`;
        statement = this.db.prepare(
          `INSERT INTO ${q(table.name)} (${columns.join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')}`,
        );
        statements.set(rows, statement);
      }
      return statement;
    };
    const insertRows = (batch: RowBatch) => {
      for (let start = 0; start < batch.length; start += rowsPerInsert) {
        const count = Math.min(rowsPerInsert, batch.length - start);
        const params: unknown[] = new Array(count * width);
        for (let r = 0; r < count; r++) {
          const row = batch[start + r]!;
          for (let c = 0; c < width; c++) params[r * width + c] = toSqliteValue(row[c]);
        }
        insertOf(count).run(params);
      }
    };
    const writeBatch = this.db.transaction((batch: RowBatch, checkpoint?: CheckpointRecord) => {
      if (checkpoint) upsertCheckpoint(this.db, checkpoint);
      insertRows(batch);
    });
    return {
      write: async (batch, checkpoint) => {
        if (batch.length || checkpoint) writeBatch(batch, checkpoint);
      },
      isolate: async (batch, maxRefused) => this.isolate(batch, maxRefused, insertRows),
      close: async () => {},
    };
  }

  /**
   * Finds the rows the table refuses (see isolate-refused-rows.ts): one transaction, each segment within
   * a savepoint, always rolled back. Synchronous from BEGIN to ROLLBACK, so that no other writer of this
   * database runs inside the transaction.
   */
  private isolate(batch: RowBatch, maxRefused: number, insertRows: (rows: RowBatch) => void): RefusedRow[] {
    this.db.exec('BEGIN');
    try {
      return isolateRefusedRowsSync(batch.length, maxRefused, ([from, to]) => {
        this.db.exec('SAVEPOINT jivs_isolate');
        try {
          insertRows(batch.slice(from, to));
        } catch (error) {
          this.db.exec('ROLLBACK TO jivs_isolate');
          this.db.exec('RELEASE jivs_isolate');
          if (!isDataRefusal(error)) throw error;
          return error;
        }
        this.db.exec('RELEASE jivs_isolate');
        return null;
      });
    } finally {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    }
  }

  async finalizeTable(table: TableSchema): Promise<void> {
    const owner = this.db
      .prepare(`SELECT tbl_name FROM sqlite_schema WHERE type = 'index' AND name = ?`)
      .pluck();
    for (const index of table.indexes) {
      // Index names are database-wide in SQLite: one kept by truncate/append is fine, another table's is not.
      const existing = owner.get(index.name) as string | undefined;
      if (existing === table.name) continue;
      if (existing !== undefined) {
        throw new Error(
          `index name "${index.name}" is already used by table "${existing}" (SQLite index names are database-wide); rename one of the indexes in the source or drop the other table`,
        );
      }
      this.db.prepare(createIndexSql(table.name, index)).run();
    }
  }

  /**
   * Rows with a foreign key (all of its columns set) that matches no parent row; a row counts once.
   * Not PRAGMA foreign_key_check: it fails with "foreign key mismatch" while a referenced UNIQUE column
   * has no index yet, and indexes are only built by {@link finalizeTable}, after Verification.
   */
  async foreignKeyViolations(table: TableSchema): Promise<number> {
    if (!table.foreignKeys.length) return 0;
    const orphan = table.foreignKeys.map((fk) => {
      const set = (alias: string, columns: string[]) =>
        columns.map((c) => `${alias}.${q(c)} IS NOT NULL`).join(' AND ');
      const child = fk.columns.map((c) => `c.${q(c)}`).join(', ');
      const parent = fk.referencedColumns.map(q).join(', ');
      // NOT IN over a subquery is planned with a temporary index; NOT EXISTS would scan the parent per row.
      return `(${set('c', fk.columns)} AND (${child}) NOT IN (SELECT ${parent} FROM ${q(fk.referencedTable)} AS p WHERE ${set('p', fk.referencedColumns)}))`;
    });
    return this.db
      .prepare(`SELECT COUNT(*) FROM ${q(table.name)} AS c WHERE ${orphan.join(' OR ')}`)
      .pluck()
      .get() as number;
  }

  async countRows(table: string): Promise<number> {
    return this.db
      .prepare(`SELECT COUNT(*) FROM ${q(table)}`)
      .pluck()
      .get() as number;
  }

  async dropTable(table: string): Promise<void> {
    this.db.exec(`DROP TABLE IF EXISTS ${q(table)}`);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
