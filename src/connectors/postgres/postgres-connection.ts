/** Opens the connection pool of a PostgreSQL endpoint and proves it works with a first connection. */
import pg from 'pg';
import type { PostgresEndpoint } from '../../spec/spec-schema.ts';
import { CONNECT_TIMEOUT_MS, connectionFailed } from '../connection-errors.ts';
import { withoutRowValues } from '../database-message.ts';

/**
 * Session settings every connection starts with, so values print in canonical form whatever the
 * server's configuration: ISO dates, UTC offsets, hex bytea, shortest exact floats.
 */
const SESSION_SETTINGS = [
  'DateStyle=ISO,YMD',
  'TimeZone=UTC',
  'IntervalStyle=postgres',
  'bytea_output=hex',
  'extra_float_digits=1',
  'client_encoding=UTF8',
];

/**
 * Loading sessions also commit asynchronously: a batch's COMMIT returns before its WAL reaches the
 * disk. A server crash can lose the last fraction of a second of commits, but never half of one, so
 * a batch and whatever commits with it (its checkpoint) stay consistent; the final DDL of Cleanup
 * commits synchronously and so flushes everything before the run reports success.
 */
const TARGET_SETTINGS = [...SESSION_SETTINGS, 'synchronous_commit=off'];

const options = (settings: string[]) => settings.map((setting) => `-c ${setting}`).join(' ');

/**
 * A pool of at most `poolSize` connections. A first connection is made here: if it fails, an
 * InputError names the connection (never its password) and says what to do.
 */
export async function openPostgresPool(
  endpoint: PostgresEndpoint,
  name: string,
  role: 'source' | 'target',
): Promise<pg.Pool> {
  const config: pg.ClientConfig = {
    host: endpoint.host ?? '127.0.0.1',
    port: endpoint.port ?? 5432,
    user: endpoint.user ?? 'postgres',
    password: endpoint.password,
    database: endpoint.database,
    ssl: endpoint.ssl ? true : undefined,
    options: options(role === 'target' ? TARGET_SETTINGS : SESSION_SETTINGS),
    application_name: `jivs-migrate ${role}`,
  };
  // The first connection is a separate client with a connect timeout: the pool's own timeout would
  // also apply to writers waiting for a free connection, which may rightly wait longer.
  const probe = new pg.Client({ ...config, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  probe.on('error', () => {});
  try {
    await probe.connect();
  } catch (error) {
    throw connectionFailed(name, role, error);
  } finally {
    await probe.end().catch(() => {});
  }
  const pool = new pg.Pool({ ...config, max: endpoint.poolSize ?? 4, idleTimeoutMillis: 60_000 });
  // A connection that dies (server restart, terminated backend) must not crash the process with an
  // unhandled 'error' event: the pool's own listener covers idle connections, this one connections
  // in use, whose running query fails with the same error where it is awaited.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/**
 * A PostgreSQL error's message with its DETAIL and CONTEXT lines (CONTEXT names the COPY row), without
 * the row values they quote.
 */
export function describePostgresError(error: unknown): string {
  const pgError = error as Partial<pg.DatabaseError> & { message?: string };
  const parts = [pgError.message ?? String(error)];
  if (pgError.detail) parts.push(`DETAIL: ${pgError.detail}`);
  if (pgError.where) parts.push(`CONTEXT: ${pgError.where}`);
  return withoutRowValues(parts.join('; '));
}
