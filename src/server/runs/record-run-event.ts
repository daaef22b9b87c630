/** What the service does with a run's progress event besides its live view: metrics and the log. */
import type { Logger } from 'pino';
import type { ServiceMetrics } from '../metrics.ts';
import type { RunEvent } from './ipc-messages.ts';
import type { LiveRun } from './live-run.ts';

/** Rows already counted per table (a resume: what earlier executions loaded), for metric deltas. */
export type CountedRows = Map<string, { extracted: number; loaded: number; rejected: number }>;

/** Records `event` of the run `live`: phase durations and row counters in the metrics, and a log line. */
export function recordRunEvent(
  event: RunEvent,
  live: LiveRun,
  counted: CountedRows,
  metrics: ServiceMetrics,
  log: Logger,
): void {
  switch (event.type) {
    case 'phase-started':
      log.info({ phase: event.phase }, `phase ${event.phase} started`);
      break;
    case 'phase-finished':
      metrics.phaseDuration.observe({ phase: event.phase }, event.durationMs / 1000);
      log.info(
        { phase: event.phase, durationMs: Math.round(event.durationMs) },
        `phase ${event.phase} finished`,
      );
      break;
    case 'table-progress': {
      const p = event.progress;
      const before = counted.get(p.table) ?? { extracted: 0, loaded: 0, rejected: 0 };
      metrics.addRows(p.table, {
        extracted: p.extracted - before.extracted,
        loaded: p.loaded - before.loaded,
        rejected: p.rejected - before.rejected,
      });
      counted.set(p.table, {
        extracted: Math.max(before.extracted, p.extracted),
        loaded: Math.max(before.loaded, p.loaded),
        rejected: Math.max(before.rejected, p.rejected),
      });
      log.debug(
        {
          phase: live.activePhases()[0],
          table: p.table,
          extracted: p.extracted,
          loaded: p.loaded,
          rejected: p.rejected,
        },
        'table progress',
      );
      break;
    }
    case 'warning':
      log.warn({ phase: live.activePhases()[0] }, event.message);
      break;
    case 'planned':
      break;
  }
}
