import type { Migration } from 'kysely';
import { initial } from './0001-initial.ts';
import { rejectReasons } from './0002-reject-reasons.ts';
import { resumableRuns } from './0003-resumable-runs.ts';
import { service } from './0004-service.ts';
import { userIds } from './0005-user-ids.ts';
import { usernamesIgnoreCase } from './0006-usernames-ignore-case.ts';
import { rawRejectValues } from './0007-raw-reject-values.ts';
import { columnTypes, type StoreBackend } from './column-types.ts';

/**
 * Every control-plane migration for a backend, keyed in the order they run. Append; never rename or
 * reorder. The keys are the same on every backend; only a few column types differ (column-types.ts).
 */
export function stateMigrations(backend: StoreBackend): Record<string, Migration> {
  const types = columnTypes(backend);
  return {
    '0001-initial': initial(types),
    '0002-reject-reasons': rejectReasons(types),
    '0003-resumable-runs': resumableRuns(),
    '0004-service': service(types),
    '0005-user-ids': userIds(types),
    '0006-usernames-ignore-case': usernamesIgnoreCase(),
    '0007-raw-reject-values': rawRejectValues(),
  };
}
