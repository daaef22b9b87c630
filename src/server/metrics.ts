/**
 * Prometheus metrics of one service instance (a registry per app, so tests and several apps in one
 * process never mix): rows per table fed by the runs' progress events, throughput, phase durations,
 * active runs and outcomes, HTTP request durations, and the process metrics, all prefixed `jivs_`.
 * The store exposes no connection pool figures, so `jivs_store_pool_connections` is not offered.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const METRICS_PREFIX = 'jivs_';

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly rowsExtracted: Counter<'table'>;
  readonly rowsLoaded: Counter<'table'>;
  readonly rowsRejected: Counter<'table'>;
  readonly throughput: Gauge;
  readonly phaseDuration: Histogram<'phase'>;
  readonly activeRuns: Gauge;
  readonly queuedRuns: Gauge;
  readonly runsTotal: Counter<'outcome'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: METRICS_PREFIX });
    this.rowsExtracted = new Counter({
      name: 'jivs_rows_extracted_total',
      help: 'Rows read from the source, by target table.',
      labelNames: ['table'],
      registers,
    });
    this.rowsLoaded = new Counter({
      name: 'jivs_rows_loaded_total',
      help: 'Rows written to the target, by target table.',
      labelNames: ['table'],
      registers,
    });
    this.rowsRejected = new Counter({
      name: 'jivs_rows_rejected_total',
      help: 'Rows put into the reject quarantine, by target table.',
      labelNames: ['table'],
      registers,
    });
    this.throughput = new Gauge({
      name: 'jivs_throughput_rows_per_second',
      help: 'Rows read per second by the runs executing now, summed.',
      registers,
    });
    this.phaseDuration = new Histogram({
      name: 'jivs_phase_duration_seconds',
      help: 'Wall time of each phase of a run.',
      labelNames: ['phase'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 14400],
      registers,
    });
    this.activeRuns = new Gauge({
      name: 'jivs_active_runs',
      help: 'Runs executing now (holding a slot).',
      registers,
    });
    this.queuedRuns = new Gauge({
      name: 'jivs_queued_runs',
      help: 'Runs waiting for a slot (JIVS_MAX_RUNS).',
      registers,
    });
    this.runsTotal = new Counter({
      name: 'jivs_runs_total',
      help: 'Executions of runs that ended, by outcome (succeeded, failed, paused, cancelled, interrupted).',
      labelNames: ['outcome'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'jivs_http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by method, route template and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    });
  }

  /** Counts the rows a table moved since its previous progress report. */
  addRows(table: string, delta: { extracted: number; loaded: number; rejected: number }): void {
    if (delta.extracted > 0) this.rowsExtracted.inc({ table }, delta.extracted);
    if (delta.loaded > 0) this.rowsLoaded.inc({ table }, delta.loaded);
    if (delta.rejected > 0) this.rowsRejected.inc({ table }, delta.rejected);
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
