/** Phase 7, Cleanup: indexes and constraints after the data, then the connections are closed. */
import type { Sink } from '../connectors/connector.ts';
import type { TablePlan } from './plan-types.ts';

/**
 * Creates each table's secondary indexes and constraints. A table whose index cannot be built (e.g.
 * duplicates under a unique index) does not stop the others; the failures are returned.
 */
export async function finalizeTargetTables(sink: Sink, tables: readonly TablePlan[]): Promise<string[]> {
  const failures: string[] = [];
  for (const table of tables) {
    try {
      await sink.finalizeTable(table.target);
    } catch (error) {
      failures.push(
        `${table.target.name}: indexes or constraints could not be created: ${(error as Error).message}. The data is loaded; fix the duplicates or drop the constraint from the source schema, then rerun.`,
      );
    }
  }
  return failures;
}

/**
 * `rollback: true` after a failed run: drops the tables the run created, empties those it truncated.
 * Appended rows cannot be told apart from those there before and stay; the returned notes say so.
 */
export async function rollbackTargetTables(sink: Sink, tables: readonly TablePlan[]): Promise<string[]> {
  const notes: string[] = [];
  for (const table of [...tables].reverse()) {
    const name = table.target.name;
    try {
      if (table.mode === 'append') {
        notes.push(`rollback: ${name} was appended to; the rows this run added stay.`);
      } else if (table.mode === 'truncate') {
        await sink.prepareTable(table.target, 'truncate');
        notes.push(`rollback: emptied ${name}.`);
      } else {
        await sink.dropTable(name);
        notes.push(`rollback: dropped ${name}.`);
      }
    } catch (error) {
      notes.push(`rollback: ${name} could not be rolled back: ${(error as Error).message}`);
    }
  }
  return notes;
}

/** Closes source and sink, whatever state they are in; never throws. */
export async function closeConnections(
  ...connections: ({ close(): Promise<void> } | undefined)[]
): Promise<void> {
  await Promise.allSettled(connections.map((c) => c?.close()));
}
