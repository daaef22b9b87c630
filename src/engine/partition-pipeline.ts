/**
 * One partition's streaming pipeline: extract → transform → validate → load, one batch in flight,
 * so memory stays at about one batch per running partition however large the table is.
 */
import { setImmediate } from 'node:timers/promises';
import type { PartitionBounds, RefusedRow, RowBatch, Source } from '../connectors/connector.ts';
import { describeReason, type RejectedRow } from '../state/run-types.ts';
import { addCounts } from './accounting.ts';
import type { PartitionCheckpoint } from './checkpoints.ts';
import type { BusyClock } from './phase-clock.ts';
import type { TablePlan } from '../plan/plan-types.ts';
import type { KeyIndex } from '../rules/key-index.ts';
import type { QualityTally } from '../rules/quality.ts';
import type { TableProgram } from '../rules/table-program.ts';
import type { ContentDigest } from '../verify/content-digest.ts';
import type { CompiledTable } from './compile-programs.ts';
import { ErrorPolicyExceeded } from './error-policy.ts';
import { createBatchLoader, type BatchLoad } from './load-batch.ts';
import { compileTransform } from './transform.ts';
import { rowMarkOf, rowsAfter } from './resume-position.ts';
import { compileValidator, type Rejection } from './validate.ts';

/** Reading the source failed (as opposed to loading the target): says which side a fault is on. */
export class SourceReadError extends Error {}

export interface PartitionJob {
  source: Source;
  plan: TablePlan;
  partition: number;
  /** What is still to read: the partition's bounds, or what is left of them after a checkpoint. */
  bounds: PartitionBounds;
  /** Where the partition stands: its last checkpoint, or the initial one. */
  start: PartitionCheckpoint;
  batchSize: number;
  clock: BusyClock;
  /** The table's compiled transforms and rules, shared by its partitions. */
  program: TableProgram;
  /** How the table's rejected rows are kept (masked columns masked unless `quarantine: raw`). */
  quarantine: CompiledTable['quarantine'];
  keyIndex: KeyIndex;
  /** The partition's id in the key index: claims are tagged with it and the batch number. */
  keyPart: number;
  /** The partition's quality counts, holding those up to `start`. */
  tally: QualityTally;
  /** Content digest of the loaded rows, holding those up to `start`; null when content is not verified. */
  digest: ContentDigest | null;
  digestBatch: ((batch: RowBatch, digest: ContentDigest) => void) | null;
  /** errors.strict: the first critical rule failure stops the run before its batch is loaded. */
  strict: boolean;
  /** Stops the pipeline at the next batch boundary. */
  signal: AbortSignal;
  /**
   * Makes one batch durable: its rejected rows, its accepted rows and the checkpoint after it (in that
   * order, the last two in one target transaction), then records progress and enforces the error
   * policy (by throwing). The final call has an empty batch and a checkpoint marked done.
   */
  commit(accepted: RowBatch, rejected: RejectedRow[], checkpoint: PartitionCheckpoint): Promise<void>;
  /**
   * Finds the accepted rows of a batch the target refuses for a data reason (TableWriter.isolate), after
   * a commit failed with such a refusal; undefined when the target cannot tell (files). See load-batch.ts.
   */
  isolate?: (batch: RowBatch, maxRefused: number) => Promise<RefusedRow[]>;
}

/**
 * The quarantine's records of a batch's rejected rows. The raw values of masked columns go to the
 * run's key index (for a replay), and into the store only with `quarantine: raw`.
 */
