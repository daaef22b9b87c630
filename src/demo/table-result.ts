import type { DirtyCount } from './dirty-column.ts';

/** What one table generator wrote. */
export interface TableResult {
  table: string;
  rows: number;
  dirty: DirtyCount[];
}

/** A table generator: yields once per inserted row (for progress), returns what it wrote. */
export type RowGenerator = Generator<void, TableResult[], void>;
