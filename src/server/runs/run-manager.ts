/**
 * Executes runs for the service, each in its own child process (run-child.ts), at most `maxRuns` at a
 * time; more wait in a queue. A new run's process plans first and records the run (that is when its id
 * exists), then waits for a slot before any data moves. Pause and cancel travel over IPC and stop the
 * run at its next batch boundary. Cancel ends a run for good: it stops paused like a pause, then is
 * marked failed with the error "cancelled by <user>", and the service refuses to resume it.
 */
import type { ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import { specHash } from '../../engine/spec-hash.ts';
import type { RunReport } from '../../engine/report.ts';
import { isInterrupted } from '../../engine/run-interruption.ts';
import { ownerMayBeAlive } from '../../engine/run-owner.ts';
import { InputError } from '../../core/errors.ts';
import type { MigrationDefinition } from '../../state/service-types.ts';
import { ApiError, badRequest, conflict, notFound } from '../http-errors.ts';
import type { ServiceMetrics } from '../metrics.ts';
import type { SecretBox } from '../secrets.ts';
import type { ServiceStore, StoredRun } from '../service-store.ts';
import { validateStoredSpec } from '../specs/spec-intake.ts';
import type { SpecReach } from '../specs/spec-reach.ts';
import { explicitStoreLocation } from './child-env.ts';
import type { ChildFailure, ChildJob, JobSpec, ParentMessage, RunEvent } from './ipc-messages.ts';
import { LiveRun } from './live-run.ts';
import { recordRunEvent, type CountedRows } from './record-run-event.ts';
import { inBody, RunProcesses } from './run-processes.ts';
import { RunSlots } from './run-slots.ts';
import { storedJobSpec } from './stored-job-spec.ts';

/** The error of a cancelled run starts with this. */
export const CANCELLED = 'cancelled by ';

/** How long a stopping run may take to reach its batch boundary when the service shuts down. */
const SHUTDOWN_GRACE_MS = 30_000;

export interface RunManagerOptions {
  store: ServiceStore;
  /** The store as the run processes open it: a SQLite path or a PostgreSQL URL. */
  storeLocation: string;
  maxRuns: number;
  /**
   * What specs may reach, checked again before each job; its file access, allowed hosts and allowed
   * variables (all the environment a run's process gets) go to each run's process.
   */
  reach: SpecReach;
  box: SecretBox | undefined;
  metrics: ServiceMetrics;
  logger: Logger;
}

/** True when a stored run was cancelled through the service. */
export function wasCancelled(run: { status: string; error: string | null }): boolean {
  return run.status === 'failed' && (run.error ?? '').startsWith(CANCELLED);
}

interface Execution {
  live: LiveRun;
  child: ChildProcess | null;
  holdsSlot: boolean;
  /** Waiting in the queue: taking it out of the queue. */
  dequeue: (() => void) | null;
  failure: ChildFailure | null;
  /** Rows already counted per table (resume: what earlier executions loaded), for metric deltas. */
  counted: CountedRows;
  /** Settles with the outcome once the execution is over. */
  done: Promise<void>;
  finish: () => void;
}

export class RunManager {
  private readonly executions = new Map<string, Execution>();
  private readonly processes: RunProcesses;
  private readonly slots: RunSlots;
  private closing = false;

  /** The store as a run's process reaches it (without the service's PG… variables). */
  private readonly storeLocation: string;

  constructor(private readonly options: RunManagerOptions) {
    this.storeLocation = explicitStoreLocation(options.storeLocation, process.env);
    this.slots = new RunSlots(options.maxRuns, () => this.updateGauges());
    this.processes = new RunProcesses(options.reach.envAllow);
  }

  /** The live view of a run this service executes (or queues) now. */
  live(runId: string): LiveRun | undefined {
    return this.executions.get(runId)?.live;
  }

  /** Runs executing now. */
  get activeRuns(): number {
    return this.slots.held;
  }

  private updateGauges(): void {
    const { metrics } = this.options;
    metrics.activeRuns.set(this.slots.held);
    metrics.queuedRuns.set(this.slots.waiting);
    let rate = 0;
    for (const e of this.executions.values()) rate += e.live.rowsPerSecond();
    metrics.throughput.set(rate);
  }

  /** Calls `grant` once a slot is free; until then `execution.dequeue` leaves the queue. */
  private requestSlot(execution: Execution, grant: () => void): void {
    const leave = this.slots.request(() => {
      execution.dequeue = null;
      execution.holdsSlot = true;
      grant();
    });
    if (!execution.holdsSlot) {
      execution.dequeue = () => {
        leave();
        execution.dequeue = null;
      };
    }
  }

  private releaseSlot(execution: Execution): void {
    execution.dequeue?.();
    if (!execution.holdsSlot) return;
    execution.holdsSlot = false;
    this.slots.release();
  }

  private newExecution(live: LiveRun): Execution {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    return {
      live,
      child: null,
      holdsSlot: false,
      dequeue: null,
      failure: null,
      counted: new Map(),
      done,
      finish,
    };
  }

  private logFor(live: LiveRun): Logger {
    return this.options.logger.child({ runId: live.runId, migrationId: live.migrationId });
  }

  private send(execution: Execution, message: ParentMessage): void {
    const { child } = execution;
    if (child?.connected) child.send(message);
  }

  /** Applies a progress event: live state, metrics, log, stream. */
  private onEvent(execution: Execution, event: RunEvent): void {
    const { live } = execution;
    live.apply(event);
    recordRunEvent(event, live, execution.counted, this.options.metrics, this.logFor(live));
    if (event.type === 'table-progress') this.updateGauges();
    const { type, ...data } = event;
    live.emitEvent(type, event.type === 'table-progress' ? event.progress : data);
  }

  /**
   * Starts a run of a stored migration. Resolves once the run is recorded (its process planned it);
   * rejects with a 400 listing the problems when the spec does not fit its source (nothing moved).
   */
  async start(migration: MigrationDefinition, actor: string): Promise<LiveRun> {
    if (this.closing) throw new ApiError(503, 'the service is shutting down.');
    const live = new LiveRun('run', migration.id, actor);
    const execution = this.newExecution(live);
    const job: ChildJob = {
      kind: 'run',
      ...storedJobSpec(this.options.reach, this.options.box, migration),
      storeLocation: this.storeLocation,
      migrationId: migration.id,
    };
    return new Promise<LiveRun>((resolve, reject) => {
      execution.child = this.processes.spawn(
        job,
        () => this.logFor(live),
        (message) => {
          switch (message.type) {
            case 'created':
              live.runId = message.runId;
              live.state = 'queued';
              this.executions.set(message.runId, execution);
              this.logFor(live).info({ by: actor }, 'run recorded; waiting for a slot');
              live.emitEvent('queued', { runId: message.runId });
              this.requestSlot(execution, () => {
                live.state = 'running';
                this.send(execution, { type: 'go' });
                live.emitEvent('started', { runId: message.runId });
              });
              resolve(live);
              break;
            case 'event':
              this.onEvent(execution, message.event);
              break;
            case 'report':
              live.report = message.report;
              break;
            case 'failed':
              execution.failure = message.failure;
              break;
            case 'plan':
              break;
          }
        },
      );
      execution.child.once('exit', (code, signal) => {
        if (live.runId === null) {
          const failure = execution.failure;
          reject(
            failure?.input
              ? badRequest(
                  'the migration does not fit its source; nothing was moved',
                  inBody(failure.problems),
                )
              : new ApiError(
                  422,
                  `the run could not start: ${failure?.message ?? `its process ended (${signal ?? code})`}`,
                ),
          );
          execution.finish();
          return;
        }
        void this.finalize(execution);
      });
    });
  }

  /** Ends an execution: stores a cancel, tells subscribers, counts the outcome. */
  private async finalize(execution: Execution): Promise<void> {
    const { live } = execution;
    const runId = live.runId!;
    this.releaseSlot(execution);
    const log = this.logFor(live);
    let outcome: string;
    let report: RunReport | null = live.report;
    let error: string | null = report?.error ?? execution.failure?.message ?? null;
    try {
      if (live.cancelledBy !== null && report?.status !== 'succeeded') {
        // Stopped (paused) at a batch boundary, or never started: ended for good.
        outcome = 'cancelled';
        error = `${CANCELLED}${live.cancelledBy}`;
        const stored = await this.options.store.getRun(runId);
        const base = report ?? (stored?.report as RunReport | null) ?? null;
        report = base && { ...base, status: 'failed', error };
        await this.options.store.finishRun(runId, 'failed', error, report);
      } else if (report) {
        // A cancel that came too late for a run that succeeded leaves it succeeded.
        outcome = report.status;
      } else if (execution.failure && !execution.failure.cancelled) {
        outcome = 'failed';
      } else if (this.closing && execution.failure?.cancelled) {
        // A queued run when the service stopped: it never moved data; it can be started again.
        outcome = 'paused';
        error = 'the service stopped before the run moved any data';
        await this.options.store.finishRun(runId, 'paused', error, null);
      } else {
        outcome = 'interrupted';
        error ??= 'the run process ended unexpectedly; the run can be resumed';
      }
    } catch (caught) {
      outcome = 'failed';
      error = `the service could not record the end of the run: ${(caught as Error).message}`;
    }
    live.state = 'ended';
    this.options.metrics.runsTotal.inc({ outcome });
    log.info({ outcome, error }, `run ended: ${outcome}`);
    if (report) live.emitEvent('report', report);
    live.emitEvent('end', { runId, outcome, error });
    this.executions.delete(runId);
    this.updateGauges();
    execution.finish();
  }

  /** Queues a resume of a paused, failed or interrupted run of a stored migration. */
  async resume(runId: string, actor: string): Promise<LiveRun> {
    if (this.closing) throw new ApiError(503, 'the service is shutting down.');
    if (this.executions.has(runId)) throw conflict(`run ${runId} is already executing or queued here.`);
    const { store } = this.options;
    const run = await store.getRun(runId);
    if (!run) throw notFound(`run ${runId}`);
    if (run.status === 'succeeded') throw conflict(`run ${runId} succeeded; there is nothing to resume.`);
    if (wasCancelled(run)) throw conflict(`run ${runId} was cancelled; start a new run instead.`);
    if ((run.report as RunReport | null)?.rolledBack) {
      throw conflict(`run ${runId} failed and was rolled back; start a new run instead.`);
    }
    if (run.status === 'running' && ownerMayBeAlive(run.owner)) {
      throw conflict(`run ${runId} is running in process ${run.owner}; pause it first.`);
    }
    const migrationId = run.migrationId ?? null;
    const migration = migrationId === null ? undefined : await store.migrations.get(migrationId);
    if (!migration) {
      throw conflict(
        `run ${runId} was not started from a stored migration (or its migration was deleted); resume it with \`jivs resume ${runId}\`.`,
      );
    }
    let job: JobSpec;
    try {
      job = storedJobSpec(this.options.reach, this.options.box, migration);
      if (specHash(validateStoredSpec(migration.spec as Record<string, unknown>)) !== run.specHash) {
        throw conflict(
          `the spec of migration ${migration.id} changed since run ${runId} started; a resume needs the same spec. Start a new run instead.`,
        );
      }
    } catch (error) {
      if (error instanceof InputError) throw badRequest('the stored spec is invalid', error.problems);
      if (error instanceof ApiError) throw error;
      throw conflict((error as Error).message); // e.g. a secret this server cannot decrypt
    }
    const live = new LiveRun('resume', migration.id, actor);
    live.runId = runId;
    live.state = 'queued';
    const execution = this.newExecution(live);
    // Metrics count from what earlier executions already moved.
    for (const p of await store.partitions(runId)) {
      const c = execution.counted.get(p.table) ?? { extracted: 0, loaded: 0, rejected: 0 };
      c.extracted += p.extracted;
      c.loaded += p.loaded;
      c.rejected += p.rejected;
      execution.counted.set(p.table, c);
    }
    this.executions.set(runId, execution);
    live.emitEvent('queued', { runId });
    this.requestSlot(execution, () => {
      live.state = 'running';
      live.emitEvent('started', { runId });
      execution.child = this.processes.spawn(
        { kind: 'resume', ...job, storeLocation: this.storeLocation, runId },
        () => this.logFor(live),
        (message) => {
          if (message.type === 'event') this.onEvent(execution, message.event);
          else if (message.type === 'report') live.report = message.report;
          else if (message.type === 'failed') execution.failure = message.failure;
        },
      );
      execution.child.once('exit', () => void this.finalize(execution));
    });
    this.logFor(live).info({ by: actor }, 'resume queued');
    return live;
  }

  private executing(runId: string): Execution {
    const execution = this.executions.get(runId);
    if (!execution) throw conflict(`run ${runId} is not executing in this service.`);
    return execution;
  }

  /** Asks a run to stop at its next batch boundary; it ends paused, resumable. */
  pause(runId: string): LiveRun {
    const execution = this.executing(runId);
    const { live } = execution;
    if (live.state === 'stopping') return live;
    if (live.kind === 'run' && live.state === 'queued') {
      throw conflict(`run ${runId} has not started moving data yet; cancel it instead.`);
    }
    if (live.state === 'queued') {
      // A queued resume: leave the run as it is (paused or failed, resumable).
      execution.dequeue?.();
      live.state = 'ended';
      live.emitEvent('end', { runId, outcome: 'paused', error: null });
      this.executions.delete(runId);
      execution.finish();
      this.updateGauges();
      return live;
    }
    live.state = 'stopping';
    this.send(execution, { type: 'pause' });
    return live;
  }

  /**
   * Cancels a run for good: a running one stops at its next batch boundary, a queued one never starts;
   * either way it ends failed ("cancelled by …"). A stored run that is paused or failed is marked the same.
   */
  async cancel(runId: string, actor: string): Promise<void> {
    const execution = this.executions.get(runId);
    if (!execution) {
      const run = await this.options.store.getRun(runId);
      if (!run) throw notFound(`run ${runId}`);
      if (run.status === 'succeeded' || wasCancelled(run)) {
        throw conflict(`run ${runId} has ended (${run.status}); there is nothing to cancel.`);
      }
      if (run.status === 'running' && ownerMayBeAlive(run.owner)) {
        throw conflict(
          `run ${runId} is running in process ${run.owner}, not in this service; pause it there.`,
        );
      }
      const error = `${CANCELLED}${actor}`;
      const report = run.report as RunReport | null;
      await this.options.store.finishRun(
        runId,
        'failed',
        error,
        report && { ...report, status: 'failed', error },
      );
      this.options.metrics.runsTotal.inc({ outcome: 'cancelled' });
      return;
    }
    const { live } = execution;
    live.cancelledBy = actor;
    if (execution.child === null) {
      // A resume still in the queue.
      execution.dequeue?.();
      await this.finalize(execution);
      return;
    }
    live.state = 'stopping';
    this.send(execution, { type: 'cancel' });
  }

  /** Plans a stored migration in a child process (Planning may read the whole source catalogue). */
  async plan(migration: MigrationDefinition): Promise<unknown> {
    const job = { kind: 'plan' as const, ...storedJobSpec(this.options.reach, this.options.box, migration) };
    const log = () => this.options.logger.child({ migrationId: migration.id });
    return this.processes.plan(job, log);
  }

  /** Interrupted runs (their process or the service that ran them crashed or was killed): resumable. */
  async interruptedRuns(): Promise<StoredRun[]> {
    const runs = await this.options.store.listRuns({ limit: 1000 });
    return runs.filter((r) => isInterrupted(r) && !this.executions.has(r.id));
  }

  /** Pauses every run (they end paused, resumable) and waits for their processes to end. */
  async close(): Promise<void> {
    this.closing = true;
    this.slots.close();
    for (const execution of this.executions.values()) {
      if (execution.child) this.send(execution, { type: 'pause' });
      else {
        execution.dequeue?.();
        execution.finish();
      }
    }
    await this.processes.allEnded(SHUTDOWN_GRACE_MS);
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }
}
