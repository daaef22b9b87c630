/** Row accounting: extracted = loaded + rejected + filtered, checked for every partition and table. */
import type { RowCounts } from '../state/run-types.ts';

export function emptyCounts(): RowCounts {
  return { extracted: 0, loaded: 0, rejected: 0, filtered: 0 };
}

export function addCounts(into: RowCounts, more: RowCounts): RowCounts {
  into.extracted += more.extracted;
  into.loaded += more.loaded;
  into.rejected += more.rejected;
  into.filtered += more.filtered;
  return into;
}

/** True when every extracted row is accounted for. */
export function isBalanced(counts: RowCounts): boolean {
  return counts.extracted === counts.loaded + counts.rejected + counts.filtered;
}

/** `extracted 10 = loaded 8 + rejected 2 + filtered 0`, for reports and errors. */
export function describeCounts(counts: RowCounts): string {
  const sign = isBalanced(counts) ? '=' : '≠';
  return `extracted ${counts.extracted} ${sign} loaded ${counts.loaded} + rejected ${counts.rejected} + filtered ${counts.filtered}`;
}
