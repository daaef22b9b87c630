/**
 * The content half of Verification, per table: an order-independent digest per key range (one per
 * partition) of what the pipeline meant to write and of what the target holds, read back in streaming.
 * A range whose digests differ is halved by key value, both sides recomputed on each half, recursing
 * into the halves that differ until a range holds at most about 2 × batchSize rows; those are diffed
 * by key (key → row hash), which names the keys that are missing, extra or changed.
 */
import type { ColumnSchema, Source, TableSchema } from '../connectors/connector.ts';
import type { TablePlan } from '../plan/plan-types.ts';
import { ContentDigest } from './content-digest.ts';
import type { ContentDifference } from './difference-list.ts';
import type { MeantRowReader } from './meant-row-reader.ts';
import { recordedSide, type RangeSide } from './range-side.ts';
import { targetReadSchema } from './target-table.ts';
import { isSinglePrecision } from './value-normalizer.ts';
import { MAX_ROWS_DIFFED_IN_MEMORY, TableComparison, type Alignment } from './table-comparison.ts';

export type { ContentDifference } from './difference-list.ts';

/** What comparing one table's content found. */
export interface ContentVerification {
  table: string;
  /** Key ranges compared at the top level (one per partition) */
  ranges: number;
  /** Top-level ranges whose content differs. */
  rangesDiffering: number;
  /** Rows the run meant to load (recomputed from the source, or as its recorded digests count them). */
  meantRows: number;
  /** Rows the target holds. */
  targetRows: number;
  /** The differing rows by key, at most maxListedDifferences of them (the smallest keys), sorted by key. */
  differences: ContentDifference[];
  /**
   * Differing rows in all, even when the list is capped. A lower bound where rows cannot be told apart
   * by key (a table without a primary key, or a range too large to diff by key in memory): there it
   * counts the difference in row counts, or 1 when the counts match but the content does not; `notes`
   * says where.
   */
  differencesTotal: number;
  /** Set when content could not be compared (e.g. append mode, key column transformed); explains why. */
  skipped: string | null;
  /**
   * Values meant (and compared) as the spec's `invalidText` replaced them, U+FFFD or NULL in place of
   * invalid source text: they match the target, but not the source's bytes.
   */
  replacedValues: number;
  /** How the comparison was made where it matters: ranges compared as a whole, counts-only results. */
  notes: string[];
}

/** One table to verify, with everything needed to recompute what was meant and to read the target. */
export interface TableContentJob {
  plan: TablePlan;
  /**
   * Opens a reader of the meant rows: the source's rows as the spec makes them (transform and rules
   * applied, the rows a run rejected left out). The engine gives it (engine/meant-rows.ts); one reader
   * per table comparison, closed when the comparison ends.
   */
  meantRows(): MeantRowReader;
  /** The migration's TARGET endpoint opened as a Source (openSource(spec.target, …)), for streaming read-back. */
  target: Source;
  /**
   * The source, when the spec loads this table's rows unchanged (no transform, mask, computed column,
   * filter, lookup or rule, no invalid-text policy, no rejected rows left out): its database may then
   * compute the meant digests (Source.digestRanges). Default: the meant rows are read and hashed.
   */
  meantSource?: Source;
  /** One entry per partition, in plan.partitions order: the digest the pipeline recorded for the rows it loaded, or null to recompute it from the source. */
  expected: (ContentDigest | null)[];
  /** Values the run replaced for invalid text (its quality tally); default: counted in the meant rows read. */
  replacedValues?: number;
  batchSize: number;
  /** Differences listed in the result (all are counted); default 100. */
  maxListedDifferences?: number;
  /**
   * Show the meant and target values of a changed row's differing columns (`jivs verify`, whose user
   * reads both databases anyway). Off for a run's Verification, whose report every reader of the run
   * sees: there only the column names are listed. Personal and masked columns never show values.
   */
  showValues?: boolean;
}

export { MAX_ROWS_DIFFED_IN_MEMORY } from './table-comparison.ts';

function emptyResult(plan: TablePlan, skipped: string | null): ContentVerification {
  return {
    table: plan.target.name,
    ranges: 0,
    rangesDiffering: 0,
    meantRows: 0,
    targetRows: 0,
    differences: [],
    differencesTotal: 0,
    skipped,
    notes: [],
    replacedValues: 0,
  };
}

