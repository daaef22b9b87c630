/**
 * Where the control-plane store lives: `$JIVS_DATABASE_URL` (a PostgreSQL store) when set, else
 * `--state`, else `$JIVS_STATE`, else `.jivs/state.db` here.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDatabaseUrl } from '../state/store-location.ts';

/**
 * The store to open, as `StateStore.open` takes it: a `postgres://` URL (which may hold a password:
 * never print it), or an absolute SQLite file path. `--state` may also be a URL.
 */
export function stateStoreLocation(option: string | undefined): string {
  const url = process.env.JIVS_DATABASE_URL?.trim();
  if (url) return url;
  const location = option ?? process.env.JIVS_STATE ?? '.jivs/state.db';
  return isDatabaseUrl(location) ? location : resolve(location);
}

/**
 * Whether there may be a store to read without creating one: a SQLite file that exists, or any
 * PostgreSQL URL (the database is there to be asked).
 */
export function stateStoreExists(option: string | undefined): boolean {
  const location = stateStoreLocation(option);
  return isDatabaseUrl(location) || existsSync(location);
}
