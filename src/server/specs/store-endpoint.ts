/**
 * A service whose control-plane store is in PostgreSQL must not run a spec whose source or target is
 * that store's schema: reading it copies every user's password hash, writing it adds users or replaces
 * the audit log. Hosts are compared by name with the loopback names taken as one; a name that leads to
 * the same server another way is what `JIVS_ALLOWED_HOSTS` and the store's own credentials are for.
 */
import type { InputProblem } from '../../core/errors.ts';
import type { MigrationSpec } from '../../spec/spec-schema.ts';
import type { StoreLocation } from '../../state/store-location.ts';

/** Where a PostgreSQL store is: what an endpoint would have to name to reach it. */
export interface StoreAddress {
  host: string;
  port: number;
  database: string;
  schema: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '']);

function sameHost(a: string, b: string): boolean {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x === y || (LOOPBACK.has(x) && LOOPBACK.has(y));
}

/** The address of a PostgreSQL store, or null for a SQLite one (its file is guarded by the FileResolver). */
export function storeAddress(location: StoreLocation): StoreAddress | null {
  if (location.backend !== 'postgres') return null;
  const url = new URL(location.connectionString);
  return {
    host: url.hostname || process.env.PGHOST || 'localhost',
    port: Number(url.port || process.env.PGPORT || 5432),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || process.env.PGDATABASE || '',
    schema: location.schema,
  };
}

/** Problems for each endpoint of `spec` that names the store's schema. */
export function storeEndpointProblems(spec: MigrationSpec, store: StoreAddress | null): InputProblem[] {
  if (!store) return [];
  const problems: InputProblem[] = [];
  for (const name of ['source', 'target'] as const) {
    const endpoint = spec[name];
    if (endpoint.type !== 'postgres') continue;
    const reaches =
      sameHost(endpoint.host ?? '127.0.0.1', store.host) &&
      (endpoint.port ?? 5432) === store.port &&
      (store.database === '' || endpoint.database === store.database) &&
      (endpoint.schema ?? 'public') === store.schema;
    if (reaches) {
      problems.push({
        path: name,
        message:
          "names the schema of the service's own store (JIVS_DATABASE_URL); use another database or schema for data.",
      });
    }
  }
  return problems;
}
