/**
 * One CSV record per rejected row, the same for `jivs rejects --export csv` and the service's export.
 * Every cell is guarded against formula injection (csv-formula-guard.ts).
 */
import { neutralizeFormula } from './csv-formula-guard.ts';
import { toJson } from '../core/json-values.ts';
import { describeReason } from './run-types.ts';
import type { StoredReject } from './quarantine-store.ts';

export const REJECT_EXPORT_COLUMNS = [
  'table',
  'partition',
  'key',
  'rules',
  'severities',
  'reasons',
  'values',
];

/** The CSV record of one rejected row: text cells, none of which a spreadsheet runs as a formula. */
export function rejectExportRecord(r: StoredReject): Record<string, string> {
  const record: Record<string, unknown> = {
    table: r.table,
    partition: r.partition,
    key: r.key,
    rules: r.reasons.map((x) => x.rule).join('; '),
    severities: r.reasons.map((x) => x.severity).join('; '),
    reasons: r.reasons.map(describeReason).join('; '),
    values: toJson(r.values),
  };
  return Object.fromEntries(REJECT_EXPORT_COLUMNS.map((c) => [c, neutralizeFormula(record[c])]));
}
