/** Row types of the control-plane tables, as Kysely sees them (domain types live in run-types.ts). */
import type { ColumnType, Generated } from 'kysely';

export interface RunsTable {
  id: string;
  spec_name: string;
  spec_file: string;
  spec_hash: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  report_json: string | null;
  owner: string | null;
  attempt: Generated<number>;
  prepared_json: string | null;
  control: string | null;
  /** The stored migration definition the run was started from (service runs), if any. */
  migration_id: string | null;
}

export interface PhaseTimingsTable {
  run_id: string;
  phase: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  busy_ms: number | null;
}

export interface PartitionsTable {
  run_id: string;
  table_name: string;
  partition_index: number;
  bounds_json: string;
  status: string;
  extracted: number;
  loaded: number;
  rejected: number;
  filtered: number;
  updated_at: string;
  owner: string | null;
  attempt: Generated<number>;
}

export interface RejectsTable {
  id: Generated<number>;
  run_id: string;
  table_name: string;
  partition_index: number;
  row_key: string;
  values_json: string;
  /** Raw values of the masked columns, only with `quarantine: raw`. */
  raw_values_json: string | null;
  reasons_json: string;
  batch: Generated<number>;
}

export interface RejectReasonsTable {
  reject_id: number;
  rule: string;
  column_name: string | null;
  severity: string;
  message: string;
}

/**
 * A flag: boolean on PostgreSQL, 0/1 on SQLite. Written as 0/1, which PostgreSQL also reads as a
 * boolean; read back with `Boolean(...)`.
 */
export type FlagColumn = ColumnType<boolean | number, number, number>;

export interface UsersTable {
  /** Random, never reused (null only in a row written by something else than the store). */
  id: string | null;
  username: string;
  password_hash: string;
  role: string;
  disabled: FlagColumn;
  created_at: string;
  updated_at: string;
}

export interface RefreshTokensTable {
  token_hash: string;
  username: string;
  /** The users.id of the user it was issued to. */
  user_id: string | null;
  expires_at: string;
  revoked_at: string | null;
}

/** Append-only: rows are inserted and read, never updated or deleted (triggers refuse both). */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  outcome: string;
  detail_json: string | null;
  ip: string | null;
}

export interface MigrationsTable {
  id: string;
  name: string;
  spec_json: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface StateDatabase {
  runs: RunsTable;
  phase_timings: PhaseTimingsTable;
  partitions: PartitionsTable;
  rejects: RejectsTable;
  reject_reasons: RejectReasonsTable;
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  audit_log: AuditLogTable;
  migrations: MigrationsTable;
}
