/** Shared plumbing of the commands: output mode and the store. */
import { StateStore } from '../state/state-store.ts';
import { stateStoreLocation } from './state-path.ts';

export interface GlobalOptions {
  /** `--state`: the SQLite store file (or a PostgreSQL URL); `$JIVS_DATABASE_URL` wins over it. */
  state?: string;
}

/** Opens the store (see state-path.ts for which), runs `work`, and closes it whatever happens. */
export async function withStore<T>(
  options: GlobalOptions,
  work: (store: StateStore) => Promise<T>,
): Promise<T> {
  const store = await StateStore.open(stateStoreLocation(options.state));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Writes a value as pretty JSON on stdout (bigint as string). */
export function printJson(value: unknown): void {
  process.stdout.write(
    `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
  );
}
