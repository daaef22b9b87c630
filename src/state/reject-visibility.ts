/**
 * A rejected row as a reader sees it. Masked columns are stored masked; the raw values a table with
 * `quarantine: raw` also kept are shown only to readers allowed to see them (the CLI's user, who owns
 * the store; engineers and admins of the service), merged over the masked ones.
 */
import type { RejectedRow } from './run-types.ts';

/** `reject` without its raw values, or with them in `values` when `mayReadRaw`. */
export function rejectAsSeen<T extends RejectedRow>(reject: T, mayReadRaw: boolean): Omit<T, 'rawValues'> {
  const { rawValues, ...row } = reject;
  if (!mayReadRaw || !rawValues) return row;
  return { ...row, values: { ...row.values, ...rawValues } };
}
