/**
 * A pool of worker threads that run partition jobs (partition-job.ts, partition-worker.ts), one job per
 * thread at a time, so the rows' work is spread over the machine's cores while the main thread only
 * orchestrates: it answers the partitions' calls on the run's store and error policy, takes their
 * progress and stays free for Ctrl-C, pause and the service's events.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MigrationFailedError } from '../core/errors.ts';
import type { PartitionCheckpoint } from './checkpoints.ts';
import { reviveError, transportError } from './error-transport.ts';
import type { BusyTimes, PartitionCall, PartitionJob, RunMessage, WorkerMessage } from './partition-job.ts';
import type { PartitionRun } from './run-partition.ts';

/** The worker's module, next to this one (`.ts` under tsx, `.js` when built). */
const WORKER_URL = new URL(`./partition-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/**
 * Starts a thread running the worker module. From the TypeScript sources (under tsx: tests, `npm run
 * jivs`), a thread does not inherit the loader `--import tsx` registered, so it registers tsx first.
 */
function startWorker(): Worker {
  if (!WORKER_URL.pathname.endsWith('.ts')) return new Worker(WORKER_URL);
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(code, { eval: true });
}

/** What lives on the run's side of one partition: where its calls and messages go. */
export type PartitionHost = Pick<PartitionRun, 'store' | 'clock' | 'progressed' | 'enforcePolicy' | 'log'>;

export class PartitionThreads {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();

  /** @param size the most threads the pool starts (the run's parallelism). */
  constructor(private readonly size: number) {}

  /** Runs one partition job on a thread; resolves with its final checkpoint, or null when it was stopped. */
  async run(
    job: PartitionJob,
    host: PartitionHost,
    signal: AbortSignal,
  ): Promise<PartitionCheckpoint | null> {
    const worker = this.take();
    const post = (message: RunMessage) => worker.postMessage(message);
    const addBusy = (times: BusyTimes) => times.forEach(([phase, ms]) => host.clock.addBusy(phase, ms));
    let settle!: { resolve(checkpoint: PartitionCheckpoint | null): void; reject(error: Error): void };
    const outcome = new Promise<PartitionCheckpoint | null>(
      (resolve, reject) => (settle = { resolve, reject }),
    );
    const onMessage = (message: WorkerMessage) => {
      switch (message.type) {
        case 'call':
          Promise.resolve()
            .then(() => this.perform(host, message))
            .then(
              () => post({ type: 'reply', id: message.id, error: null }),
              (error: unknown) => post({ type: 'reply', id: message.id, error: transportError(error) }),
            );
          break;
        case 'progressed':
          addBusy(message.busy);
          host.progressed(message.checkpoint);
          break;
        case 'log':
          host.log(message.message);
          break;
        case 'done':
          addBusy(message.busy);
          settle.resolve(message.checkpoint);
          break;
        case 'failed':
          addBusy(message.busy);
          settle.reject(reviveError(message.error));
          break;
      }
    };
    const where = `the thread running ${job.table.target.name}, partition ${job.index + 1}/${job.table.partitions.length}`;
    const onError = (error: Error) =>
      settle.reject(new MigrationFailedError(`${where} failed: ${error.message}`));
    const onExit = (code: number) =>
      settle.reject(new MigrationFailedError(`${where} ended (exit code ${code})`));
    const onStop = () => post({ type: 'stop', reason: transportError(signal.reason) });
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    post({ type: 'job', job });
    if (signal.aborted) onStop();
    else signal.addEventListener('abort', onStop, { once: true });
    try {
      return await outcome;
    } finally {
      signal.removeEventListener('abort', onStop);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      // A thread that failed by itself (not its job) has ended and left the pool.
      if (this.all.has(worker)) this.idle.push(worker);
    }
  }

  /** Answers one call of a partition on the run's side. */
  private perform(host: PartitionHost, call: PartitionCall): unknown {
    switch (call.method) {
      case 'savePartition':
        return host.store.savePartition(...call.args);
      case 'addRejects':
        return host.store.quarantine.add(...call.args);
      case 'takeBackRejects':
        return host.store.quarantine.deleteAfter(...call.args);
      case 'enforcePolicy':
        return host.enforcePolicy();
    }
  }

  private take(): Worker {
    const worker = this.idle.pop();
    if (worker) return worker;
    if (this.all.size >= this.size) throw new Error('internal: more partitions at a time than threads');
    const started = startWorker();
    this.all.add(started);
    started.once('exit', () => {
      this.all.delete(started);
      const at = this.idle.indexOf(started);
      if (at >= 0) this.idle.splice(at, 1);
    });
    return started;
  }

  /** Ends every thread. */
  async close(): Promise<void> {
    await Promise.all([...this.all].map((worker) => worker.terminate()));
  }
}
