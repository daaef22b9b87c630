/**
 * One table's content comparison under way (see verify-table-content.ts): reads both sides of a key
 * range into digests, narrows a differing range by halving it, and diffs small ranges by key.
 */
import type {
  ColumnSchema,
  KeySpan,
  PartitionBounds,
  RowBatch,
  TableSchema,
} from '../connectors/connector.ts';
import { ContentDigest } from './content-digest.ts';
import { databaseDigests } from './database-digests.ts';
import { DifferenceList, type ContentDifference } from './difference-list.ts';
import { KeyedHashes } from './keyed-hashes.ts';
import type { MeantRowReader } from './meant-row-reader.ts';
import { summarizeSide, type RangeSide, type SideReading } from './range-side.ts';
import { createRowHasher } from './row-hasher.ts';
import { createRowKeyer, type RowKeyer } from './row-key.ts';
import { valueNormalizer, type ValueNormalizer } from './value-normalizer.ts';
import type { TableContentJob } from './verify-table-content.ts';

/** Above this many rows a range that cannot be halved is not diffed by key in memory; it is counted. */
export const MAX_ROWS_DIFFED_IN_MEMORY = 200_000;

export type { KeySpan } from '../connectors/connector.ts';

/** The target's digest per top-level range, and the target rows in none of them. */
export interface TargetDigests {
  digests: ContentDigest[];
  outside: number;
  /** Computed by the target database (else by reading the rows back). */
  byDatabase: boolean;
}

/** How the plan's key ranges map onto the target. */
export interface Alignment {
  /** The partition key as the source names it … */
  sourceColumn: string;
  /** … and as the target does. */
  targetColumn: string;
  /** Its position in the target row. */
  position: number;
}

/** One table's comparison under way. */
export class TableComparison {
  readonly differences: DifferenceList;
  readonly notes: string[] = [];
  private readonly meant: MeantRowReader;
  private readonly keyOf: RowKeyer | null;
  private readonly reading: SideReading;
  private readonly columns: string[];
  /** Per column, the normal spelling the row hash uses: for naming the columns of a changed row. */
  private readonly normalizers: ValueNormalizer[];

  constructor(
    private readonly job: TableContentJob,
    private readonly schema: TableSchema,
    private readonly hashed: readonly ColumnSchema[],
    private readonly alignment: Alignment | null,
  ) {
    const { plan } = job;
    this.differences = new DifferenceList(job.maxListedDifferences ?? 100);
    const keyPositions = plan.target.primaryKey.map((k) =>
      plan.target.columns.findIndex((c) => c.name === k),
    );
    this.keyOf =
      keyPositions.length && keyPositions.every((p) => p >= 0)
        ? createRowKeyer(plan.target.columns, keyPositions)
        : null;
    this.reading = {
      hash: createRowHasher(hashed),
      key: this.keyOf,
      keyAt: alignment?.position ?? -1,
      limit: 2 * job.batchSize,
    };
    this.columns = schema.columns.map((c) => c.name);
    this.normalizers = hashed.map(valueNormalizer);
    this.meant = job.meantRows();
  }

  close(): void {
    this.meant.close();
  }

  /** Replaced values in the meant rows read so far (see ContentVerification.replacedValues). */
  replacedSoFar(): number {
    return this.meant.replacedValues();
  }

  /** The meant rows of a span (of the whole table when ranges are not aligned). */
  private meantBatches(span: KeySpan | null, partition: number): AsyncGenerator<RowBatch> {
    if (span === null || this.alignment === null) return this.wholeMeant();
    const bounds: PartitionBounds = { kind: 'key-range', keyColumn: this.alignment.sourceColumn, ...span };
    return this.meant(bounds, partition);
  }

  private async *wholeMeant(): AsyncGenerator<RowBatch> {
    for (const partition of this.job.plan.partitions) yield* this.meant(partition.bounds, partition.index);
  }

