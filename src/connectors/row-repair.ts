/**
 * Marks rows that a file source changed because the spec asked it to (a CSV record with too few fields
 * padded with NULL under `raggedRows: pad`, one with too many cut under `raggedRows: truncate`). Unlike
 * a defect (row-defect.ts), such a row loads; the engine counts it in the quality report under the
 * repair's name, which the table declares in {@link TableSchema.repairs}, so that no change goes uncounted.
 */
import type { Row } from './connector.ts';

/** A registered symbol, so that copies of this module (or another connector) agree on it. */
const REPAIR = Symbol.for('jivs.rowRepair');

interface RepairedRow extends Array<unknown> {
  [REPAIR]?: string;
}

/** Attaches the name of a repair (one of the table's `repairs`, e.g. `raggedRows: pad`) to a row. */
export function markRowRepair(row: Row, repair: string): void {
  Object.defineProperty(row, REPAIR, { value: repair, configurable: true });
}

/**
 * The repair the source made to a row, or undefined for a row read as it is. Check it on the rows as the
 * source yields them (a transform that builds new arrays drops the mark).
 */
export function rowRepair(row: Row): string | undefined {
  return (row as RepairedRow)[REPAIR];
}
