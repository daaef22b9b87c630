/**
 * Phase 5, Loading, one batch: commits the accepted rows with the checkpoint after them and, when the
 * target refuses the batch for a data reason (data-refusal.ts), isolates the refused rows
 * (TableWriter.isolate, a transaction that is rolled back), rejects them with the database's message and
 * commits the rest with a checkpoint that counts them as rejected. A few bad rows never fail the run.
 *
 * Unless the target refuses most of the batch: when more than half the rows of a batch of at least
 * {@link DENSE_MIN_ROWS} rows are refused, it is the table that refuses the data (a constraint the data
 * breaks, a column that needs a value the migration does not give, the same rows appended twice), not
 * some rows. Rejecting them all would hide that: the load fails as before, with the database's message
 * and nothing of the batch committed, and the run resumes once the cause is fixed. Isolation stops as
 * soon as that is clear, which also bounds the work a mostly refused batch costs (see
 * isolate-refused-rows.ts).
 *
 * The invariants hold: what commits is always a whole batch minus its refused rows, together with the
 * checkpoint that describes exactly that (loaded, rejected, quality counts and content digest), in one
 * target transaction. Checkpoints are prepared before the loads of earlier batches finish (the next
 * batch is read while one loads), so the refusals of a batch also correct every later checkpoint of the
 * partition: the correction is applied to each checkpoint as it is committed.
 */
import type { RefusedRow, Row, RowBatch } from '../connectors/connector.ts';
import { isDataRefusal } from '../connectors/data-refusal.ts';
import { IMPLICIT_RULES } from '../rules/table-program.ts';
import type { RejectedRow } from '../state/run-types.ts';
import { ContentDigest } from '../verify/content-digest.ts';
import type { PartitionCheckpoint } from './checkpoints.ts';
import type { Rejection } from './validate.ts';

/**
 * How often one batch may be isolated and committed again. The rows isolation finds refused are
 * exactly those the commit refuses, unless another writer changed the table in between (a partition of
 * the same table loading the same unique value): then the commit is refused again, and the rows are
 * isolated again among those left.
 */
const MAX_ROUNDS = 3;

/** Batches smaller than this are always isolated row by row, however many rows are refused. */
const DENSE_MIN_ROWS = 10;

/** One batch, prepared for loading. */
export interface BatchLoad {
  accepted: RowBatch;
  /** Position in `source` of each accepted row. */
  positions: number[];
  /** The batch as extracted, for the quarantine records of refused rows. */
  source: RowBatch;
  /** Rows of the partition extracted before this batch (names a row of a table without a key). */
  firstRow: number;
  rejects: RejectedRow[];
  /** The checkpoint after the batch, as prepared: before any refusal was known. */
  checkpoint: PartitionCheckpoint;
}

/** What the loader works with (see PartitionJob). */
export interface BatchLoaderOptions {
  commit(accepted: RowBatch, rejected: RejectedRow[], checkpoint: PartitionCheckpoint): Promise<void>;
  /** The target's isolation of refused rows; undefined when the sink cannot tell them (files). */
  isolate: ((batch: RowBatch, maxRefused: number) => Promise<RefusedRow[]>) | undefined;
  /** The quarantine records of rejected rows. */
  quarantine(rejections: Rejection[], firstRow: number): RejectedRow[];
  /** errors.strict: throws for a critical failure, before its batch is loaded. */
  stopOnCritical: ((rejects: RejectedRow[]) => void) | null;
  /** Adds rows to a content digest; null when content is not verified. */
  digestBatch: ((batch: RowBatch, digest: ContentDigest) => void) | null;
}

/** Loads one batch and returns the checkpoint committed with it. */
export type BatchLoader = (load: BatchLoad) => Promise<PartitionCheckpoint>;

/**
 * A loader for one attempt at a partition: it keeps the rows refused so far, to correct the checkpoints
 * that were prepared before they were known.
 */
export function createBatchLoader(options: BatchLoaderOptions): BatchLoader {
  let refusedRows = 0;
  const refusedDigest = new ContentDigest();

  /** `checkpoint` with every row refused so far counted as rejected instead of loaded. */
  const corrected = (checkpoint: PartitionCheckpoint): PartitionCheckpoint => {
    if (refusedRows === 0) return checkpoint;
    const { counts, quality, digest } = checkpoint;
    let correctedDigest = digest;
    if (digest) {
      const loaded = new ContentDigest(digest);
      loaded.subtract(refusedDigest);
      correctedDigest = loaded.state();
    }
    return {
      ...checkpoint,
      counts: { ...counts, loaded: counts.loaded - refusedRows, rejected: counts.rejected + refusedRows },
      quality: quality && {
        ...quality,
        failed: quality.failed.map((n, i) => (i === IMPLICIT_RULES.constraints ? n + refusedRows : n)),
      },
      digest: correctedDigest,
    };
  };

  return async (load) => {
    let { accepted, positions, rejects } = load;
    for (let round = 1; ; round++) {
      const checkpoint = corrected(load.checkpoint);
      try {
        await options.commit(accepted, rejects, checkpoint);
        return checkpoint;
      } catch (error) {
        if (!options.isolate || !accepted.length || round > MAX_ROUNDS || !isDataRefusal(error)) throw error;
        const maxRefused =
          accepted.length < DENSE_MIN_ROWS ? accepted.length : Math.floor(accepted.length / 2);
        const refused = await options.isolate(accepted, maxRefused);
        if (refused.length > maxRefused) {
          throw new Error(
            `${(error as Error).message} (the target refuses more than half the rows of a batch of ${accepted.length}: fix the cause, then resume the run)`,
            { cause: error },
          );
        }
        if (!refused.length) continue;
        const rejections = refused.map(({ index, message, column }): Rejection => ({
          index: positions[index]!,
          sourceRow: load.source[positions[index]!]!,
          reasons: [{ rule: 'target constraints', column, severity: 'critical', message }],
        }));
        const refusedRejects = options.quarantine(rejections, load.firstRow);
        options.stopOnCritical?.(refusedRejects);
        const out = new Set(refused.map((r) => r.index));
        const refusedBatch: Row[] = refused.map((r) => accepted[r.index]!);
        const digest = new ContentDigest();
        options.digestBatch?.(refusedBatch, digest);
        refusedDigest.merge(digest);
        refusedRows += refused.length;
        rejects = [...rejects, ...refusedRejects];
        accepted = accepted.filter((_row, i) => !out.has(i));
        positions = positions.filter((_position, i) => !out.has(i));
      }
    }
  };
}
