/**
 * Executes one partition to its end: from its last checkpoint (after a crash, a stop or a fault) or
 * from the start, retrying transient faults with backoff. Before continuing from a checkpoint, what the
 * batches after it left behind outside the target (rejected rows in the store, claims in the key index)
 * is taken back, so every row counts exactly once.
 */
import type { Sink, Source } from '../connectors/connector.ts';
import { describeFault, isTransientError } from '../connectors/transient-error.ts';
import { InputError, MigrationFailedError } from '../core/errors.ts';
import type { KeyIndex } from '../rules/key-index.ts';
import type { QualityTally } from '../rules/quality.ts';
import type { RetryPolicy } from './retry.ts';
import type { RunQuarantine, RunStore } from '../state/run-store.ts';
import type { PartitionStatus } from '../state/run-types.ts';
import { ContentDigest, createBatchDigester } from '../verify/content-digest.ts';
import {
  checkpointRecord,
  initialCheckpoint,
  partitionName,
  readCheckpoints,
  remainingBounds,
  type PartitionCheckpoint,
} from './checkpoints.ts';
import type { CompiledTable } from './compile-programs.ts';
import { ErrorPolicyExceeded } from './error-policy.ts';
import { runPartitionPipeline, SourceReadError } from './partition-pipeline.ts';
import type { BusyClock } from './phase-clock.ts';
import type { TablePlan } from '../plan/plan-types.ts';
import { withRetry } from './retry.ts';

/** The run's store as far as a partition writes to it: its status and its batches' rejected rows. */
export interface PartitionStore {
  savePartition: RunStore['savePartition'];
  quarantine: Pick<RunQuarantine, 'add' | 'deleteAfter'>;
}

/** Everything one partition needs from its run. */
export interface PartitionRun {
  runId: string;
  table: TablePlan;
  index: number;
  source: Source;
  sink: Sink;
  store: PartitionStore;
  clock: BusyClock;
  compiled: CompiledTable;
  keyIndex: KeyIndex;
  owner: string;
  batchSize: number;
  strict: boolean;
  /** Commit checkpoints with the batches (the spec's `checkpoints` and a sink that keeps them). */
  checkpoints: boolean;
  /** Compute the content digest of the loaded rows, for Verification. */
  digest: boolean;
  retry: RetryPolicy;
  signal: AbortSignal;
  /** The partition's checkpoint when the run started (a resume), or null. */
  found: PartitionCheckpoint | null;
  /** A new run (not a resume): nothing was stored for the partition before. */
  fresh: boolean;
  /** The partition's committed state changed (after each batch, and when it starts again). */
  progressed(checkpoint: PartitionCheckpoint): void;
  /** Enforces the error policies after a batch; throws (or rejects with) ErrorPolicyExceeded to stop the run. */
  enforcePolicy(): void | Promise<void>;
  /** Something the user should read in the log. */
  log(message: string): void;
}

/**
 * Runs the partition and returns its final checkpoint (done), or null when the run was stopped first.
 * A permanent error is thrown at once (wrapped in MigrationFailedError naming the partition); what was
 * committed stays, so the run can be resumed once the cause is fixed.
 */
