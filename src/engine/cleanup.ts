/** Phase 7, Cleanup: indexes and constraints after the data, then the connections are closed. */
import type { Sink } from '../connectors/connector.ts';
import { isDuplicateKeyError } from '../connectors/database-message.ts';
import type { TablePlan } from '../plan/plan-types.ts';

/**
 * Creates each table's keys, indexes and constraints, then every table's foreign keys: a foreign key
 * finds the key it references in place whatever the load order, also in a cycle of references. A table
 * whose index or key cannot be built (e.g. duplicates under a unique index) does not stop the others;
 * the failures are returned, with advice that fits their cause.
 */
export async function finalizeTargetTables(sink: Sink, tables: readonly TablePlan[]): Promise<string[]> {
  const failures: string[] = [];
  const failed = new Set<string>();
  for (const table of tables) {
    try {
      await sink.finalizeTable(table.target);
    } catch (error) {
      failed.add(table.target.name);
      failures.push(failure(table, 'indexes or constraints', error));
    }
  }
  if (!sink.addForeignKeys) return failures;
  for (const table of tables) {
    if (!table.target.foreignKeys.length) continue;
    const missing = table.target.foreignKeys.find((fk) => failed.has(fk.referencedTable));
    if (missing) {
      failures.push(
        `${table.target.name}: foreign keys were not added: table "${missing.referencedTable}" did not get its keys (above). The data is loaded; fix that first, then rerun.`,
      );
      continue;
    }
    try {
      await sink.addForeignKeys(table.target);
    } catch (error) {
      failures.push(failure(table, 'foreign keys', error));
    }
  }
  return failures;
}

function failure(table: TablePlan, what: string, error: unknown): string {
  const advice = isDuplicateKeyError(error)
    ? 'fix the duplicates in the source or drop the unique constraint from the source schema, then rerun'
    : 'fix the cause, then rerun';
  return `${table.target.name}: ${what} could not be created: ${(error as Error).message}. The data is loaded; ${advice}.`;
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
