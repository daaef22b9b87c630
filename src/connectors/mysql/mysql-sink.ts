/**
 * Loads rows into MySQL/MariaDB: tables created with mapped types and the primary key, each batch
 * written in one transaction as multi-row INSERTs on a pooled connection, secondary indexes and
 * foreign keys added after the load.
 */
import { isDataRefusal } from '../data-refusal.ts';
import { redactRowValues } from '../database-message.ts';
import { isolateRefusedRows } from '../isolate-refused-rows.ts';
import { targetTableExists } from '../target-table-exists.ts';
import type { MysqlEndpoint } from '../../spec/spec-schema.ts';
import { mysqlCheckpointTable, upsertCheckpoint } from './mysql-checkpoints.ts';
import type {
  CheckpointTable,
  PreparedTable,
  RefusedRow,
  Row,
  RowBatch,
  Sink,
  TableMode,
  TableSchema,
  TableWriter,
} from '../connector.ts';
import { openMysqlPool, type MysqlPool } from './mysql-connection.ts';
import {
  addForeignKeysSql,
  addFullTextIndexSql,
  addIndexesSql,
  autoIncrementColumn,
  shortenMysqlIdentifier,
  mysqlTableDdl,
  orphanCountSql,
} from './mysql-ddl.ts';
import { quoteMysqlIdentifier as q } from './mysql-types.ts';
import { literalEncoderFor, type LiteralEncoder } from './mysql-write-values.ts';

/** Opens a MySQL/MariaDB database as a target; fails now (naming `name`) if it cannot connect. */
export async function openMysqlSink(endpoint: MysqlEndpoint, name: string): Promise<Sink> {
  const pool = await openMysqlPool(endpoint, name, 'target');
  const [row] = await pool.rows<{ size: number }>('SELECT @@max_allowed_packet AS size');
  return new MysqlSink(pool, Number(row?.size ?? 4 << 20));
}

/** Rows per INSERT statement at most. */
const ROWS_PER_INSERT = 500;
/** Bytes per INSERT statement at most (also bounded by half the server's max_allowed_packet). */
const BYTES_PER_INSERT = 4 << 20;

/**
 * The INSERT statements for a batch, built one at a time as they are sent: up to ROWS_PER_INSERT rows
 * each, cut earlier when the statement would grow past `maxBytes` (a single huge row still goes alone).
 */
export function* insertStatements(
  head: string,
  batch: RowBatch,
  encoders: LiteralEncoder[],
  maxBytes: number,
): Generator<string> {
  const width = encoders.length;
  let tuples: string[] = [];
  let bytes = head.length;
  for (const row of batch as Row[]) {
    let tuple = '(';
    for (let c = 0; c < width; c++) {
      const value = row[c];
      if (c) tuple += ',';
      tuple += value === null || value === undefined ? 'NULL' : encoders[c]!(value);
    }
    tuple += ')';
    if (tuples.length && (tuples.length >= ROWS_PER_INSERT || bytes + tuple.length + 1 > maxBytes)) {
      yield head + tuples.join(',');
      tuples = [];
      bytes = head.length;
    }
    tuples.push(tuple);
    bytes += tuple.length + 1;
  }
  if (tuples.length) yield head + tuples.join(',');
}

class MysqlSink implements Sink {
  private readonly maxBytes: number;
  readonly checkpoints: CheckpointTable;

  constructor(
    private readonly pool: MysqlPool,
    maxAllowedPacket: number,
  ) {
    this.checkpoints = mysqlCheckpointTable(pool);
    this.maxBytes = Math.max(64 << 10, Math.min(BYTES_PER_INSERT, Math.floor(maxAllowedPacket / 2)));
  }

  async tableExists(table: string): Promise<boolean> {
    const rows = await this.pool.rows(
      'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      [table],
    );
    return rows.length > 0;
  }

  async prepareTable(table: TableSchema, mode: TableMode): Promise<PreparedTable> {
    const exists = await this.tableExists(table.name);
    if (exists && mode === 'fail-if-exists') {
      throw targetTableExists(table.name);
    }
    // Sessions run without foreign key checks, so a parent table can be dropped or truncated too.
    if (exists && mode === 'truncate') {
      await this.pool.rows(`TRUNCATE TABLE ${q(table.name)}`);
      return { rowsBefore: 0 };
    }
    if (exists && mode === 'append') return { rowsBefore: await this.countRows(table.name) };
    const ddl = mysqlTableDdl(table);
    await this.pool.use(async (connection) => {
      for (const statement of [...ddl.drop, ...ddl.create]) await connection.query(statement);
    });
    return { rowsBefore: 0 };
  }

