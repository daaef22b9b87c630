/** The "Not migrated" section of `jivs plan` and of the run report: each object with its reason. */
import type { SkippedObject } from '../connectors/connector.ts';
import { formatTable } from './format-table.ts';

/** `table.name` for an object of a table, the name alone otherwise. */
function objectName(object: SkippedObject): string {
  return object.table === undefined ? object.name : `${object.table}.${object.name}`;
}

/** The section's lines (none when everything is migrated), starting with a blank line. */
export function formatNotMigrated(objects: readonly SkippedObject[]): string[] {
  if (!objects.length) return [];
  return [
    '',
    `Not migrated (${objects.length})`,
    formatTable(
      ['kind', 'object', 'reason'],
      objects.map((o) => [o.kind, objectName(o), o.reason]),
    ),
  ];
}
