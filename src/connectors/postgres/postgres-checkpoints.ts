/**
 * Checkpoints in a PostgreSQL target: one row per partition in `<schema>._jivs_checkpoints`, upserted
 * inside the transaction that loads the batch it covers.
 */
import type pg from 'pg';
import { CHECKPOINT_TABLE, type CheckpointRecord, type CheckpointTable } from '../connector.ts';
import { qualified } from './postgres-identifiers.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** The upsert of one checkpoint, for the writer's transaction. */
export function upsertCheckpoint(db: Queryable, schema: string, checkpoint: CheckpointRecord) {
  return db.query(
    `INSERT INTO ${qualified(schema, CHECKPOINT_TABLE)} (run_id, table_name, partition_index, state, updated_at)
     VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (run_id, table_name, partition_index)
     DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
    [checkpoint.runId, checkpoint.table, checkpoint.partition, checkpoint.state],
  );
}

export function postgresCheckpointTable(pool: pg.Pool, schema: string): CheckpointTable {
  const table = qualified(schema, CHECKPOINT_TABLE);
  const exists = async () => {
    const { rows } = await pool.query<{ oid: string | null }>('SELECT to_regclass($1) AS oid', [table]);
    return rows[0]!.oid !== null;
  };
  return {
    async ensure() {
      await pool.query(
        `CREATE TABLE IF NOT EXISTS ${table} (
           run_id text NOT NULL, table_name text NOT NULL, partition_index integer NOT NULL,
           state text NOT NULL, updated_at timestamptz NOT NULL,
           PRIMARY KEY (run_id, table_name, partition_index))`,
      );
    },
    async read(runId) {
      if (!(await exists())) return [];
      const { rows } = await pool.query<{ table_name: string; partition_index: number; state: string }>(
        `SELECT table_name, partition_index, state FROM ${table} WHERE run_id = $1`,
        [runId],
      );
      return rows.map((r) => ({ runId, table: r.table_name, partition: r.partition_index, state: r.state }));
    },
    async clear(runId) {
      if (!(await exists())) return;
      await pool.query(`DELETE FROM ${table} WHERE run_id = $1`, [runId]);
      const { rowCount } = await pool.query(`SELECT 1 FROM ${table} LIMIT 1`);
      if (!rowCount) await pool.query(`DROP TABLE IF EXISTS ${table}`);
    },
  };
}
