/** The differences verification found, counted in full but listed only up to a cap, in key order. */
import { compareKeys } from './row-key.ts';

/** One row that differs between what was meant and what the target holds. */
export interface ContentDifference {
  /** JSON array of the target primary-key values (bigints as strings), like RejectedRow.key. */
  key: string;
  /** missing: meant but not in the target; extra: in the target, not meant; changed: both, different content. */
  kind: 'missing' | 'extra' | 'changed';
  /** For a listed `changed` row: the columns that differ (see verify-table-content.ts). */
  columns?: ChangedColumn[];
}

/**
 * One column of a changed row. The values (normalised, as compared) are there only where values were
 * asked for (`jivs verify`), and never for a personal or masked column.
 */
export interface ChangedColumn {
  column: string;
  meant?: string | null;
  target?: string | null;
}

/** Keeps the `cap` smallest keys of everything added, and the count of all of it. */
export class DifferenceList {
  private items: ContentDifference[] = [];
  /** Every difference added, listed or not. */
  total = 0;

  constructor(private readonly cap: number) {}

  add(key: string, kind: ContentDifference['kind']): void {
    this.total++;
    if (this.cap === 0) return;
    this.items.push({ key, kind });
    if (this.items.length >= 2 * this.cap) this.trim();
  }

  /** Differences that could not be told by key (counted only). */
  count(differences: number): void {
    this.total += differences;
  }

  /** The listed differences, sorted by key. */
  list(): ContentDifference[] {
    this.trim();
    return this.items;
  }

  private trim(): void {
    this.items.sort((a, b) => compareKeys(a.key, b.key) || a.kind.localeCompare(b.kind));
    if (this.items.length > this.cap) this.items.length = this.cap;
  }
}
