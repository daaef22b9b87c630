/** Checkpoints in a MySQL/MariaDB target: one row per partition in `_jivs_checkpoints`, written in the batch's transaction. */
import { CHECKPOINT_TABLE, type CheckpointRecord, type CheckpointTable } from '../connector.ts';
import type { Connection } from 'mysql2/promise';
import type { MysqlPool } from './mysql-connection.ts';
import { quoteMysqlIdentifier as q } from './mysql-types.ts';

const TABLE = q(CHECKPOINT_TABLE);

/** The upsert of one checkpoint, for the writer's transaction (run on that transaction's connection). */
export function upsertCheckpoint(connection: Pick<Connection, 'query'>, checkpoint: CheckpointRecord) {
  return connection.query(
    `INSERT INTO ${TABLE} (run_id, table_name, partition_index, state, updated_at)
     VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3))
     ON DUPLICATE KEY UPDATE state = VALUES(state), updated_at = VALUES(updated_at)`,
    [checkpoint.runId, checkpoint.table, checkpoint.partition, checkpoint.state],
  );
}

export function mysqlCheckpointTable(pool: MysqlPool): CheckpointTable {
  const exists = async () =>
    (
      await pool.rows(
        'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
        [CHECKPOINT_TABLE],
      )
    ).length > 0;
  return {
    async ensure() {
      await pool.rows(`CREATE TABLE IF NOT EXISTS ${TABLE} (
        run_id VARCHAR(64) NOT NULL, table_name VARCHAR(255) NOT NULL, partition_index INT NOT NULL,
        state LONGTEXT NOT NULL, updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (run_id, table_name, partition_index)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
    },
    async read(runId) {
      if (!(await exists())) return [];
      const rows = await pool.rows<{ table_name: string; partition_index: number; state: string }>(
        `SELECT table_name, partition_index, state FROM ${TABLE} WHERE run_id = ?`,
        [runId],
      );
      return rows.map((r) => ({ runId, table: r.table_name, partition: r.partition_index, state: r.state }));
    },
    async clear(runId) {
      if (!(await exists())) return;
      await pool.rows(`DELETE FROM ${TABLE} WHERE run_id = ?`, [runId]);
      if (!(await pool.rows(`SELECT 1 FROM ${TABLE} LIMIT 1`)).length)
        await pool.rows(`DROP TABLE IF EXISTS ${TABLE}`);
    },
  };
}
