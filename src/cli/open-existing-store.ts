/** Opens the store for a command about one run that must exist; never creates a store file. */
import { InputError } from '../errors.ts';
import type { StateStore } from '../state/state-store.ts';
import { withStore, type GlobalOptions } from './cli-context.ts';
import { stateStoreExists, stateStoreLocation } from './state-path.ts';

/** Runs `work` with the store once run `runId` is known to exist in it; a clear InputError otherwise. */
export async function openExistingStore<T>(
  options: GlobalOptions,
  runId: string,
  work: (store: StateStore) => Promise<T>,
): Promise<T> {
  // A PostgreSQL store is not looked for on disk: opening it answers (and its URL is never printed).
  if (!stateStoreExists(options.state)) {
    throw new InputError(
      `no run "${runId}": there is no state store at ${stateStoreLocation(options.state)}.`,
    );
  }
  return withStore(options, async (store) => {
    if (!(await store.getRun(runId))) {
      const known = (await store.listRuns(5)).map((r) => r.id).join(', ');
      throw new InputError(`no run "${runId}" in the state store.${known ? ` Recent runs: ${known}.` : ''}`);
    }
    return work(store);
  });
}
