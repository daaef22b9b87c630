/** Checkpoints in a SQLite target: one row per partition in `_jivs_checkpoints`, written in the batch's transaction. */
import type Database from 'better-sqlite3';
import { CHECKPOINT_TABLE, type CheckpointRecord, type CheckpointTable } from '../connector.ts';
import { quoteSqliteIdentifier as q } from './sqlite-types.ts';

const TABLE = q(CHECKPOINT_TABLE);

const exists = (db: Database.Database) =>
  db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(CHECKPOINT_TABLE) !==
  undefined;

/** Stores one checkpoint; call inside the batch's transaction. */
export function upsertCheckpoint(db: Database.Database, checkpoint: CheckpointRecord): void {
  db.prepare(
    `INSERT INTO ${TABLE} (run_id, table_name, partition_index, state, updated_at)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (run_id, table_name, partition_index)
     DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  ).run(checkpoint.runId, checkpoint.table, checkpoint.partition, checkpoint.state, new Date().toISOString());
}

export function sqliteCheckpointTable(db: Database.Database): CheckpointTable {
  return {
    async ensure() {
      db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (
        run_id TEXT NOT NULL, table_name TEXT NOT NULL, partition_index INTEGER NOT NULL,
        state TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (run_id, table_name, partition_index))`);
    },
    async read(runId) {
      if (!exists(db)) return [];
      const rows = db
        .prepare(`SELECT table_name, partition_index, state FROM ${TABLE} WHERE run_id = ?`)
        .all(runId) as { table_name: string; partition_index: number; state: string }[];
      return rows.map((r) => ({ runId, table: r.table_name, partition: r.partition_index, state: r.state }));
    },
    async clear(runId) {
      if (!exists(db)) return;
      db.prepare(`DELETE FROM ${TABLE} WHERE run_id = ?`).run(runId);
      if (db.prepare(`SELECT 1 FROM ${TABLE} LIMIT 1`).get() === undefined) db.exec(`DROP TABLE ${TABLE}`);
    },
  };
}
