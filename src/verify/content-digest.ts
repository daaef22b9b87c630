/**
 * An order-independent digest of a multiset of rows, the content half of Verification: the row count
 * and the sum of the rows' 64-bit hashes modulo 2^64. A sum, not an XOR, so that a duplicated row
 * changes the digest instead of cancelling out; digests of key ranges merge by adding up.
 */
import type { ColumnSchema, RowBatch } from '../connectors/connector.ts';
import { createRowTexter, hashRowTextHalves } from './row-hasher.ts';

/** JSON-safe state of a digest, stored in checkpoints. */
export interface DigestState {
  rows: number;
  /** The sum of the row hashes modulo 2^64, as 16 hexadecimal digits. */
  sum: string;
}

const TWO_32 = 4294967296;
const HEX_SUM = /^[0-9a-f]{16}$/;

/** Order-independent digest of a multiset of rows: row count + sum of 64-bit row hashes mod 2^64 (not XOR: duplicates must not cancel). */
export class ContentDigest {
  private count = 0;
  /** The sum in two unsigned 32-bit halves. */
  private low = 0;
  private high = 0;

  constructor(state?: DigestState) {
    if (state === undefined) return;
    if (!Number.isSafeInteger(state.rows) || state.rows < 0 || !HEX_SUM.test(state.sum)) {
      throw new Error(`not a content digest state: ${JSON.stringify(state)}`);
    }
    this.count = state.rows;
    this.high = parseInt(state.sum.slice(0, 8), 16);
    this.low = parseInt(state.sum.slice(8), 16);
  }

  get rows(): number {
    return this.count;
  }

  /** Adds one row, given its 64-bit hash (see row-hasher.ts). */
  addHash(hash: bigint): void {
    this.add(1, Number(hash >> 32n), Number(hash & 0xffffffffn));
  }

  /** Adds one row, given its 64-bit hash as high and low 32 bits. */
  addHalves(high: number, low: number): void {
    this.add(1, high, low);
  }

  /** Adds every row of `other`. */
  merge(other: ContentDigest): void {
    this.add(other.count, other.high, other.low);
  }

  /** Takes away every row of `other`, rows added before (e.g. rows the target then refused). */
  subtract(other: ContentDigest): void {
    // Adds the two's complement of other's sum: (2^64 − sum) mod 2^64.
    const low = (~other.low + 1) >>> 0;
    const high = (~other.high + (other.low === 0 ? 1 : 0)) >>> 0;
    this.add(-other.count, high, low);
  }

  state(): DigestState {
    const half = (n: number) => n.toString(16).padStart(8, '0');
    return { rows: this.count, sum: `${half(this.high)}${half(this.low)}` };
  }

  equals(other: ContentDigest): boolean {
    return this.count === other.count && this.low === other.low && this.high === other.high;
  }

  private add(rows: number, high: number, low: number): void {
    const sum = this.low + low;
    this.low = sum >>> 0;
    this.high = (this.high + high + (sum >= TWO_32 ? 1 : 0)) >>> 0;
    this.count += rows;
  }
}

/** Compiles, once per table, a function that adds a batch of rows (values in `columns` order, canonical values as documented in connector.ts CanonicalValue) to a digest. */
export function createBatchDigester(
  columns: readonly ColumnSchema[],
): (batch: RowBatch, digest: ContentDigest) => void {
  const text = createRowTexter(columns);
  return (batch, digest) => {
    for (let r = 0; r < batch.length; r++) {
      const [high, low] = hashRowTextHalves(text(batch[r]!));
      digest.addHalves(high, low);
    }
  };
}
