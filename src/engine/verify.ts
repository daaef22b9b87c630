/**
 * Phase 6, Verification: proves what landed. Per table: the accounting balances, the target holds
 * exactly the rows it held before plus the rows loaded, and (where the target can tell) no row points
 * at a missing parent.
 */
import type { Sink } from '../connectors/connector.ts';
import type { RowCounts } from '../state/run-types.ts';
import { describeCounts, isBalanced } from './accounting.ts';
import type { TablePlan } from './plan-types.ts';

export interface TableVerification {
  table: string;
  /** Rows the target held before the load (append mode). */
  rowsBefore: number;
  /** Rows the target holds now. */
  targetRows: number;
  accountingBalanced: boolean;
  countsMatch: boolean;
  /** Rows referencing a missing parent row; null when the target cannot tell. */
  foreignKeyViolations: number | null;
  /** Human-readable findings; empty when the table verified. */
  problems: string[];
}

/** Verifies one table against the counts the pipeline recorded for it. */
export async function verifyTable(
  sink: Sink,
  plan: TablePlan,
  counts: RowCounts,
  rowsBefore: number,
): Promise<TableVerification> {
  const table = plan.target.name;
  const targetRows = await sink.countRows(table);
  const accountingBalanced = isBalanced(counts);
  const countsMatch = targetRows === rowsBefore + counts.loaded;
  const foreignKeyViolations = sink.foreignKeyViolations
    ? await sink.foreignKeyViolations(plan.target)
    : null;
  const problems: string[] = [];
  if (!accountingBalanced) problems.push(`accounting does not balance: ${describeCounts(counts)}`);
  if (!countsMatch) {
    problems.push(
      `target holds ${targetRows} rows, expected ${rowsBefore + counts.loaded} (${rowsBefore} before + ${counts.loaded} loaded)`,
    );
  }
  return { table, rowsBefore, targetRows, accountingBalanced, countsMatch, foreignKeyViolations, problems };
}