  /** The target rows of a span (of the whole table when ranges are not aligned). */
  private targetBatches(span: KeySpan | null): AsyncIterable<RowBatch> {
    const bounds: PartitionBounds =
      span === null || this.alignment === null
        ? { kind: 'whole' }
        : { kind: 'key-range', keyColumn: this.alignment.targetColumn, ...span };
    return this.job.target.read(this.schema, this.columns, bounds, this.job.batchSize);
  }

  /** Both sides of a span, read at the same time. */
  summarize(
    span: KeySpan | null,
    partition: number,
    limit = this.reading.limit,
  ): Promise<[RangeSide, RangeSide]> {
    const reading = { ...this.reading, limit };
    return Promise.all([
      summarizeSide(this.meantBatches(span, partition), reading),
      summarizeSide(this.targetBatches(span), reading),
    ]);
  }

  /** The meant side of a span, recomputed from the source. */
  async summarizeMeant(
    span: KeySpan | null,
    partition: number,
    limit = this.reading.limit,
  ): Promise<RangeSide> {
    return summarizeSide(this.meantBatches(span, partition), { ...this.reading, limit });
  }

  async summarizeTarget(span: KeySpan | null, limit = this.reading.limit): Promise<RangeSide> {
    return summarizeSide(this.targetBatches(span), { ...this.reading, limit });
  }

  /**
   * The target's digest per top-level range: computed by the target database where it can (see
   * Source.digestRanges); else, with `readBack`, by reading the rows back; else null.
   */
  async targetDigestsByPartition(readBack: boolean): Promise<TargetDigests | null> {
    return (await this.databaseDigests()) ?? (readBack ? this.readBackDigests() : null);
  }

  /** The target database's digest of the whole table (ranges not aligned), or null when it cannot. */
  async targetDigestWhole(): Promise<ContentDigest | null> {
    return (await this.databaseDigests())?.digests[0] ?? null;
  }

  /**
   * The target database's digest per top-level range (one for the whole table when ranges are not
   * aligned), or null (with a note why) when it cannot.
   */
  private async databaseDigests(): Promise<TargetDigests | null> {
    const request = {
      table: this.schema,
      hashed: this.hashed,
      key: this.alignment?.targetColumn ?? null,
      partitions: this.job.plan.partitions,
      side: 'the target',
    };
    const result = await databaseDigests(this.job.target, request, this.notes);
    return result && { ...result, byDatabase: true };
  }

  /**
   * The meant digest per top-level range (one for the whole table when ranges are not aligned),
   * computed by the source database where the job allows it (TableContentJob.meantSource); else null.
   */
  async meantDigestsByDatabase(): Promise<ContentDigest[] | null> {
    const { meantSource, plan } = this.job;
    if (!meantSource) return null;
    const request = {
      table: { ...plan.source, columns: plan.columns.map((c) => c.source) },
      hashed: this.hashed,
      key: this.alignment?.sourceColumn ?? null,
      partitions: plan.partitions,
      side: 'the source',
    };
    return (await databaseDigests(meantSource, request, this.notes))?.digests ?? null;
  }

