/**
 * The boundary between a run's orchestrator and the place one of its partitions runs (a worker thread
 * now, a worker process on another machine later): plain data in, plain messages out, nothing that
 * assumes shared memory. The job carries the spec as written (environment references unresolved): the
 * secrets it refers to come from the worker's own environment, never through the job.
 */
import type { LookupAddress } from 'node:dns';
import type { TablePlan } from '../plan/plan-types.ts';
import type { FileAccess } from '../spec/file-resolver.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import type { PartitionProgress, PhaseName, RejectedRow } from '../state/run-types.ts';
import type { PartitionCheckpoint } from './checkpoints.ts';
import type { Lookups } from './compile-programs.ts';
import type { TransportedError } from './error-transport.ts';
import type { RetryPolicy } from './retry.ts';

/** One partition to run to its end, from its last checkpoint. */
export interface PartitionJob {
  runId: string;
  /** The spec's hash as the run recorded it: a worker refuses a job whose spec hashes differently. */
  specHash: string;
  /** The validated spec, environment references unresolved. */
  spec: MigrationSpec;
  /** Where the spec's files may be (the worker rebuilds the spec's FileResolver from it). */
  files: FileAccess;
  table: TablePlan;
  /** The partition's index in `table.partitions`. */
  index: number;
  /** Its checkpoint when the run started (a resume), or null. */
  found: PartitionCheckpoint | null;
  /** A new run: nothing was stored for the partition before. */
  fresh: boolean;
  /** `host:pid` of the process the partition runs in. */
  owner: string;
  batchSize: number;
  strict: boolean;
  checkpoints: boolean;
  digest: boolean;
  retry: RetryPolicy;
  /** The run's key index file (uniqueness and references claims), shared by every partition. */
  keyIndexPath: string;
  /** The lookup tables the run loaded for transform steps. */
  lookups: Lookups;
  /** Host names whose checked addresses the worker must use (connectors/pinned-lookups.ts). */
  pinnedHosts: [string, LookupAddress[]][];
}

/** Busy time per streaming phase since the last message, in ms. */
export type BusyTimes = [PhaseName, number][];

/** What a partition asks of its run, awaiting the answer (a `reply` with the same id). */
export type PartitionCall =
  | { method: 'savePartition'; args: [runId: string, progress: PartitionProgress] }
  | { method: 'addRejects'; args: [runId: string, rows: RejectedRow[], batch: number | undefined] }
  | { method: 'takeBackRejects'; args: [runId: string, table: string, partition: number, batch: number] }
  | { method: 'enforcePolicy'; args: [] };

/** Messages from the worker to the run. */
export type WorkerMessage =
  | ({ type: 'call'; id: number } & PartitionCall)
  /** The partition's committed state changed; its busy time so far comes along. */
  | { type: 'progressed'; checkpoint: PartitionCheckpoint; busy: BusyTimes }
  | { type: 'log'; message: string }
  | { type: 'done'; checkpoint: PartitionCheckpoint | null; busy: BusyTimes }
  | { type: 'failed'; error: TransportedError; busy: BusyTimes };

/** Messages from the run to the worker. */
export type RunMessage =
  | { type: 'job'; job: PartitionJob }
  | { type: 'reply'; id: number; error: TransportedError | null }
  /** Stop at the next batch boundary (what was committed stays committed), for `reason`. */
  | { type: 'stop'; reason: TransportedError };
