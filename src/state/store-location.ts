/**
 * Where a control-plane store lives: a SQLite file (or `:memory:`), or a PostgreSQL database given by
 * a `postgres://` / `postgresql://` URL whose optional `?schema=` selects the schema (default `public`).
 */
import { userInfo } from 'node:os';

/** A SQLite store: a file path, or `:memory:`. */
export interface SqliteLocation {
  backend: 'sqlite';
  path: string;
  /** How messages name the store: its path. */
  description: string;
}

/** A PostgreSQL store: the connection (without `schema`) and the schema holding the tables. */
export interface PostgresLocation {
  backend: 'postgres';
  /** The URL as pg takes it, without the `schema` parameter; holds the password, so never print it. */
  connectionString: string;
  /** Extra `options` the URL asked for (`?options=-c …`), kept ahead of the store's own. */
  options: string | null;
  schema: string;
  /** How messages name the store, never with the password: `postgres user@host:port/db`. */
  description: string;
}

export type StoreLocation = SqliteLocation | PostgresLocation;

/** Schema names the store accepts: plain identifiers, so they need no quoting rules beyond `"…"`. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** True for a `postgres://` or `postgresql://` URL (what {@link parseStoreLocation} opens as PostgreSQL). */
export function isDatabaseUrl(location: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(location);
}

/**
 * Reads a store location. Throws (with a message that never repeats the URL, which may hold a
 * password) when a PostgreSQL URL is malformed or names an unusable schema.
 */
export function parseStoreLocation(location: string): StoreLocation {
  if (!isDatabaseUrl(location)) return { backend: 'sqlite', path: location, description: location };
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    // Node's error carries the input (and so the password): say what is wrong without it.
    throw new Error(
      'the state store URL is not a valid URL; expected postgres://user:password@host:port/database?schema=name.',
    );
  }
  const schema = url.searchParams.get('schema') ?? 'public';
  url.searchParams.delete('schema');
  const options = url.searchParams.get('options');
  url.searchParams.delete('options');
  const description = describePostgres(url);
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(
      `the state store ${description} names the schema "${schema}"; use letters, digits and _ (at most 63, not starting with a digit).`,
    );
  }
  const suffix = schema === 'public' ? '' : ` (schema ${schema})`;
  return {
    backend: 'postgres',
    connectionString: url.toString(),
    options,
    schema,
    description: `${description}${suffix}`,
  };
}

/** `postgres user@host:port/db`, with the defaults pg would use where the URL leaves them out. */
function describePostgres(url: URL): string {
  const user = decodeURIComponent(url.username) || process.env.PGUSER || safeUserName();
  const host = url.hostname || process.env.PGHOST || 'localhost';
  const port = url.port || process.env.PGPORT || '5432';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || process.env.PGDATABASE || user;
  return `postgres ${user}@${host}:${port}/${database}`;
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'postgres';
  }
}
