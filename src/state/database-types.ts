/** Row types of the control-plane tables, as Kysely sees them (domain types live in run-types.ts). */
import type { Generated } from 'kysely';

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

export interface StateDatabase {
  runs: RunsTable;
  phase_timings: PhaseTimingsTable;
  partitions: PartitionsTable;
  rejects: RejectsTable;
  reject_reasons: RejectReasonsTable;
}
