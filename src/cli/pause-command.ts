/** `jivs pause <run>`: asks the process executing a run to stop at its next batch boundary. */
import { setTimeout as sleep } from 'node:timers/promises';
import { MigrationFailedError } from '../core/errors.ts';
import type { GlobalOptions } from './cli-context.ts';
import { EXIT_SUCCESS } from './exit-codes.ts';
import { openExistingStore } from './open-existing-store.ts';

export interface PauseOptions extends GlobalOptions {
  /** Seconds to wait for the run to stop (0: do not wait). */
  wait: number;
}

export async function pauseCommand(runId: string, options: PauseOptions): Promise<number> {
  return openExistingStore(options, runId, async (store) => {
    const run = (await store.getRun(runId))!;
    if (run.status !== 'running') {
      process.stdout.write(`run ${runId} is ${run.status}; there is nothing to pause.\n`);
      return EXIT_SUCCESS;
    }
    await store.requestControl(runId, 'pause');
    process.stdout.write(`pause requested: run ${runId} stops at its next batch boundary.\n`);
    const deadline = Date.now() + options.wait * 1000;
    while (Date.now() < deadline) {
      await sleep(200);
      const now = (await store.getRun(runId))!;
      if (now.status !== 'running') {
        const next =
          now.status === 'succeeded'
            ? ' (it ended before the pause took effect)'
            : `; continue it with \`jivs resume ${runId}\``;
        process.stdout.write(`run ${runId} is ${now.status}${next}.\n`);
        return EXIT_SUCCESS;
      }
    }
    if (options.wait > 0) {
      throw new MigrationFailedError(
        `run ${runId} did not stop within ${options.wait} s; is its process (${run.owner}) still alive? A crashed run can be resumed directly.`,
      );
    }
    return EXIT_SUCCESS;
  });
}