/**
 * The partition key of the plan's key ranges in target terms, or null (with the reason in `notes`)
 * when ranges cannot be aligned: the table is then compared as one range.
 */
function alignRanges(plan: TablePlan, schema: TableSchema, notes: string[]): Alignment | null {
  const first = plan.partitions[0]?.bounds;
  if (plan.partitions.length < 2 || first?.kind !== 'key-range') return null;
  const sameKey = plan.partitions.every(
    (p) => p.bounds.kind === 'key-range' && p.bounds.keyColumn === first.keyColumn,
  );
  if (!sameKey) return null;
  const sourceColumn = first.keyColumn;
  const position = plan.columns.findIndex((c) => c.source.name === sourceColumn);
  const why = (reason: string) => {
    notes.push(`compared as one range: ${reason}`);
    return null;
  };
  if (position < 0) return why(`the partition key ${sourceColumn} is not a column of the target`);
  const quality = plan.quality.columns[position]!;
  if (quality.steps.length || quality.mask) {
    return why(`the partition key ${sourceColumn} is transformed or masked, so key ranges do not align`);
  }
  const kind = plan.columns[position]!.target.type.kind;
  if (kind !== 'integer' && kind !== 'bigint') {
    return why(`the partition key ${sourceColumn} is not an integer in the target`);
  }
  const column = schema.columns[position]!;
  if (column.nativeType.startsWith('inferred:')) return why('the target is a file, read whole');
  return { sourceColumn, targetColumn: column.name, position };
}

/**
 * The columns rows are hashed by: the planned target columns, except that a float column the target
 * stores in single precision is compared as such (see isSinglePrecision).
 */
function hashColumns(
  planned: readonly ColumnSchema[],
  actual: readonly ColumnSchema[],
): readonly ColumnSchema[] {
  let adjusted: ColumnSchema[] | null = null;
  planned.forEach((column, i) => {
    const target = actual[i]!;
    if (column.type.kind === 'float' && isSinglePrecision(target) && !isSinglePrecision(column)) {
      adjusted ??= [...planned];
      adjusted[i] = { ...column, nativeType: target.nativeType };
    }
  });
  return adjusted ?? planned;
}

