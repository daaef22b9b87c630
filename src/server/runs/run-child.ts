/**
 * The process that executes one run (or plans one spec) for the service, so that the API's event loop
 * never carries the data path. Forked by the RunManager; talks to it only over IPC (ipc-messages.ts):
 * progress goes up as observer events, pause and cancel come down and abort the run, which then stops
 * at its next batch boundary and ends paused, resumable. Losing the service (the IPC channel closes)
 * stops the run the same way, recorded as interrupted (engine/run-interruption.ts).
 */
import { openSource } from '../../plan/open-connectors.ts';
import { resumeMigration, runMigration } from '../../engine/orchestrator.ts';
import { planWithTarget } from '../../plan/plan-with-target.ts';
import type { RunObserver, TableProgress } from '../../engine/run-observer.ts';
import { SERVICE_WENT_AWAY } from '../../engine/run-interruption.ts';
import { InputError } from '../../core/errors.ts';
import { FileResolver } from '../../spec/file-resolver.ts';
import type { LoadedSpec } from '../../plan/load-spec.ts';
import { validateSpec } from '../../plan/validate-spec.ts';
import type { RunRecord } from '../../state/run-types.ts';
import { StateStore } from '../../state/state-store.ts';
import { parseAllowedHosts } from '../specs/allowed-hosts.ts';
import { misplacedSecretReferences } from '../specs/env-policy.ts';
import { guardHosts } from './host-guard.ts';
import type { ChildFailure, ChildJob, ChildMessage, ParentMessage, RunEvent } from './ipc-messages.ts';

/** Table progress is sent at most this often per table (and always before a phase ends). */
const PROGRESS_INTERVAL_MS = 200;

/** A queued run ended by a cancel before its slot came: nothing was touched in the target. */
class CancelledBeforeStart extends Error {}

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, undefined, () => resolve());
  });
}

/** Sends observer callbacks as events, coalescing table progress. */
function ipcObserver(): RunObserver & { flush(): void } {
  const pending = new Map<string, TableProgress>();
  let timer: NodeJS.Timeout | undefined;
  const event = (e: RunEvent) => void send({ type: 'event', event: e });
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    for (const progress of pending.values()) event({ type: 'table-progress', progress });
    pending.clear();
  };
  return {
    flush,
    planned: (plan) =>
      event({
        type: 'planned',
        tables: plan.tables.map((t) => ({
          table: t.target.name,
          estimatedRows: t.estimatedRows,
          partitions: t.partitions.length,
        })),
        warnings: plan.warnings,
      }),
    phaseStarted: (phase) => event({ type: 'phase-started', phase, at: new Date().toISOString() }),
    phaseFinished: (phase, durationMs) => {
      flush();
      event({ type: 'phase-finished', phase, at: new Date().toISOString(), durationMs });
    },
    tableProgress: (progress) => {
      pending.set(progress.table, progress);
      timer ??= setTimeout(flush, PROGRESS_INTERVAL_MS);
    },
    warning: (message) => event({ type: 'warning', message }),
  };
}

/**
 * The job's spec, validated, with its secrets set in this process's environment: only once each stored
 * secret's reference is known to sit at its own field (a password stored for the source is never
 * referenced by the target), and every database host is allowed (host-guard.ts).
 */
async function loadedSpec(job: ChildJob): Promise<LoadedSpec> {
  const misplaced = misplacedSecretReferences(job.spec);
  if (misplaced.length) throw new InputError(misplaced);
  const spec = validateSpec(job.spec);
  if (job.allowedHosts.length) await guardHosts(spec, parseAllowedHosts(job.allowedHosts));
  Object.assign(process.env, job.secrets);
  return { spec, file: job.specFile, files: new FileResolver(job.files) };
}

async function plan(job: ChildJob): Promise<void> {
  const loaded = await loadedSpec(job);
  const source = await openSource(loaded.spec.source, loaded.files, 'source');
  try {
    await send({ type: 'plan', plan: await planWithTarget(loaded.spec, source, loaded.files) });
  } finally {
    await source.close();
  }
}

async function run(job: ChildJob & { kind: 'run' | 'resume' }, control: Control): Promise<void> {
  const loaded = await loadedSpec(job);
  const store = await StateStore.open(job.storeLocation);
  const observer = ipcObserver();
  try {
    if (job.kind === 'run') {
      // The orchestrator records the run once Planning is done: tell the service its id, then wait for
      // a slot before any data moves (a queued run holds no target table yet).
      const createRun = store.createRun.bind(store);
      store.createRun = async (record: RunRecord) => {
        await createRun({ ...record, migrationId: job.migrationId } as RunRecord);
        await send({ type: 'created', runId: record.id });
        await control.slot;
      };
      const report = await runMigration(loaded, { store, observer, signal: control.abort.signal });
      observer.flush();
      await send({ type: 'report', report });
    } else {
      const report = await resumeMigration(job.runId, {
        store,
        observer,
        signal: control.abort.signal,
        spec: loaded,
      });
      observer.flush();
      await send({ type: 'report', report });
    }
  } finally {
    await store.close();
  }
}

/** How the service steers a run: the slot for a new run, and the abort for pause and cancel. */
interface Control {
  abort: AbortController;
  slot: Promise<void>;
  grant(): void;
  refuse(error: Error): void;
}

function newControl(): Control {
  let grant!: () => void;
  let refuse!: (error: Error) => void;
  const slot = new Promise<void>((resolve, reject) => {
    grant = resolve;
    refuse = reject;
  });
  slot.catch(() => {});
  return { abort: new AbortController(), slot, grant, refuse };
}

function failure(error: unknown): ChildFailure {
  if (error instanceof InputError) {
    return { message: error.message, input: true, problems: error.problems, cancelled: false };
  }
  return {
    message: error instanceof Error ? error.message : String(error),
    input: false,
    problems: [],
    cancelled: error instanceof CancelledBeforeStart,
  };
}

const control = newControl();
let started = false;

process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'start':
      if (started) return;
      started = true;
      void (message.job.kind === 'plan' ? plan(message.job) : run(message.job, control))
        .catch((error: unknown) => send({ type: 'failed', failure: failure(error) }))
        .finally(() => {
          // Connections a failed Planning or a cancelled queued run left open must not keep it alive.
          if (process.connected) process.disconnect();
          process.exit();
        });
      return;
    case 'go':
      control.grant();
      return;
    case 'pause':
    case 'cancel':
      control.refuse(new CancelledBeforeStart('cancelled before the run moved any data.'));
      control.abort.abort(new Error(`${message.type} requested through the service`));
      return;
  }
});

// The service went away (it crashed or was killed; a shutdown sends `pause` first): stop at the next
// batch boundary, paused with an error that marks the run interrupted, and resumable.
process.on('disconnect', () => {
  control.refuse(new CancelledBeforeStart('the service stopped before the run moved any data.'));
  control.abort.abort(new Error(SERVICE_WENT_AWAY));
});
