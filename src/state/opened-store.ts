/** What a backend hands the store once its database is open (before the migrations run). */
import type { Kysely } from 'kysely';
import type { StateDatabase } from './database-types.ts';
import type { StoreBackend } from './migrations/column-types.ts';

export interface OpenedStore {
  db: Kysely<StateDatabase>;
  backend: StoreBackend;
  /** How messages name the store: the file path, or `postgres user@host:port/db` (never a password). */
  description: string;
  /** What to change to use another store, for messages: `point --state at another file`. */
  elsewhere: string;
  /** The SQLite file (or `:memory:`); null for PostgreSQL. */
  path: string | null;
  /** The directory of the SQLite file, for files kept beside it; null in memory and on PostgreSQL. */
  localDir: string | null;
  /** On PostgreSQL, the schema holding the tables. */
  schema: string | null;
}
