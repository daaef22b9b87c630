/** Records and names shared by the StateStore tests (test/state/state-store-*.test.ts). */
import type { PartitionProgress, RejectedRow, RunRecord } from '../../src/state/run-types.ts';
import type { StoredReject } from '../../src/state/quarantine-store.ts';

export function run(id: string, startedAt: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    specName: 'erp-to-pg',
    specFile: '/specs/erp.yaml',
    specHash: 'hash-1',
    status: 'running',
    startedAt,
    finishedAt: null,
    error: null,
    owner: 'host:1',
    attempt: 1,
    migrationId: null,
    ...overrides,
  };
}

export function partition(
  table: string,
  index: number,
  overrides: Partial<PartitionProgress> = {},
): PartitionProgress {
  return {
    table,
    index,
    bounds: { kind: 'key-range', keyColumn: 'id', from: index * 100, to: (index + 1) * 100 },
    status: 'running',
    extracted: 0,
    loaded: 0,
    rejected: 0,
    filtered: 0,
    owner: null,
    attempt: 0,
    ...overrides,
  };
}

export function reject(table: string, key: string, values: Record<string, unknown> = {}): RejectedRow {
  return {
    table,
    partition: 0,
    key,
    values,
    reasons: [{ rule: 'cast', column: 'id', severity: 'critical', message: `${table} ${key} is bad` }],
  };
}

export function withoutIds(rows: StoredReject[]): RejectedRow[] {
  return rows.map(({ id: _id, ...row }) => row);
}

export const MIGRATIONS = [
  '0001-initial',
  '0002-reject-reasons',
  '0003-resumable-runs',
  '0004-service',
  '0005-user-ids',
  '0006-usernames-ignore-case',
  '0007-raw-reject-values',
];