  /**
   * The target's digest per top-level range, in one streaming read of the whole table without ORDER BY
   * (the target has no index yet during a run's Verification): each row goes to the partition whose
   * range holds its key. Rows with no key (NULL) are counted in `outside`.
   */
  private async readBackDigests(): Promise<TargetDigests> {
    const partitions = this.job.plan.partitions;
    const digests = partitions.map(() => new ContentDigest());
    // Key ranges are ordered and adjacent: the first `to` above a key names its partition.
    const ends = partitions.map((p) =>
      p.bounds.kind === 'key-range' ? (p.bounds.to ?? Infinity) : Infinity,
    );
    const { hash, keyAt } = this.reading;
    let outside = 0;
    for await (const batch of this.targetBatches(null)) {
      for (const row of batch) {
        const value = row[keyAt];
        if (value === null || value === undefined) {
          outside++;
          continue;
        }
        const key = Number(value);
        let lo = 0;
        let hi = ends.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (key < ends[mid]!) hi = mid;
          else lo = mid + 1;
        }
        digests[lo]!.addHash(hash(row));
      }
    }
    return { digests, outside, byDatabase: false };
  }

  /** Every row of one side of a span is a difference of `kind` (the other side has none). */
  private async listAll(
    side: RangeSide,
    rows: () => AsyncIterable<RowBatch>,
    kind: ContentDifference['kind'],
  ): Promise<void> {
    if (side.hashes) {
      for (const key of side.hashes.keys()) {
        for (let i = 0; i < side.hashes.hashesOf(key).length; i++) this.differences.add(key, kind);
      }
      return;
    }
    for await (const batch of rows()) for (const row of batch) this.differences.add(this.keyOf!(row), kind);
  }

  /** Counts differences that cannot be told by key: a lower bound. */
  countOnly(meant: RangeSide, target: RangeSide, where: string, why: string): void {
    const count = Math.abs(meant.digest.rows - target.digest.rows) || 1;
    this.differences.count(count);
    this.notes.push(
      `${where}: ${why}; counted ${count} difference(s) from row counts and digests (a lower bound)`,
    );
  }

  /**
   * Narrows a key range whose two sides differ down to the differing keys, halving it while it holds
   * more rows than are diffed by key. `partition` is the top-level range it lies in.
   */
  async narrow(span: KeySpan, meant: RangeSide, target: RangeSide, partition: number): Promise<void> {
    const where = `key range ${describeSpan(span)}`;
    if (!this.keyOf) {
      this.countOnly(meant, target, where, 'the target table has no primary key to tell rows apart');
      return;
    }
    if (meant.hashes && target.hashes) {
      KeyedHashes.diff(meant.hashes, target.hashes, this.differences);
      return;
    }
    if (meant.digest.rows === 0) {
      await this.listAll(target, () => this.targetBatches(span), 'extra');
      return;
    }
    if (target.digest.rows === 0) {
      await this.listAll(meant, () => this.meantBatches(span, partition), 'missing');
      return;
    }
    const lo = Math.min(meant.min ?? Infinity, target.min ?? Infinity);
    const hi = Math.max(meant.max ?? -Infinity, target.max ?? -Infinity);
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo >= hi) {
      // Not halvable (one key value held by several rows, or keys beyond 2^53): diffed in memory if it fits.
      const [m, t] = await this.summarize(span, partition, MAX_ROWS_DIFFED_IN_MEMORY);
      if (m.hashes && t.hashes) KeyedHashes.diff(m.hashes, t.hashes, this.differences);
      else
        this.countOnly(m, t, where, `more than ${MAX_ROWS_DIFFED_IN_MEMORY} rows to diff by key in memory`);
      return;
    }
    const mid = lo + Math.floor((hi - lo) / 2) + 1; // lo < mid <= hi: both halves hold a key seen
    for (const half of [
      { from: span.from, to: mid },
      { from: mid, to: span.to },
    ]) {
      const [m, t] = await this.summarize(half, partition);
      if (!m.digest.equals(t.digest)) await this.narrow(half, m, t, partition);
    }
  }

  /**
   * Names the differing columns of each listed `changed` row: both sides are read once more (the span of
   * the changed keys where the partition key is part of the primary key, else the whole table) and the
   * rows of those keys compared column by column, as normalised for hashing.
   */
  async describeChanges(listed: ContentDifference[], showValues: boolean): Promise<void> {
    const changed = new Map(listed.filter((d) => d.kind === 'changed').map((d) => [d.key, d]));
    if (!changed.size || !this.keyOf) return;
    const span = this.spanOfKeys([...changed.keys()]);
    const pick = async (batches: AsyncIterable<RowBatch>) => {
      const rows = new Map<string, unknown[]>();
      for await (const batch of batches) {
        for (const row of batch) {
          const key = this.keyOf!(row);
          if (changed.has(key) && !rows.has(key)) rows.set(key, row);
        }
      }
      return rows;
    };
    const [meant, target] = await Promise.all([pick(this.meantOfSpan(span)), pick(this.targetBatches(span))]);
    const { plan } = this.job;
    for (const [key, difference] of changed) {
      const m = meant.get(key);
      const t = target.get(key);
      if (!m || !t) continue;
      difference.columns = [];
      this.normalizers.forEach((normalize, i) => {
        const [mv, tv] = [normalize(m[i]), normalize(t[i])];
        if (mv === tv) return;
        const column = plan.target.columns[i]!.name;
        const hidden = !showValues || (plan.quality.columns[i]?.personal ?? false);
        difference.columns!.push(hidden ? { column } : { column, meant: mv, target: tv });
      });
    }
  }

  /** The span of the partition-key values of `keys`, when that key is part of the primary key; else null. */
  private spanOfKeys(keys: string[]): KeySpan | null {
    if (!this.alignment) return null;
    const at = this.job.plan.target.primaryKey.indexOf(this.alignment.targetColumn);
    if (at < 0) return null;
    const values = keys.map((key) => Number((JSON.parse(key) as unknown[])[at]));
    if (!values.every(Number.isSafeInteger)) return null;
    return { from: Math.min(...values), to: Math.max(...values) + 1 };
  }

  /** The meant rows of a span across the partitions it touches (of the whole table for null). */
  private async *meantOfSpan(span: KeySpan | null): AsyncGenerator<RowBatch> {
    if (span === null || this.alignment === null) return yield* this.wholeMeant();
    for (const partition of this.job.plan.partitions) {
      const { bounds } = partition;
      if (bounds.kind !== 'key-range') continue;
      const from = Math.max(bounds.from ?? -Infinity, span.from ?? -Infinity);
      const to = Math.min(bounds.to ?? Infinity, span.to ?? Infinity);
      if (from >= to) continue;
      yield* this.meantBatches(
        { from: Number.isFinite(from) ? from : null, to: Number.isFinite(to) ? to : null },
        partition.index,
      );
    }
  }

  /** Diffs the whole table, read once with {@link MAX_ROWS_DIFFED_IN_MEMORY} as the limit for keeping hashes. */
  async diffWhole(meant: RangeSide, target: RangeSide): Promise<void> {
    if (!this.keyOf) {
      this.countOnly(meant, target, 'the table', 'the target table has no primary key to tell rows apart');
    } else if (meant.hashes && target.hashes) {
      KeyedHashes.diff(meant.hashes, target.hashes, this.differences);
    } else if (meant.digest.rows === 0) {
      await this.listAll(target, () => this.targetBatches(null), 'extra');
    } else if (target.digest.rows === 0) {
      await this.listAll(meant, () => this.meantBatches(null, 0), 'missing');
    } else {
      this.countOnly(
        meant,
        target,
        'the table',
        `more than ${MAX_ROWS_DIFFED_IN_MEMORY} rows to diff by key in memory`,
      );
    }
  }

  /**
   * Target rows no key range reads (a NULL partition key, possible where the target column is
   * nullable): every one is a row the run did not mean to load.
   */
  async rowsOutsideRanges(inRanges: number): Promise<number> {
    if (this.alignment === null || !this.schema.columns[this.alignment.position]!.nullable) return 0;
    const all = await this.job.target.countRows(this.schema, { kind: 'whole' });
    const outside = all - inRanges;
    if (outside > 0) {
      this.differences.count(outside);
      this.notes.push(
        `${outside} target row(s) have no ${this.alignment.targetColumn} (NULL), so no key range holds them; counted as extra`,
      );
    }
    return Math.max(outside, 0);
  }
}

function describeSpan(span: KeySpan): string {
  return `[${span.from ?? '-∞'}, ${span.to ?? '∞'})`;
}