function rejectedRows(job: PartitionJob, rejections: Rejection[], firstRow: number): RejectedRow[] {
  const { plan, partition, quarantine } = job;
  const rawRows: { key: string; values: Record<string, unknown> }[] = [];
  const rows = rejections.map(({ index, sourceRow, reasons }): RejectedRow => {
    const key = plan.keyPositions.length
      ? JSON.stringify(
          plan.keyPositions.map((p) => sourceRow[p]),
          (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
        )
      : `#${partition}:${firstRow + index}`;
    const { values, raw } = quarantine.values(sourceRow);
    const kept = quarantine.reasons(reasons);
    if (!raw) return { table: plan.target.name, partition, key, values, reasons: kept };
    rawRows.push({ key, values: raw });
    const rawValues = quarantine.mode === 'raw' ? raw : undefined;
    return { table: plan.target.name, partition, key, values, rawValues, reasons: kept };
  });
  if (rawRows.length) job.keyIndex.keepRejectedValues(plan.target.name, rawRows);
  return rows;
}

/** errors.strict: a critical failure ends the run before the batch holding it is loaded. */
function stopOnCritical(rejects: RejectedRow[]): void {
  for (const row of rejects) {
    const critical = row.reasons.find((r) => r.severity === 'critical');
    if (critical) {
      throw new ErrorPolicyExceeded(
        `stopped (errors.strict): ${row.table} row ${row.key} failed the critical rule ${critical.rule}: ${describeReason(critical)}. Fix the data or the rule, or lower its severity.`,
      );
    }
  }
}

/**
 * The columns to read, and the position of the partition key among them (-1 for a partition that is
 * not a key range). A partition key that is not a migrated column (SQLite's rowid) is read after them,
 * so that checkpoints can name the last key read.
 */
function readColumns(job: PartitionJob): { columns: string[]; keyAt: number } {
  const { bounds } = job;
  const columns = job.plan.columns.map((c) => c.source.name);
  if (bounds.kind !== 'key-range') return { columns, keyAt: -1 };
  const keyAt = columns.indexOf(bounds.keyColumn);
  return keyAt >= 0 ? { columns, keyAt } : { columns: [...columns, bounds.keyColumn], keyAt: columns.length };
}

/**
 * Runs the partition from `job.start` to its end and returns its final checkpoint, or null when it was
 * aborted first (what was committed stays committed).
 */
export async function runPartitionPipeline(job: PartitionJob): Promise<PartitionCheckpoint | null> {
  const transform = compileTransform(job.plan, job.program);
  // In-partition unique rules continue from the last key the checkpoint read (rows after it come after it).
  const validate = compileValidator(job.plan, job.program, job.keyIndex, job.tally, {
    lastKey: job.start.lastKey,
  });
  const { columns, keyAt } = readColumns(job);
  /** The checkpoint after the last batch prepared (not necessarily committed yet). */
  let last = job.start;
  /** The checkpoint committed last, corrected for the rows the target refused (see load-batch.ts). */
  let committed = job.start;
  let batches = job.source.read(job.plan.source, columns, job.bounds, job.batchSize);
  // A whole partition of a stable source continues after the rows it read: they are read again, unloaded.
  const mark = job.bounds.kind === 'whole' && job.source.stableOrder ? rowMarkOf(job.plan) : null;
  if (mark && job.start.counts.extracted > 0 && job.start.lastRow) {
    batches = rowsAfter(batches, job.start.counts.extracted, mark, job.start.lastRow, job.plan.source.name);
  }
  const iterator = batches[Symbol.asyncIterator]();
  const loadBatch = createBatchLoader({
    commit: job.commit,
    isolate: job.isolate,
    quarantine: (rejections, firstRow) => rejectedRows(job, rejections, firstRow),
    stopOnCritical: job.strict ? stopOnCritical : null,
    digestBatch: job.digest ? job.digestBatch : null,
  });
  // One batch loads while the next is extracted and prepared: the source and the target work at the
  // same time, and at most two batches per partition are in memory.
  let loading: Promise<void> | undefined;
  const load = async (batch: BatchLoad) => {
    const started = performance.now();
    committed = await loadBatch(batch);
    job.clock.addBusy('loading', performance.now() - started);
  };
  try {
    for (;;) {
      if (job.signal.aborted) break;
      let started = performance.now();
      const next = await iterator.next().catch((error: unknown) => {
        throw new SourceReadError(`reading ${job.plan.source.name} failed: ${(error as Error).message}`, {
          cause: error,
        });
      });
      let now = performance.now();
      job.clock.addBusy('extraction', now - started);
      if (next.done) break;
      const batch = next.value;
      const number = last.batches + 1;

      started = now;
      const transformed = transform(batch);
      now = performance.now();
      job.clock.addBusy('transformation', now - started);

      started = now;
      const { accepted, positions, rejected, filtered } = job.keyIndex.tagged(job.keyPart, number, () =>
        validate(batch, transformed),
      );
      if (job.digest) job.digestBatch!(accepted, job.digest);
      job.clock.addBusy('validation', performance.now() - started);

      const firstRow = last.counts.extracted;
      const rejects = rejectedRows(job, rejected, firstRow);
      if (job.strict) stopOnCritical(rejects);
      const delta = { extracted: batch.length, loaded: accepted.length, rejected: rejected.length, filtered };
      const checkpoint: PartitionCheckpoint = {
        ...last,
        batches: number,
        lastKey: keyAt < 0 ? null : Number(batch.at(-1)![keyAt]),
        lastRow: mark ? mark(batch.at(-1)!) : null,
        counts: addCounts({ ...last.counts }, delta),
        quality: job.tally.state(),
        digest: job.digest?.state() ?? null,
      };
      last = checkpoint;
      // Loads stay in order. A batch read after a stop was requested is not loaded: the checkpoints
      // still cover exactly what was loaded or rejected.
      await loading;
      if (job.signal.aborted) return null;
      loading = load({ accepted, positions, source: batch, firstRow, rejects, checkpoint });
      // Its failure surfaces at the next `await loading`; until then it must not count as unhandled.
      loading.catch(() => {});
      // Synchronous drivers (SQLite) never give the event loop a turn: signals, timers and progress
      // output would wait for the end of the run. Yield once per batch.
      await setImmediate();
    }
    await loading;
    if (job.signal.aborted) return null;
    await load({
      accepted: [],
      positions: [],
      source: [],
      firstRow: 0,
      rejects: [],
      checkpoint: { ...last, done: true },
    });
    return committed;
  } finally {
    await loading?.catch(() => {}); // a failure was already thrown by the await above
    await iterator.return?.();
  }
}
