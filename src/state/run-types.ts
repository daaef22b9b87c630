/** Domain types of the control plane: what the engine records about runs and what readers get back. */
import type { PartitionBounds } from '../connectors/connector.ts';
import type { Severity } from '../spec/rules-schema.ts';

export const PHASES = [
  'planning',
  'extraction',
  'transformation',
  'validation',
  'loading',
  'verification',
  'cleanup',
] as const;

/** One of the seven phases, in the order they run. */
export type PhaseName = (typeof PHASES)[number];

/**
 * `paused`: stopped on request (Ctrl-C, SIGTERM, `jivs pause`) at a batch boundary, or by itself when
 * the service running it went away (its error then starts with `interrupted:`); `failed`: stopped by
 * an error. Both can be resumed, and so can a `running` run whose owner process is gone (a crash).
 * Readers show the interrupted ones as `interrupted` (engine/run-interruption.ts).
 */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'paused';

/** A request to the process executing a run, made from another process. */
export type RunControl = 'pause';

export interface RunRecord {
  id: string;
  specName: string;
  specFile: string;
  /** Hash of the validated spec, so later runs of the same spec can be found. */
  specHash: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  /** The process executing the run (`host:pid`), or the last one that did. */
  owner: string | null;
  /** 1 for the first execution, +1 for each resume. */
  attempt: number;
  /** The stored migration definition the run was started from (runs started by the service). */
  migrationId?: string | null;
}

/**
 * Time spent in a phase. `durationMs` is wall time from its start to its end; for the streaming phases
 * (extraction to loading) which overlap, `busyMs` is the time spent inside that stage, summed over partitions.
 */
export interface PhaseTiming {
  phase: PhaseName;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  busyMs: number | null;
}

/** `stopped`: ended early by a run-level decision (error policy, interruption, another partition's failure). */
export type PartitionStatus = 'pending' | 'running' | 'done' | 'failed' | 'stopped';

/** Row accounting of one partition: extracted = loaded + rejected + filtered once it is done. */
export interface RowCounts {
  extracted: number;
  loaded: number;
  rejected: number;
  filtered: number;
}

export interface PartitionProgress extends RowCounts {
  /** Target table name. */
  table: string;
  index: number;
  bounds: PartitionBounds;
  status: PartitionStatus;
  /** The process executing the partition (`host:pid`), once one started it. */
  owner?: string | null;
  /** How often the partition was started (first run, retries after faults, resumes). */
  attempt?: number;
}

/** A row that did not load, kept with the reasons so nothing is lost silently. */
export interface RejectedRow {
  table: string;
  partition: number;
  /** Primary key values (or the row's position when the table has none), as JSON. */
  key: string;
  /** The source row as extracted, column name → value; masked columns masked (as in the target). */
  values: Record<string, unknown>;
  /**
   * The raw values of the masked columns, kept only with `quarantine: raw`; only engineers and admins
   * of the service see them.
   */
  rawValues?: Record<string, unknown>;
  reasons: RejectReason[];
}

/** Why a row was rejected: which rule failed, on which column, how badly, and the message. */
export interface RejectReason {
  /** The rule's name (`email_address.format`, a spec `name`), or transform / cast / filter / target constraints. */
  rule: string;
  /** Target column, or null for a rule over the row. */
  column: string | null;
  severity: Severity;
  message: string;
}

/** One line per reason, as reports and `jivs rejects` print it. */
export function describeReason(reason: RejectReason): string {
  return reason.column === null ? reason.message : `${reason.column}: ${reason.message}`;
}
