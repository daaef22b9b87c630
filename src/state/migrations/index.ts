import type { Migration } from 'kysely';
import { initial } from './0001-initial.ts';
import { rejectReasons } from './0002-reject-reasons.ts';
import { resumableRuns } from './0003-resumable-runs.ts';

/** Every control-plane migration, keyed in the order they run. Append; never rename or reorder. */
export const STATE_MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-reject-reasons': rejectReasons,
  '0003-resumable-runs': resumableRuns,
};
