/** What a run tells its observers (the CLI's progress display, later the service's live events). */
import type { PhaseName } from '../state/run-types.ts';
import type { MigrationPlan } from '../plan/plan-types.ts';

/** Running totals of one target table. */
export interface TableProgress {
  table: string;
  estimatedRows: number;
  extracted: number;
  loaded: number;
  rejected: number;
  filtered: number;
  partitionsDone: number;
  partitions: number;
}

/** Callbacks a run invokes as it goes; all optional and must not throw. */
export interface RunObserver {
  runStarted?(runId: string): void;
  planned?(plan: MigrationPlan): void;
  phaseStarted?(phase: PhaseName): void;
  phaseFinished?(phase: PhaseName, durationMs: number): void;
  tableProgress?(progress: TableProgress): void;
  warning?(message: string): void;
}
