/**
 * What the service knows about a run its RunManager executes, as it goes: the state, phases, table
 * progress, throughput and the events the SSE stream replays. Finished runs are read from the store.
 */
import { EventEmitter } from 'node:events';
import type { RunReport } from '../../engine/report.ts';
import type { TableProgress } from '../../engine/run-observer.ts';
import type { PhaseName } from '../../state/run-types.ts';
import type { PlannedTable, RunEvent } from './ipc-messages.ts';

/**
 * `starting`: its process plans (a new run has no id yet); `queued`: waiting for a slot;
 * `running`: moving data; `stopping`: asked to pause or cancel; `ended`: its process is gone.
 */
export type LiveState = 'starting' | 'queued' | 'running' | 'stopping' | 'ended';

/** One event of a run's live stream; `id` orders them (the SSE `id:`, for Last-Event-ID). */
export interface StreamEvent {
  id: number;
  event: string;
  data: unknown;
}

/** A phase as the timeline shows it; `finishedAt` null while it runs. */
export interface LivePhase {
  phase: PhaseName;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

/** How many events a late subscriber can catch up on. */
const KEPT_EVENTS = 2000;
/** Throughput is measured over this window. */
const RATE_WINDOW_MS = 10_000;

export class LiveRun extends EventEmitter<{ event: [StreamEvent] }> {
  runId: string | null = null;
  state: LiveState = 'starting';
  readonly phases = new Map<PhaseName, LivePhase>();
  readonly tables = new Map<string, TableProgress>();
  planned: PlannedTable[] = [];
  readonly warnings: string[] = [];
  report: RunReport | null = null;
  /** Who asked to cancel, once someone did. */
  cancelledBy: string | null = null;
  private readonly events: StreamEvent[] = [];
  private nextId = 1;
  private readonly samples: { at: number; extracted: number }[] = [];

  constructor(
    readonly kind: 'run' | 'resume',
    readonly migrationId: string | null,
    readonly requestedBy: string,
  ) {
    super();
  }

  /** Records an event and tells subscribers. */
  emitEvent(event: string, data: unknown): void {
    const entry = { id: this.nextId++, event, data };
    this.events.push(entry);
    if (this.events.length > KEPT_EVENTS) this.events.splice(0, this.events.length - KEPT_EVENTS);
    this.emit('event', entry);
  }

  /** Events after `lastId` that are still kept. */
  eventsAfter(lastId: number): StreamEvent[] {
    return this.events.filter((e) => e.id > lastId);
  }

  /** Applies a progress event from the run's process. */
  apply(event: RunEvent): void {
    switch (event.type) {
      case 'planned':
        this.planned = event.tables;
        break;
      case 'phase-started':
        this.phases.set(event.phase, {
          phase: event.phase,
          startedAt: event.at,
          finishedAt: null,
          durationMs: null,
        });
        break;
      case 'phase-finished': {
        const started = this.phases.get(event.phase);
        this.phases.set(event.phase, {
          phase: event.phase,
          startedAt: started?.startedAt ?? event.at,
          finishedAt: event.at,
          durationMs: event.durationMs,
        });
        break;
      }
      case 'table-progress':
        this.tables.set(event.progress.table, event.progress);
        this.sample();
        break;
      case 'warning':
        this.warnings.push(event.message);
        break;
    }
  }

  /** Phases running now, in phase order (the streaming ones run together). */
  activePhases(): PhaseName[] {
    return [...this.phases.values()].filter((p) => p.finishedAt === null).map((p) => p.phase);
  }

  private extracted(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.extracted;
    return n;
  }

  private sample(): void {
    const now = Date.now();
    this.samples.push({ at: now, extracted: this.extracted() });
    while (this.samples.length > 2 && now - this.samples[0]!.at > RATE_WINDOW_MS) this.samples.shift();
  }

  /** Rows read per second over the last seconds; 0 before there are two measurements or once ended. */
  rowsPerSecond(): number {
    if (this.state === 'ended' || this.samples.length < 2) return 0;
    const first = this.samples[0]!;
    const last = this.samples.at(-1)!;
    const seconds = (last.at - first.at) / 1000;
    return seconds > 0 ? Math.max(0, (last.extracted - first.extracted) / seconds) : 0;
  }

  /** Seconds until every estimated row is read at the current rate; null when unknown. */
  etaSeconds(): number | null {
    const rate = this.rowsPerSecond();
    if (rate <= 0) return null;
    const estimated = this.planned.reduce((n, t) => n + t.estimatedRows, 0);
    return Math.max(0, estimated - this.extracted()) / rate;
  }
}
