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

/** Closes source and sink, whatever state they are in; never throws. */
export async function closeConnections(
  ...connections: ({ close(): Promise<void> } | undefined)[]
): Promise<void> {
  await Promise.allSettled(connections.map((c) => c?.close()));
}