  async openWriter(table: TableSchema): Promise<TableWriter> {
    const encoders = table.columns.map(literalEncoderFor);
    const head = `INSERT INTO ${q(table.name)} (${table.columns.map((c) => q(c.name)).join(', ')}) VALUES `;
    return {
      write: async (batch, checkpoint) => {
        if (!batch.length && !checkpoint) return;
        await this.pool.use(async (connection) => {
          await connection.query('START TRANSACTION');
          try {
            for (const sql of insertStatements(head, batch, encoders, this.maxBytes)) {
              await connection.query(sql);
            }
            if (checkpoint) {
              await upsertCheckpoint(connection, checkpoint);
            }
            await connection.query('COMMIT');
          } catch (error) {
            await connection.query('ROLLBACK').catch(() => {});
            throw redactRowValues(error);
          }
        });
      },
      isolate: (batch, maxRefused) => this.isolate(batch, maxRefused, head, encoders),
      close: async () => {},
    };
  }

  /**
   * Finds the rows the table refuses (see isolate-refused-rows.ts): one transaction, the INSERTs of a
   * segment within a savepoint, always rolled back.
   */
  private async isolate(
    batch: RowBatch,
    maxRefused: number,
    head: string,
    encoders: LiteralEncoder[],
  ): Promise<RefusedRow[]> {
    return this.pool.use(async (connection) => {
      await connection.query('START TRANSACTION');
      try {
        return await isolateRefusedRows(batch.length, maxRefused, async ([from, to]) => {
          await connection.query('SAVEPOINT jivs_isolate');
          try {
            for (const sql of insertStatements(head, batch.slice(from, to), encoders, this.maxBytes)) {
              await connection.query(sql);
            }
          } catch (error) {
            if (!isDataRefusal(error)) throw error;
            await connection.query('ROLLBACK TO SAVEPOINT jivs_isolate');
            await connection.query('RELEASE SAVEPOINT jivs_isolate');
            return redactRowValues(error);
          }
          await connection.query('RELEASE SAVEPOINT jivs_isolate');
          return null;
        });
      } catch (error) {
        throw redactRowValues(error);
      } finally {
        await connection.query('ROLLBACK').catch(() => {});
      }
    });
  }

  /**
   * Adds the indexes the table lacks (truncate and append keep existing ones), in one ALTER TABLE, and
   * each missing FULLTEXT index in its own, then moves the AUTO_INCREMENT counter past the highest
   * loaded id. Foreign keys follow in {@link addForeignKeys}.
   */
  async finalizeTable(table: TableSchema): Promise<void> {
    const name = q(table.name);
    const indexNames = new Set(
      (
        await this.pool.rows<{ name: string }>(
          `SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS
           WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
          [table.name],
        )
      ).map((r) => r.name),
    );
    const missing = (i: { name: string }) => !indexNames.has(shortenMysqlIdentifier(i.name));
    const indexes = addIndexesSql(table.name, table.indexes.filter(missing));
    if (indexes !== null) await this.pool.rows(indexes);
    for (const index of (table.fullTextIndexes ?? []).filter(missing)) {
      await this.pool.rows(addFullTextIndexSql(table.name, index));
    }

    const counter = autoIncrementColumn(table);
    if (counter) {
      const [row] = await this.pool.rows<{ next: number | string }>(
        `SELECT COALESCE(MAX(${q(counter.name)}), 0) + 1 AS next FROM ${name}`,
      );
      await this.pool.rows(`ALTER TABLE ${name} AUTO_INCREMENT = ${BigInt(row?.next ?? 1)}`);
    }
  }

  /**
   * Adds the foreign keys the table lacks, in one ALTER TABLE, without checking existing rows (the
   * session has foreign_key_checks off); orphans were counted by {@link foreignKeyViolations}.
   */
  async addForeignKeys(table: TableSchema): Promise<void> {
    const constraintNames = new Set(
      (
        await this.pool.rows<{ name: string }>(
          `SELECT CONSTRAINT_NAME AS name FROM information_schema.REFERENTIAL_CONSTRAINTS
           WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
          [table.name],
        )
      ).map((r) => r.name),
    );
    const foreignKeys = addForeignKeysSql(
      table.name,
      table.foreignKeys.filter((f) => !constraintNames.has(shortenMysqlIdentifier(f.name))),
    );
    if (foreignKeys !== null) await this.pool.rows(foreignKeys);
  }

  async foreignKeyViolations(table: TableSchema): Promise<number> {
    if (!table.foreignKeys.length) return 0;
    const [row] = await this.pool.rows<{ n: number }>(orphanCountSql(table));
    return Number(row?.n ?? 0);
  }

  async countRows(table: string): Promise<number> {
    const [row] = await this.pool.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM ${q(table)}`);
    return Number(row?.n ?? 0);
  }

  async dropTable(table: string): Promise<void> {
    await this.pool.rows(`DROP TABLE IF EXISTS ${q(table)}`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
