/** The bodies the API answers with, as the tests read them. */
import type { RunReport } from '../../src/engine/report.ts';
import type { RunView } from '../../src/server/runs/run-view.ts';
import type { StoredReject } from '../../src/state/quarantine-store.ts';

export type { RunReport, RunView };

export interface RejectPage {
  total: number;
  rows: StoredReject[];
  nextAfterId: number | null;
}

/** A migration as the API shows it; the spec's endpoints as loosely typed records. */
export interface MigrationBody {
  id: string;
  name: string;
  spec: { target: Record<string, unknown>; source: Record<string, unknown> } & Record<string, unknown>;
}