/** Compares what the run meant to load into one table with what the target holds. */
export async function verifyTableContent(job: TableContentJob): Promise<ContentVerification> {
  const { plan } = job;
  if (plan.mode === 'append') {
    return emptyResult(
      plan,
      'mode append: the target table also holds the rows of earlier loads, which this run did not mean to write',
    );
  }
  const schema = await targetReadSchema(job.target, plan.target);
  const notes: string[] = [];
  const alignment = alignRanges(plan, schema, notes);
  const hashed = hashColumns(plan.target.columns, schema.columns);
  // The run hashed what it loaded by the planned columns; other columns make its digests incomparable.
  const useExpected = hashed === plan.target.columns;
  const comparison = new TableComparison(job, schema, hashed, alignment);
  comparison.notes.push(...notes);
  const result = emptyResult(plan, null);
  try {
    if (alignment) {
      result.ranges = plan.partitions.length;
      const allRecorded = useExpected && job.expected.every((d) => d !== null);
      // The target database digests every range (or, with every range's digest recorded, the target is
      // read back once) while the meant rows are read; then only differing ranges are read again.
      const pending = comparison.targetDigestsByPartition(allRecorded);
      pending.catch(() => {}); // awaited below; not unhandled while a meant range is read first
      const meantByDatabase = allRecorded ? null : comparison.meantDigestsByDatabase();
      meantByDatabase?.catch(() => {});
      for (const [i, partition] of plan.partitions.entries()) {
        const { bounds } = partition;
        if (bounds.kind !== 'key-range') throw new Error('internal: aligned ranges are key ranges');
        const span = { from: bounds.from, to: bounds.to };
        const recorded = useExpected ? (job.expected[i] ?? null) : null;
        const replacedBefore = comparison.replacedSoFar(); // counted on this range's first reading only
        const meantKnown = recorded ? null : ((await meantByDatabase)?.[i] ?? null);
        let reading = recorded || meantKnown ? null : comparison.summarizeMeant(span, partition.index);
        reading?.catch(() => {});
        const byPartition = await pending;
        const known = byPartition?.digests[i] ?? null;
        if (meantKnown && known?.equals(meantKnown)) {
          result.meantRows += known.rows;
          result.targetRows += known.rows;
          continue;
        }
        if (!recorded) reading ??= comparison.summarizeMeant(span, partition.index);
        let first: RangeSide;
        let target: RangeSide;
        if (recorded) {
          if (known && recorded.equals(known)) {
            result.meantRows += recorded.rows;
            result.targetRows += recorded.rows;
            continue;
          }
          [first, target] = [recordedSide(recorded), await comparison.summarizeTarget(span)];
        } else if (known) {
          first = await reading!;
          if (first.digest.equals(known)) {
            result.meantRows += known.rows;
            result.targetRows += known.rows;
            result.replacedValues += comparison.replacedSoFar() - replacedBefore;
            continue;
          }
          target = await comparison.summarizeTarget(span);
        } else {
          [first, target] = await Promise.all([reading!, comparison.summarizeTarget(span)]);
        }
        if (known && byPartition?.byDatabase && !known.equals(target.digest)) {
          comparison.notes.push(
            `partition ${partition.index}: the target database's digest differs from that of the rows read back (values with no exact SQL spelling, such as a BC date); compared by reading back`,
          );
        }
        let meant = first;
        if (!meant.digest.equals(target.digest) && !meant.read) {
          // Confirm against the source as it is now (and learn its keys) before narrowing.
          meant = await comparison.summarizeMeant(span, partition.index);
          if (meant.digest.equals(target.digest)) {
            comparison.notes.push(
              `partition ${partition.index}: the digest the run recorded differs from what the source yields now, which matches the target`,
            );
          }
        }
        result.meantRows += meant.digest.rows;
        result.targetRows += target.digest.rows;
        result.replacedValues += comparison.replacedSoFar() - replacedBefore;
        if (meant.digest.equals(target.digest)) continue;
        result.rangesDiffering++;
        await comparison.narrow(span, meant, target, partition.index);
      }
      result.targetRows += await comparison.rowsOutsideRanges(result.targetRows);
    } else {
      result.ranges = 1;
      const recorded = useExpected && job.expected.every((d) => d !== null) ? job.expected : null;
      const limit = MAX_ROWS_DIFFED_IN_MEMORY;
      const whole = comparison.targetDigestWhole(); // by the target database, while the meant rows are read
      whole.catch(() => {});
      let meant: RangeSide;
      let target: RangeSide;
      if (recorded) {
        const digest = new ContentDigest();
        for (const partition of recorded) digest.merge(partition!);
        meant = recordedSide(digest);
        const known = await whole;
        target =
          known && known.equals(digest) ? recordedSide(known) : await comparison.summarizeTarget(null, limit);
        if (!meant.digest.equals(target.digest)) meant = await comparison.summarizeMeant(null, 0, limit);
      } else {
        const meantKnown = (await comparison.meantDigestsByDatabase())?.[0] ?? null;
        const reading = meantKnown
          ? Promise.resolve(recordedSide(meantKnown))
          : comparison.summarizeMeant(null, 0, limit);
        reading.catch(() => {});
        const known = await whole;
        if (known === null) {
          [meant, target] = await Promise.all([reading, comparison.summarizeTarget(null, limit)]);
        } else {
          meant = await reading;
          target = known.equals(meant.digest)
            ? recordedSide(known)
            : await comparison.summarizeTarget(null, limit);
        }
        // Differing digests are diffed by key: the meant rows are read (if the source computed theirs).
        if (!meant.read && !meant.digest.equals(target.digest)) {
          meant = await comparison.summarizeMeant(null, 0, limit);
        }
      }
      result.meantRows = meant.digest.rows;
      result.targetRows = target.digest.rows;
      result.replacedValues = comparison.replacedSoFar();
      if (!meant.digest.equals(target.digest)) {
        result.rangesDiffering = 1;
        await comparison.diffWhole(meant, target);
      }
    }
    await comparison.describeChanges(comparison.differences.list(), job.showValues ?? false);
  } finally {
    comparison.close();
  }
  result.replacedValues = job.replacedValues ?? result.replacedValues;
  result.differences = comparison.differences.list();
  result.differencesTotal = comparison.differences.total;
  result.notes = comparison.notes;
  return result;
}