export async function runPartition(run: PartitionRun): Promise<PartitionCheckpoint | null> {
  const { table, index, store, runId } = run;
  const name = table.target.name;
  const keyPart = run.keyIndex.part(partitionName(name, index));
  const digestBatch = run.digest ? createBatchDigester(table.target.columns) : null;
  let attempt = run.found?.attempt ?? 0;
  let known = run.found;
  let last: PartitionCheckpoint | null = null;
  /** The batch being committed, until its commit returns: named in the error when the commit fails. */
  let committing: PartitionCheckpoint | null = null;
  const save = (status: PartitionStatus, checkpoint: PartitionCheckpoint) =>
    store.savePartition(runId, {
      table: name,
      index,
      bounds: table.partitions[index]!.bounds,
      status,
      ...checkpoint.counts,
      owner: run.owner,
      attempt,
    });

  const once = async (): Promise<PartitionCheckpoint | null> => {
    let start = known ?? initialCheckpoint(run.owner, 0);
    if (start.done) {
      run.progressed(start);
      return start;
    }
    start = await restartPoint(run, start);
    committing = null;
    attempt += 1;
    start = { ...start, owner: run.owner, attempt };
    // A new run's first attempt has nothing to take back.
    if (!run.fresh || attempt > 1) {
      await store.quarantine.deleteAfter(runId, name, index, start.batches);
      run.keyIndex.releaseAfter(keyPart, start.batches);
    }
    const tally: QualityTally = run.compiled.tally.blank(start.quality ?? undefined);
    const digest = digestBatch ? new ContentDigest(start.digest ?? undefined) : null;
    last = start;
    run.progressed(start);
    await save('running', start);
    const writer = await run.sink.openWriter(table.target);
    try {
      return await runPartitionPipeline({
        source: run.source,
        plan: table,
        partition: index,
        bounds: remainingBounds(table.partitions[index]!.bounds, start),
        start,
        batchSize: run.batchSize,
        clock: run.clock,
        program: run.compiled.program,
        quarantine: run.compiled.quarantine,
        keyIndex: run.keyIndex,
        keyPart,
        tally,
        digest,
        digestBatch,
        strict: run.strict,
        signal: run.signal,
        ...(writer.isolate && { isolate: (batch, maxRefused) => writer.isolate!(batch, maxRefused) }),
        commit: async (accepted, rejected, checkpoint) => {
          // Rejected rows first: if the target commit below never happens, they belong to a batch after
          // the checkpoint and are taken back before the partition continues.
          committing = checkpoint;
          await store.quarantine.add(runId, rejected, checkpoint.batches);
          try {
            await writer.write(
              accepted,
              run.checkpoints ? checkpointRecord(runId, name, index, checkpoint) : undefined,
            );
          } catch (error) {
            // The batch is not in the target: neither are its rejected rows (committed again with it,
            // the rows the target refused among them, once those are isolated; see load-batch.ts).
            if (rejected.length) {
              await store.quarantine.deleteAfter(runId, name, index, checkpoint.batches - 1).catch(() => {});
            }
            throw error;
          }
          last = checkpoint;
          committing = null;
          run.progressed(checkpoint);
          await save(checkpoint.done ? 'done' : 'running', checkpoint);
          await run.enforcePolicy();
        },
      });
    } finally {
      await writer.close();
    }
  };

  try {
    const final = await withRetry(
      async (n) => {
        // After a fault the target's checkpoint is the truth: a commit may have landed unacknowledged.
        if (n > 1) known = (await readCheckpoints(run.sink, runId)).get(partitionName(name, index)) ?? null;
        return once();
      },
      {
        policy: run.retry,
        signal: run.signal,
        isTransient: (error) =>
          run.checkpoints && !(error instanceof ErrorPolicyExceeded) && isTransientError(error),
        onRetry: ({ delayMs, error, attempt: tried }) =>
          run.log(
            `${name}, partition ${index + 1}/${table.partitions.length}: ${describeFault(error, sideOf(error))}; attempt ${tried} of ${run.retry.attempts} failed, reconnecting in ${(delayMs / 1000).toFixed(1)} s and continuing from the last checkpoint${last ? ` (${describeCheckpoint(last)})` : ''}.`,
          ),
      },
    );
    if (final === null) await save('stopped', last ?? initialCheckpoint(run.owner, attempt));
    return final;
  } catch (error) {
    const stopped = error instanceof ErrorPolicyExceeded || run.signal.aborted;
    await save(stopped ? 'stopped' : 'failed', last ?? initialCheckpoint(run.owner, attempt)).catch(() => {});
    if (error instanceof MigrationFailedError || error instanceof InputError) throw error;
    const where = `${table.source.name} → ${name}, partition ${index + 1}/${table.partitions.length}${describeUnsettled(committing, last)}`;
    const fault = isTransientError(error) ? ` (${describeFault(error, sideOf(error))})` : '';
    throw new MigrationFailedError(`${where}: ${(error as Error).message}${fault}`, { cause: error });
  }
}

/**
 * Where the partition continues. A key range continues after its checkpoint, and so does a whole-table
 * partition of a source that reads in a stable order (a file: after the rows it read, see
 * resume-position.ts). Any other whole-table partition has no key to continue after: its table is
 * emptied and loaded again from the start (it is the table's only partition), which append mode cannot
 * do without also removing the rows that were there before.
 */
async function restartPoint(run: PartitionRun, start: PartitionCheckpoint): Promise<PartitionCheckpoint> {
  const { table } = run;
  if (table.partitions[run.index]!.bounds.kind === 'key-range' || start.batches === 0) return start;
  if (run.source.stableOrder && start.lastRow) {
    run.log(`${table.target.name}: continues after row ${start.counts.extracted} (${start.lastRow}).`);
    return start;
  }
  if (table.mode === 'append') {
    throw new MigrationFailedError(
      `${table.target.name} is appended to without an integer key, so the rows this run loaded cannot be told apart from those there before: restore the table, then start a new run.`,
    );
  }
  run.log(`${table.target.name}: has no integer key to continue after; loading it again from the start.`);
  await run.sink.prepareTable(table.target, 'truncate');
  return initialCheckpoint(run.owner, start.attempt);
}

/**
 * The batch whose commit failed, for the error: its rows were read but neither loaded nor counted, so
 * the table's counts (from the last committed checkpoint) can show fewer rows than were read, even 0.
 */
function describeUnsettled(
  failed: PartitionCheckpoint | null,
  committed: PartitionCheckpoint | null,
): string {
  if (failed === null) return '';
  const rows = failed.counts.extracted - (committed?.counts.extracted ?? 0);
  return `, batch ${failed.batches} (${rows} rows read, not loaded and not counted yet; a resume reads them again)`;
}

function sideOf(error: unknown): 'source' | 'target' {
  return error instanceof SourceReadError ? 'source' : 'target';
}

function describeCheckpoint(checkpoint: PartitionCheckpoint): string {
  const key = checkpoint.lastKey === null ? '' : `, key ${checkpoint.lastKey}`;
  return `batch ${checkpoint.batches}${key}, ${checkpoint.counts.extracted} rows read`;
}
