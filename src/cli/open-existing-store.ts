/** Opens the store for a command about one run that must exist; never creates a store. */
import { existsSync } from 'node:fs';
import { InputError } from '../errors.ts';
import type { StateStore } from '../state/state-store.ts';
import { withStore, type GlobalOptions } from './cli-context.ts';
import { stateStorePath } from './state-path.ts';

/** Runs `work` with the store once run `runId` is known to exist in it; a clear InputError otherwise. */
export async function openExistingStore<T>(
  options: GlobalOptions,
  runId: string,
  work: (store: StateStore) => Promise<T>,
): Promise<T> {
  const path = stateStorePath(options.state);
  if (!existsSync(path)) throw new InputError(`no run "${runId}": there is no state store at ${path}.`);
  return withStore(options, async (store) => {
    if (!(await store.getRun(runId))) {
      const known = (await store.listRuns(5)).map((r) => r.id).join(', ');
      throw new InputError(`no run "${runId}" in the state store.${known ? ` Recent runs: ${known}.` : ''}`);
    }
    return work(store);
  });
}
