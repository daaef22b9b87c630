/**
 * A run as the API shows it: the stored record merged with the live view while this service executes
 * it — status, current phase, the phase timeline, per-table progress, throughput and ETA.
 */
import type { RunReport } from '../../engine/report.ts';
import { PHASES, type PartitionProgress, type PhaseTiming } from '../../state/run-types.ts';
import type { StoredRun } from '../service-store.ts';
import type { LiveRun } from './live-run.ts';
import { isInterrupted } from '../../engine/run-interruption.ts';
import { wasCancelled } from './run-manager.ts';

/**
 * `queued`: waiting for a slot; `stopping`: pause or cancel asked, not yet at a batch boundary;
 * `interrupted`: its process or the service running it went away (engine/run-interruption.ts);
 * `cancelled`: ended by a cancel.
 */
export type RunViewStatus =
  'queued' | 'running' | 'stopping' | 'paused' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface TableView {
  table: string;
  estimatedRows: number;
  extracted: number;
  loaded: number;
  rejected: number;
  filtered: number;
  partitions: number;
  partitionsDone: number;
}

export interface PhaseView {
  phase: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

/** The summary of a run, as lists show it. */
export interface RunSummary {
  id: string;
  migrationId: string | null;
  specName: string;
  status: RunViewStatus;
  /** `jivs resume` or POST /runs/:id/resume would continue it. */
  resumable: boolean;
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

/** A run with its progress. */
export interface RunView extends RunSummary {
  currentPhase: string | null;
  activePhases: string[];
  phases: PhaseView[];
  tables: TableView[];
  totals: { extracted: number; loaded: number; rejected: number; filtered: number };
  /** Rows read per second: over the last seconds while it runs, of its last execution once ended. */
  rowsPerSecond: number;
  /** Seconds until the estimated rows are read at the current rate; null when not running or unknown. */
  etaSeconds: number | null;
  warnings: string[];
}

export function summarize(run: StoredRun & { report?: unknown }, live: LiveRun | undefined): RunSummary {
  const report = (run.report ?? null) as RunReport | null;
  let status: RunViewStatus;
  if (live && live.state !== 'ended') {
    status = live.state === 'queued' ? 'queued' : live.state === 'stopping' ? 'stopping' : 'running';
  } else if (wasCancelled(run)) status = 'cancelled';
  else if (isInterrupted(run)) status = 'interrupted';
  else status = run.status;
  const resumable =
    (status === 'paused' || status === 'failed' || status === 'interrupted') && !report?.rolledBack;
  return {
    id: run.id,
    migrationId: run.migrationId ?? null,
    specName: run.specName,
    status,
    resumable,
    attempt: run.attempt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
  };
}

function storedTables(partitions: PartitionProgress[], report: RunReport | null): TableView[] {
  const tables = new Map<string, TableView>();
  for (const t of report?.tables ?? []) {
    tables.set(t.target, {
      table: t.target,
      estimatedRows: t.estimatedRows,
      extracted: 0,
      loaded: 0,
      rejected: 0,
      filtered: 0,
      partitions: t.partitions,
      partitionsDone: 0,
    });
  }
  for (const p of partitions) {
    const t = tables.get(p.table) ?? {
      table: p.table,
      estimatedRows: 0,
      extracted: 0,
      loaded: 0,
      rejected: 0,
      filtered: 0,
      partitions: 0,
      partitionsDone: 0,
    };
    t.extracted += p.extracted;
    t.loaded += p.loaded;
    t.rejected += p.rejected;
    t.filtered += p.filtered;
    if (!report) t.partitions++;
    if (p.status === 'done') t.partitionsDone++;
    tables.set(p.table, t);
  }
  return [...tables.values()];
}

export function describeRun(
  run: StoredRun & { report?: unknown },
  live: LiveRun | undefined,
  stored: { phases: PhaseTiming[]; partitions: PartitionProgress[] },
): RunView {
  const summary = summarize(run, live);
  const report = (run.report ?? null) as RunReport | null;
  const active = live && live.state !== 'ended';
  const phases = new Map<string, PhaseView>(
    stored.phases.map((p) => [
      p.phase,
      { phase: p.phase, startedAt: p.startedAt, finishedAt: p.finishedAt, durationMs: p.durationMs },
    ]),
  );
  if (active) for (const p of live.phases.values()) phases.set(p.phase, { ...p });
  const timeline = PHASES.flatMap((p) => (phases.has(p) ? [phases.get(p)!] : []));
  const activePhases = active ? live.activePhases() : [];

  let tables = storedTables(stored.partitions, report);
  if (active && (live.tables.size || live.planned.length)) {
    const byName = new Map(tables.map((t) => [t.table, t]));
    for (const planned of live.planned) {
      const t = byName.get(planned.table);
      byName.set(planned.table, {
        ...(t ?? { extracted: 0, loaded: 0, rejected: 0, filtered: 0, partitionsDone: 0 }),
        table: planned.table,
        estimatedRows: planned.estimatedRows,
        partitions: planned.partitions,
      });
    }
    for (const p of live.tables.values()) {
      byName.set(p.table, {
        table: p.table,
        estimatedRows: p.estimatedRows,
        extracted: p.extracted,
        loaded: p.loaded,
        rejected: p.rejected,
        filtered: p.filtered,
        partitions: p.partitions,
        partitionsDone: p.partitionsDone,
      });
    }
    tables = [...byName.values()];
  }
  const totals = { extracted: 0, loaded: 0, rejected: 0, filtered: 0 };
  for (const t of tables) {
    totals.extracted += t.extracted;
    totals.loaded += t.loaded;
    totals.rejected += t.rejected;
    totals.filtered += t.filtered;
  }
  return {
    ...summary,
    currentPhase: activePhases[0] ?? null,
    activePhases,
    phases: timeline,
    tables,
    totals,
    rowsPerSecond: Math.round(active ? live.rowsPerSecond() : (report?.rowsPerSecond ?? 0)),
    etaSeconds: active ? roundOrNull(live.etaSeconds()) : null,
    warnings: active ? live.warnings : (report?.warnings ?? []),
  };
}

function roundOrNull(n: number | null): number | null {
  return n === null ? null : Math.round(n * 10) / 10;
}
