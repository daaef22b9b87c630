/**
 * The target table as the target itself describes it (introspected through the target opened as a
 * Source), so that reading it back uses the target's own native types (e.g. MySQL's tinyint(1), a
 * JSON column holding an array) rather than those the plan carried over from the source.
 */
import type { Source, TableSchema } from '../connectors/connector.ts';
import { MigrationFailedError } from '../core/errors.ts';

/** One listing per target Source: verifying several tables introspects the target once. */
const listings = new WeakMap<Source, Promise<TableSchema[]>>();

/** Every table of the target, listed once per Source object. */
export function targetTables(target: Source): Promise<TableSchema[]> {
  let listing = listings.get(target);
  if (!listing) {
    listing = target.introspector.listTables();
    listings.set(target, listing);
    listing.catch(() => listings.delete(target));
  }
  return listing;
}

/** The target's table `name` (exactly, else case-insensitively), or null when the target has none. */
export async function findTargetTable(target: Source, name: string): Promise<TableSchema | null> {
  const tables = await targetTables(target);
  return (
    tables.find((t) => t.name === name) ??
    tables.find((t) => t.name.toLowerCase() === name.toLowerCase()) ??
    null
  );
}

/**
 * What reading `planned` back from the target needs: the introspected table with its columns in the
 * planned order (matched by name, case-insensitively if need be).
 *
 * @throws MigrationFailedError naming the table when the target has no such table, or the column
 */
export async function targetReadSchema(target: Source, planned: TableSchema): Promise<TableSchema> {
  const table = await findTargetTable(target, planned.name);
  if (!table) {
    throw new MigrationFailedError(
      `the target has no table "${planned.name}" to verify; migrate it first (or check the target and naming).`,
    );
  }
  const columns = planned.columns.map((column) => {
    const found =
      table.columns.find((c) => c.name === column.name) ??
      table.columns.find((c) => c.name.toLowerCase() === column.name.toLowerCase());
    if (!found) {
      throw new MigrationFailedError(
        `target table "${table.name}" has no column "${column.name}" to verify; its columns: ${table.columns.map((c) => c.name).join(', ')}.`,
      );
    }
    return found;
  });
  return { ...table, columns };
}
