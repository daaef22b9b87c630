/**
 * A worker thread's side of the partition boundary (partition-job.ts): takes one job at a time, opens
 * its own source, target and key-index connections, compiles the table's program and runs the
 * partition (run-partition.ts) exactly as the main thread would, asking the run for what lives there:
 * the store (partition status, rejected rows) and the error policy over the whole run's counts.
 */
import { parentPort } from 'node:worker_threads';
import { pinHosts } from '../connectors/pinned-lookups.ts';
import { openSink, openSource } from '../plan/open-connectors.ts';
import { KeyIndex } from '../rules/key-index.ts';
import { FileResolver } from '../spec/file-resolver.ts';
import type { PhaseName } from '../state/run-types.ts';
import { closeConnections } from './cleanup.ts';
import { compileTable, maskingSalt } from './compile-programs.ts';
import { reviveError, transportError } from './error-transport.ts';
import type { BusyTimes, PartitionCall, PartitionJob, RunMessage, WorkerMessage } from './partition-job.ts';
import { specHash } from './spec-hash.ts';
import { runPartition } from './run-partition.ts';

const port = parentPort!;
const send = (message: WorkerMessage) => port.postMessage(message);

let nextCall = 0;
const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
let stop: AbortController | null = null;

/** Asks the run for something and waits for its answer. */
function call(request: PartitionCall): Promise<void> {
  const id = ++nextCall;
  return new Promise<void>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    send({ type: 'call', id, ...request });
  });
}

/** Busy time per phase since it was last sent. */
const busy = new Map<PhaseName, number>();
function takeBusy(): BusyTimes {
  const times = [...busy];
  busy.clear();
  return times;
}

async function execute(job: PartitionJob, signal: AbortSignal) {
  if (specHash(job.spec) !== job.specHash) {
    throw new Error('the job does not carry the spec its run recorded (its hash differs)');
  }
  pinHosts(job.pinnedHosts);
  const files = new FileResolver(job.files);
  const source = await openSource(job.spec.source, files, 'source');
  const sink = await openSink(job.spec.target, files, 'target').catch(async (error: unknown) => {
    await source.close();
    throw error;
  });
  const keyIndex = new KeyIndex(job.keyIndexPath);
  try {
    const compiled = compileTable(job.table, {
      keyIndex,
      lookups: job.lookups,
      salt: maskingSalt(job.spec),
      spec: job.spec,
    });
    return await runPartition({
      ...job,
      source,
      sink,
      keyIndex,
      compiled,
      signal,
      store: {
        savePartition: (runId, progress) => call({ method: 'savePartition', args: [runId, progress] }),
        quarantine: {
          add: (runId, rows, batch) => call({ method: 'addRejects', args: [runId, rows, batch] }),
          deleteAfter: (runId, table, partition, batch) =>
            call({ method: 'takeBackRejects', args: [runId, table, partition, batch] }),
        },
      },
      clock: { addBusy: (phase, ms) => busy.set(phase, (busy.get(phase) ?? 0) + ms) },
      progressed: (checkpoint) => send({ type: 'progressed', checkpoint, busy: takeBusy() }),
      enforcePolicy: () => call({ method: 'enforcePolicy', args: [] }),
      log: (message) => send({ type: 'log', message }),
    });
  } finally {
    keyIndex.close();
    await closeConnections(source, sink);
  }
}

port.on('message', (message: RunMessage) => {
  switch (message.type) {
    case 'job': {
      const controller = new AbortController();
      stop = controller;
      execute(message.job, controller.signal).then(
        (checkpoint) => send({ type: 'done', checkpoint, busy: takeBusy() }),
        (error: unknown) => send({ type: 'failed', error: transportError(error), busy: takeBusy() }),
      );
      break;
    }
    case 'reply': {
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiting?.reject(reviveError(message.error));
      else waiting?.resolve();
      break;
    }
    case 'stop':
      stop?.abort(reviveError(message.reason));
      break;
  }
});
