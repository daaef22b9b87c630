/** Phase 5, Loading: prepares target tables per their mode, and writes accepted batches. */
import type { Sink } from '../connectors/connector.ts';
import { InputError, type InputProblem } from '../core/errors.ts';
import type { TablePlan } from '../plan/plan-types.ts';

/**
 * Refuses before any data moves when a `fail-if-exists` table is already there (all such tables are
 * named at once).
 */
export async function checkTargetTables(sink: Sink, tables: readonly TablePlan[]): Promise<void> {
  const problems: InputProblem[] = [];
  for (const table of tables) {
    if (table.mode === 'fail-if-exists' && (await sink.tableExists(table.target.name))) {
      problems.push({
        path: table.modePath,
        message: `target table "${table.target.name}" already exists and the mode is fail-if-exists; drop it, or choose create, truncate or append.`,
      });
    }
  }
  if (problems.length) throw new InputError(problems);
}

/** Creates, truncates or keeps each target table; returns the rows each held before the load. */
export async function prepareTargetTables(
  sink: Sink,
  tables: readonly TablePlan[],
): Promise<Map<string, number>> {
  const rowsBefore = new Map<string, number>();
  for (const table of tables) {
    const prepared = await sink.prepareTable(table.target, table.mode);
    rowsBefore.set(table.target.name, prepared.rowsBefore);
  }
  return rowsBefore;
}
