/**
 * One side (meant or target) of a key range, summarised in one streaming pass: the digest, the span
 * of the partition key seen, and, while the range is small enough, every row's hash by key.
 */
import type { RowBatch } from '../connectors/connector.ts';
import { ContentDigest } from './content-digest.ts';
import { KeyedHashes } from './keyed-hashes.ts';
import type { RowHasher } from './row-hasher.ts';
import type { RowKeyer } from './row-key.ts';

/** What one side of a key range holds, as far as verification needs to know. */
export interface RangeSide {
  digest: ContentDigest;
  /** Smallest and largest partition-key value seen; null when not seen (no rows, or not read). */
  min: number | null;
  max: number | null;
  /** Row hashes by key; null when the side has no key, was not read, or held more rows than the limit. */
  hashes: KeyedHashes | null;
  /** False for a side known only by a recorded digest (not read now). */
  read: boolean;
}

/** How rows are summarised. */
export interface SideReading {
  hash: RowHasher;
  /** The row key, or null for a table without a primary key. */
  key: RowKeyer | null;
  /** Position of the partition key in the row, or -1 when ranges are not by key. */
  keyAt: number;
  /** Rows up to which hashes are kept by key. */
  limit: number;
}

/** A side known only by the digest a run recorded for it. */
export function recordedSide(digest: ContentDigest): RangeSide {
  return { digest, min: null, max: null, hashes: null, read: false };
}

/** Reads `batches` to their end into a summary. */
export async function summarizeSide(batches: AsyncIterable<RowBatch>, how: SideReading): Promise<RangeSide> {
  const digest = new ContentDigest();
  let hashes: KeyedHashes | null = how.key ? new KeyedHashes() : null;
  let min = Infinity;
  let max = -Infinity;
  const { hash, key, keyAt, limit } = how;
  for await (const batch of batches) {
    for (let r = 0; r < batch.length; r++) {
      const row = batch[r]!;
      const rowHash = hash(row);
      digest.addHash(rowHash);
      if (keyAt >= 0) {
        const value = Number(row[keyAt]);
        if (value < min) min = value;
        if (value > max) max = value;
      }
      if (hashes) {
        if (hashes.rows >= limit) hashes = null;
        else hashes.add(key!(row), rowHash);
      }
    }
  }
  const seen = digest.rows > 0 && keyAt >= 0;
  return { digest, min: seen ? min : null, max: seen ? max : null, hashes, read: true };
}
