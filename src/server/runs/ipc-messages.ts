/** The messages between the service and the process executing a run (run-child.ts), over Node's IPC channel. */
import type { RunReport } from '../../engine/report.ts';
import type { TableProgress } from '../../engine/run-observer.ts';
import type { InputProblem } from '../../core/errors.ts';
import type { FileAccess } from '../../spec/file-resolver.ts';
import type { PhaseName } from '../../state/run-types.ts';

/** What a child is asked to do. */
export type ChildJob =
  | ({ kind: 'run' } & JobSpec & { storeLocation: string; migrationId: string })
  | ({ kind: 'resume' } & JobSpec & { storeLocation: string; runId: string })
  | ({ kind: 'plan' } & JobSpec);

/** The spec of a job: the stored document with secrets as references, and the secrets themselves. */
export interface JobSpec {
  /** Validated again by the child; secrets appear only as `${ENV:JIVS_SECRET_…}` references. */
  spec: Record<string, unknown>;
  /** Variable name → secret, set in the child's environment only (never passed as the fork's env). */
  secrets: Record<string, string>;
  /** What the run record names as its spec file, e.g. `api:migrations/<id>`. */
  specFile: string;
  /** Where the spec's files may be: the child resolves every path through a FileResolver of this. */
  files: FileAccess;
  /** `JIVS_ALLOWED_HOSTS` entries: the database hosts the job may connect to; empty: any. */
  allowedHosts: string[];
}

export type ParentMessage =
  | { type: 'start'; job: ChildJob }
  /** A slot is free: a new run may move data now (it waits after Planning until then). */
  | { type: 'go' }
  /** Stop at the next batch boundary; the run ends paused. */
  | { type: 'pause' }
  /** Like pause; a run still waiting for its slot ends without touching the target. */
  | { type: 'cancel' };

/** One table of a plan, as the live progress shows it. */
export interface PlannedTable {
  table: string;
  estimatedRows: number;
  partitions: number;
}

/** Progress of a run, as the observer reports it. */
export type RunEvent =
  | { type: 'planned'; tables: PlannedTable[]; warnings: string[] }
  | { type: 'phase-started'; phase: PhaseName; at: string }
  | { type: 'phase-finished'; phase: PhaseName; at: string; durationMs: number }
  | { type: 'table-progress'; progress: TableProgress }
  | { type: 'warning'; message: string };

/** Why a job ended without a result. `input`: the spec or its source is wrong; nothing moved. */
export interface ChildFailure {
  message: string;
  input: boolean;
  problems: InputProblem[];
  /** Ended on a cancel before it moved data. */
  cancelled: boolean;
}

export type ChildMessage =
  /** The run is recorded in the store under this id (after Planning); it now waits for `go`. */
  | { type: 'created'; runId: string }
  | { type: 'event'; event: RunEvent }
  | { type: 'report'; report: RunReport }
  | { type: 'plan'; plan: unknown }
  | { type: 'failed'; failure: ChildFailure };
