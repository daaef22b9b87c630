/** The run report: what a run did, phase by phase and table by table. Stored with the run and as JSON. */
import type { SkippedObject } from '../connectors/connector.ts';
import { MigrationFailedError } from '../core/errors.ts';
import type { NextStep } from '../core/next-step.ts';
import type { TableQuality } from '../rules/quality.ts';
import {
  describeReason,
  type PhaseTiming,
  type RejectReason,
  type RowCounts,
  type RunStatus,
} from '../state/run-types.ts';
import type { RunStore } from '../state/run-store.ts';
import type { TableVerification } from './verification-phase.ts';

export interface TableReport extends RowCounts {
  source: string;
  target: string;
  partitions: number;
  estimatedRows: number;
  verification: TableVerification | null;
  /** The most frequent reject reasons, most frequent first. */
  topRejectReasons: { reason: string; rows: number }[];
  /** Rules checked, passed and failed, completeness and score; null when the table never started. */
  quality: TableQuality | null;
  notes: string[];
}

export interface RunReport {
  runId: string;
  spec: { name: string; file: string };
  /** Endpoints as written in the spec: environment references stay unresolved, so no secret shows. */
  source: string;
  target: string;
  status: RunStatus;
  error: string | null;
  /** 1 for a run that ran once, +1 for each resume. */
  attempt: number;
  /** A failed run whose tables were dropped or emptied (`rollback: true`): it cannot be resumed. */
  rolledBack: boolean;
  /** When the run first started. */
  startedAt: string;
  finishedAt: string;
  /**
   * Time spent running, summed over the attempts (this one and those before it that wrote a report):
   * the idle time between a pause or crash and the resume is not counted.
   */
  durationMs: number;
  phases: PhaseTiming[];
  tables: TableReport[];
  totals: RowCounts;
  accountingBalanced: boolean;
  verified: boolean;
  /** Rows read per second by the last execution of the run. */
  rowsPerSecond: number;
  /** Peak resident set size of the process, in MiB. */
  peakRssMb: number;
  /** Worker threads the partitions ran on (`partitionThreads`); 0: on the main thread. */
  partitionThreads: number;
  warnings: string[];
  /** Source objects the target did not get, with the reason (as `jivs plan` listed them). */
  notMigrated: SkippedObject[];
  /**
   * What the user can do next (resume, review the rejects, list the differences); the CLI and the API
   * each word it. Reports stored before it existed have none.
   */
  nextSteps?: NextStep[];
}

/**
 * What the user can do next about a finished execution: resume a run that stopped or failed with its
 * checkpoints kept, review the rejected rows when the error policy stopped it, list the rows that
 * verification found different.
 */
export function nextStepsOf(
  status: RunStatus,
  error: Error | null,
  rolledBack: boolean,
  tables: readonly TableReport[],
): NextStep[] {
  const steps: NextStep[] = [];
  if (error instanceof MigrationFailedError && error.nextStep) steps.push(error.nextStep);
  if ((status === 'paused' || status === 'failed') && !rolledBack) steps.push('resume-run');
  if (tables.some((t) => t.verification?.content?.differencesTotal)) steps.push('list-differences');
  return [...new Set(steps)];
}

/** True when there are tables and every one of them verified without a problem. */
export function allVerified(tables: readonly TableReport[]): boolean {
  return (
    tables.length > 0 && tables.every((t) => t.verification !== null && t.verification.problems.length === 0)
  );
}

/** Counts reasons by column and message with the offending value left out, keeping the `limit` most frequent. */
export class RejectReasonTally {
  private readonly counts = new Map<string, number>();

  add(reasons: readonly RejectReason[]): void {
    for (const reason of reasons) {
      const shape = describeReason(reason)
        .replace(
          /^([^:]+: )(?:"(?:[^"\\]|\\.)*"|<\d+ bytes>|\S+)(?= (?:is not|does not|is below|is above|has no|matches none) )/,
          '$1…',
        )
        .replace(/ is \d+ characters,/, ' is … characters,');
      this.counts.set(shape, (this.counts.get(shape) ?? 0) + 1);
    }
  }

  top(limit = 5): { reason: string; rows: number }[] {
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([reason, rows]) => ({ reason, rows }));
  }
}

/** The most frequent reject reasons of a table, from the quarantine (so a resumed run counts every attempt's). */
export async function topRejectReasons(
  store: RunStore,
  runId: string,
  table: string,
): Promise<{ reason: string; rows: number }[]> {
  const tally = new RejectReasonTally();
  for await (const page of store.quarantine.pages(runId, { table })) {
    for (const row of page) tally.add(row.reasons);
  }
  return tally.top();
}
