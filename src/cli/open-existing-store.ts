/** Opens the store for a command about one run that must exist; never creates a store file. */
import { InputError } from '../core/errors.ts';
import type { StateStore } from '../state/state-store.ts';
import { withStore, type GlobalOptions } from './cli-context.ts';
import { stateStoreExists, stateStoreLocation } from './state-path.ts';

/**
 * Runs `work` with the store once the run is known to exist in it; a clear InputError otherwise.
 * Without `runId`, the latest run of the store is meant, and stderr says which one that is (stdout
 * stays the command's output, e.g. an export).
 */
export async function openExistingStore<T>(
  options: GlobalOptions,
  runId: string | undefined,
  work: (store: StateStore, runId: string) => Promise<T>,
): Promise<T> {
  // A PostgreSQL store is not looked for on disk: opening it answers (and its URL is never printed).
  if (!stateStoreExists(options.state)) {
    const which = runId === undefined ? 'no runs' : `no run "${runId}"`;
    throw new InputError(`${which}: there is no state store at ${stateStoreLocation(options.state)}.`);
  }
  return withStore(options, async (store) => {
    if (runId === undefined) {
      const [latest] = await store.listRuns(1);
      if (!latest)
        throw new InputError('there are no runs in the state store yet; run `jivs migrate <spec>` first.');
      process.stderr.write(`run ${latest.id} (${latest.specName}), the latest in the state store\n`);
      return work(store, latest.id);
    }
    if (!(await store.getRun(runId))) {
      const known = (await store.listRuns(5)).map((r) => r.id).join(', ');
      throw new InputError(`no run "${runId}" in the state store.${known ? ` Recent runs: ${known}.` : ''}`);
    }
    return work(store, runId);
  });
}
