/**
 * What the engine needs of the control-plane store to execute a run: the run's record, its phase
 * timings, its partitions' progress and its quarantine. The engine depends on this small interface,
 * not on the `StateStore` class, so a worker process can implement it over IPC or the network.
 * `StateStore` implements it.
 */
import type { RejectFilter, StoredReject } from './quarantine-store.ts';
import type {
  PartitionProgress,
  PhaseTiming,
  RejectedRow,
  RejectReason,
  RunControl,
  RunRecord,
  RunStatus,
} from './run-types.ts';

/** The quarantine operations a run uses: store, take back, read and settle rejected rows. */
export interface RunQuarantine {
  /** Stores the rejected rows of batch `batch` of a partition. */
  add(runId: string, rows: RejectedRow[], batch?: number): Promise<void>;
  /** Takes back the rejected rows a partition stored for batches after `batch` (0: all of them). */
  deleteAfter(runId: string, table: string, partition: number, batch: number): Promise<void>;
  /** Every matching rejected row of a run, a page at a time. */
  pages(runId: string, filter?: RejectFilter, pageSize?: number): AsyncGenerator<StoredReject[]>;
  /** Replay: resolved rows leave the quarantine; the others get their new reasons. */
  settle(resolved: number[], stillRejected: { id: number; reasons: RejectReason[] }[]): Promise<void>;
}

/** The store operations the engine uses to execute, resume and replay a run. */
export interface RunStore {
  /** The SQLite file of the store (never to be read or written by a spec); null if there is none. */
  readonly path: string | null;
  /** Where files that belong with the store (key indexes) go; null for an in-memory or remote store. */
  readonly localDir: string | null;
  /** The rejected rows of the run. */
  readonly quarantine: RunQuarantine;

  /** Records a new run. */
  createRun(run: RunRecord): Promise<void>;
  /** A run with its stored report, or undefined. */
  getRun(id: string): Promise<(RunRecord & { report: unknown }) | undefined>;
  /** Takes over a run for a resume; returns the new attempt number. */
  claimRun(id: string, owner: string): Promise<number>;
  /** Records (or, with null, forgets) that the target tables are prepared, with their rows before. */
  setPrepared(id: string, rowsBefore: ReadonlyMap<string, number> | null): Promise<void>;
  /** The rows per target table before the run loaded any, or null if never prepared. */
  preparedTables(id: string): Promise<Map<string, number> | null>;
  /** The pending control request of a run (`pause`), if any. */
  controlOf(id: string): Promise<RunControl | null>;
  /** Stores how long a phase took. */
  recordPhase(runId: string, timing: PhaseTiming): Promise<void>;
  /** Stores the progress of one partition. */
  savePartition(runId: string, progress: PartitionProgress): Promise<void>;
  /** The stored progress of every partition of a run. */
  partitions(runId: string): Promise<PartitionProgress[]>;
  /** Records how a run ended, with its report. */
  finishRun(id: string, status: RunStatus, error: string | null, report: unknown): Promise<void>;
  /** Replaces the stored report of a run (after a replay). */
  updateReport(id: string, report: unknown): Promise<void>;
}
