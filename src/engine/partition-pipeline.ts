/**
 * One partition's streaming pipeline: extract → transform → validate → load, one batch in flight,
 * so memory stays at about one batch per running partition however large the table is.
 */
import { setImmediate } from 'node:timers/promises';
import type { RowBatch, Source, TableWriter } from '../connectors/connector.ts';
import { describeReason, type RejectedRow, type RowCounts } from '../state/run-types.ts';
import { emptyCounts } from './accounting.ts';
import { extractPartition } from './extract.ts';
import type { PhaseClock } from './phase-clock.ts';
import type { PartitionPlan, TablePlan } from './plan-types.ts';
import type { KeyIndex } from '../rules/key-index.ts';
import type { QualityTally } from '../rules/quality.ts';
import type { TableProgram } from '../rules/table-program.ts';
import { ErrorPolicyExceeded } from './error-policy.ts';
import { compileTransform } from './transform.ts';
import { compileValidator, type Rejection } from './validate.ts';

export interface PartitionJob {
  source: Source;
  writer: TableWriter;
  plan: TablePlan;
  partition: PartitionPlan;
  batchSize: number;
  clock: PhaseClock;
  /** The table's compiled transforms and rules, shared by its partitions. */
  program: TableProgram;
  keyIndex: KeyIndex;
  /** The table's quality counts, shared by its partitions. */
  tally: QualityTally;
  /** errors.strict: the first critical rule failure stops the run before its batch is loaded. */
  strict: boolean;
  /** Stops the pipeline at the next batch boundary. */
  signal: AbortSignal;
  /**
   * Called after each batch is loaded with what it added and what it rejected; persists progress and
   * enforces the error policy (by throwing).
   */
  afterBatch(delta: RowCounts, rejected: RejectedRow[]): Promise<void>;
}

function rejectedRows(job: PartitionJob, rejections: Rejection[], firstRow: number): RejectedRow[] {
  const { plan, partition } = job;
  return rejections.map(({ index, sourceRow, reasons }) => {
    const key = plan.keyPositions.length
      ? JSON.stringify(
          plan.keyPositions.map((p) => sourceRow[p]),
          (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
        )
      : `#${partition.index}:${firstRow + index}`;
    const values = Object.fromEntries(plan.columns.map((c, i) => [c.source.name, sourceRow[i]]));
    return { table: plan.target.name, partition: partition.index, key, values, reasons };
  });
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

/** Runs the partition to its end (or until aborted) and returns its row counts. */
export async function runPartitionPipeline(job: PartitionJob): Promise<RowCounts> {
  const transform = compileTransform(job.plan, job.program);
  const validate = compileValidator(job.plan, job.program, job.keyIndex, job.tally);
  const counts = emptyCounts();
  /** Rows taken from the source so far, to number rows of tables without a key. */
  let extracted = 0;
  const iterator = extractPartition(job.source, job.plan, job.partition, job.batchSize)[
    Symbol.asyncIterator
  ]();
  // One batch loads while the next is extracted and prepared: the source and the target work at the
  // same time, and at most two batches per partition are in memory.
  let loading: Promise<void> | undefined;
  const load = async (accepted: RowBatch, delta: RowCounts, rejects: RejectedRow[]) => {
    const started = performance.now();
    if (accepted.length) await job.writer.write(accepted);
    job.clock.addBusy('loading', performance.now() - started);
    counts.extracted += delta.extracted;
    counts.loaded += delta.loaded;
    counts.rejected += delta.rejected;
    counts.filtered += delta.filtered;
    await job.afterBatch(delta, rejects);
  };
  try {
    for (;;) {
      if (job.signal.aborted) break;
      let started = performance.now();
      const next = await iterator.next();
      let now = performance.now();
      job.clock.addBusy('extraction', now - started);
      if (next.done) break;
      const batch = next.value;

      started = now;
      const transformed = transform(batch);
      now = performance.now();
      job.clock.addBusy('transformation', now - started);

      started = now;
      const { accepted, rejected, filtered } = validate(batch, transformed);
      job.clock.addBusy('validation', performance.now() - started);

      const delta = {
        extracted: batch.length,
        loaded: accepted.length,
        rejected: rejected.length,
        filtered,
      };
      const rejects = rejectedRows(job, rejected, extracted);
      if (job.strict) stopOnCritical(rejects);
      extracted += batch.length;
      // Loads and their bookkeeping stay in order. A batch read after a stop was requested is dropped
      // unaccounted, so the counts still cover exactly what was loaded or rejected.
      await loading;
      if (job.signal.aborted) break;
      loading = load(accepted, delta, rejects);
      // Its failure surfaces at the next `await loading`; until then it must not count as unhandled.
      loading.catch(() => {});
      // Synchronous drivers (SQLite) never give the event loop a turn: signals, timers and progress
      // output would wait for the end of the run. Yield once per batch.
      await setImmediate();
    }
    await loading;
  } finally {
    await loading?.catch(() => {}); // a failure was already thrown by the await above
    await iterator.return?.();
  }
  return counts;
}
