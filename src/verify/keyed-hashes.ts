/**
 * The row hashes of one side of a key range by row key (a multiset: a target without a primary-key
 * constraint may hold a key twice), and the diff of two such sides.
 */
import type { DifferenceList } from './difference-list.ts';

export class KeyedHashes {
  private readonly byKey = new Map<string, string | string[]>();
  private count = 0;

  /** Rows added. */
  get rows(): number {
    return this.count;
  }

  add(key: string, hash: string): void {
    this.count++;
    const earlier = this.byKey.get(key);
    if (earlier === undefined) this.byKey.set(key, hash);
    else if (typeof earlier === 'string') this.byKey.set(key, [earlier, hash]);
    else earlier.push(hash);
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  /** The hashes of one key, as a list. */
  hashesOf(key: string): string[] {
    const hashes = this.byKey.get(key);
    return hashes === undefined ? [] : typeof hashes === 'string' ? [hashes] : hashes;
  }

  /** Adds to `out` every key whose rows differ between `meant` and `target`. */
  static diff(meant: KeyedHashes, target: KeyedHashes, out: DifferenceList): void {
    for (const [key, hashes] of meant.byKey) {
      const other = target.byKey.get(key);
      if (typeof hashes === 'string' && typeof other === 'string') {
        if (hashes !== other) out.add(key, 'changed');
        continue;
      }
      if (other === undefined) {
        for (let i = 0; i < (typeof hashes === 'string' ? 1 : hashes.length); i++) out.add(key, 'missing');
        continue;
      }
      diffMultisets(key, meant.hashesOf(key), target.hashesOf(key), out);
    }
    for (const [key, hashes] of target.byKey) {
      if (meant.byKey.has(key)) continue;
      for (let i = 0; i < (typeof hashes === 'string' ? 1 : hashes.length); i++) out.add(key, 'extra');
    }
  }
}

/** Rows of one key on both sides: equal hashes pair off, then unequal ones are changed, the rest missing or extra. */
function diffMultisets(key: string, meant: string[], target: string[], out: DifferenceList): void {
  const left = [...target];
  const unmatched: string[] = [];
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
