/**
 * The row hashes of one side of a key range by row key (a multiset: a target without a primary-key
 * constraint may hold a key twice), and the diff of two such sides.
 */
import type { DifferenceList } from './difference-list.ts';

/** Row hashes by row key; a key may hold several rows. */
export class KeyedHashes {
  private readonly byKey = new Map<string, bigint | bigint[]>();
  private count = 0;

  /** Rows added. */
  get rows(): number {
    return this.count;
  }

  add(key: string, hash: bigint): void {
    this.count++;
    const earlier = this.byKey.get(key);
    if (earlier === undefined) this.byKey.set(key, hash);
    else if (typeof earlier === 'bigint') this.byKey.set(key, [earlier, hash]);
    else earlier.push(hash);
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  /** The hashes of one key, as a list. */
  hashesOf(key: string): bigint[] {
    const hashes = this.byKey.get(key);
    return hashes === undefined ? [] : typeof hashes === 'bigint' ? [hashes] : hashes;
  }

  /** Adds to `out` every key whose rows differ between `meant` and `target`. */
  static diff(meant: KeyedHashes, target: KeyedHashes, out: DifferenceList): void {
    for (const [key, hashes] of meant.byKey) {
      const other = target.byKey.get(key);
      if (typeof hashes === 'bigint' && typeof other === 'bigint') {
        if (hashes !== other) out.add(key, 'changed');
        continue;
      }
      if (other === undefined) {
        for (let i = 0; i < (typeof hashes === 'bigint' ? 1 : hashes.length); i++) out.add(key, 'missing');
        continue;
      }
      diffMultisets(key, meant.hashesOf(key), target.hashesOf(key), out);
    }
    for (const [key, hashes] of target.byKey) {
      if (meant.byKey.has(key)) continue;
      for (let i = 0; i < (typeof hashes === 'bigint' ? 1 : hashes.length); i++) out.add(key, 'extra');
    }
  }
}

/** Rows of one key on both sides: equal hashes pair off, then unequal ones are changed, the rest missing or extra. */
function diffMultisets(key: string, meant: bigint[], target: bigint[], out: DifferenceList): void {
  const left = [...target];
  const unmatched: bigint[] = [];
  for (const hash of meant) {
    const at = left.indexOf(hash);
    if (at >= 0) left.splice(at, 1);
    else unmatched.push(hash);
  }
  const changed = Math.min(unmatched.length, left.length);
  for (let i = 0; i < changed; i++) out.add(key, 'changed');
  for (let i = changed; i < unmatched.length; i++) out.add(key, 'missing');
  for (let i = changed; i < left.length; i++) out.add(key, 'extra');
}
