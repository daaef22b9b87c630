import type { SeededRandom } from './seeded-random.ts';

/** How many rows of one table column carry one kind of deliberate dirt. */
export interface DirtyCount {
  table: string;
  column: string;
  kind: string;
  rows: number;
}

/**
 * Decides, row by row, which rows of a table get one kind of dirt, and counts them. Each row is dirty
 * with probability `rate`; one row chosen up front always is, so even small tables show every kind.
 */
export class DirtyColumn {
  private readonly forcedRow: number;
  private rows = 0;

  constructor(
    private readonly random: SeededRandom,
    readonly table: string,
    readonly column: string,
    readonly kind: string,
    private readonly rate: number,
    tableRows: number,
  ) {
    this.forcedRow = random.int(0, Math.max(0, tableRows - 1));
  }

  /** Whether row number `row` (0-based, in insert order) gets this dirt; counts it when it does. */
  hit(row: number): boolean {
    const rolled = this.random.next() < this.rate;
    if (!rolled && row !== this.forcedRow) return false;
    this.rows++;
    return true;
  }

  /** The count so far, for the summary. */
  count(): DirtyCount {
    return { table: this.table, column: this.column, kind: this.kind, rows: this.rows };
  }
}
