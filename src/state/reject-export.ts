/** One CSV record per rejected row, the same for `jivs rejects --export csv` and the service's export. */
import { toJson } from './json-values.ts';
import { describeReason } from './run-types.ts';
import type { StoredReject } from './state-store.ts';

export const REJECT_EXPORT_COLUMNS = [
  'table',
  'partition',
  'key',
  'rules',
  'severities',
  'reasons',
  'values',
];

export function rejectExportRecord(r: StoredReject): Record<string, unknown> {
  return {
    table: r.table,
    partition: r.partition,
    key: r.key,
    rules: r.reasons.map((x) => x.rule).join('; '),
    severities: r.reasons.map((x) => x.severity).join('; '),
    reasons: r.reasons.map(describeReason).join('; '),
    values: toJson(r.values),
  };
}
