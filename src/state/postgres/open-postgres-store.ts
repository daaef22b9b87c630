/**
 * Opens a PostgreSQL store: a pool whose every connection has `search_path` set to the store's schema
 * (created if missing), so all queries, and the migrations, use that schema and no other.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { StateDatabase } from '../database-types.ts';
import type { OpenedStore } from '../opened-store.ts';
import type { PostgresLocation } from '../store-location.ts';

/** int8 (bigint) columns and count(*) come back as numbers: ids and row counts stay far below 2^53. */
const INT8_OID = 20;

const CONNECT_TIMEOUT_MS = 10_000;

const ADVICE: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there; check host and port, and that the server runs',
  ENOTFOUND: 'the host name does not resolve; check the host',
  EAI_AGAIN: 'the host name does not resolve; check the host',
  ETIMEDOUT: 'the connection timed out; check host, port and firewalls',
  '28P01': 'the password was refused',
  '28000': "the server refused this user; check the user and the server's authentication rules",
  '3D000': 'the database does not exist; create it or name another one',
  '42501': 'permission denied; grant the user access',
};

export async function openPostgresStore(location: PostgresLocation): Promise<OpenedStore> {
  const elsewhere = 'point JIVS_DATABASE_URL (or --state) at another database or schema';
  const config: pg.ClientConfig = {
    connectionString: location.connectionString,
    // The schema name is a plain identifier (store-location.ts checks it): no escaping needed.
    options: [location.options, `-c search_path="${location.schema}"`].filter(Boolean).join(' '),
    application_name: 'jivs-migrate state',
    types: { getTypeParser: parseInt8AsNumber },
  };
  // A first connection with a timeout proves the server is there; the pool's own timeout would also
  // apply to queries waiting for a free connection, which may rightly wait longer.
  const probe = new pg.Client({ ...config, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await ensureSchema(probe, location.schema);
  } catch (error) {
    // Never the URL or the driver's error object: either could carry the password.
    throw new Error(
      `the state store ${location.description} cannot be opened: ${describe(error)}. Check JIVS_DATABASE_URL (or --state).`,
    );
  } finally {
    await probe.end().catch(() => {});
  }
  const pool = new pg.Pool({ ...config, max: 10, idleTimeoutMillis: 30_000, allowExitOnIdle: true });
  // A connection that dies (server restart, terminated backend) must not crash the process: the
  // query running on it fails where it is awaited.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return {
    db: new Kysely<StateDatabase>({ dialect: new PostgresDialect({ pool }) }),
    backend: 'postgres',
    description: location.description,
    elsewhere,
    path: null,
    localDir: null,
    schema: location.schema,
  };
}

/**
 * Creates the schema unless it exists. Looks first: CREATE SCHEMA IF NOT EXISTS needs the right to
 * create schemas even when it exists, and two openers may race to create it.
 */
async function ensureSchema(client: pg.Client, schema: string): Promise<void> {
  const exists = async () =>
    (await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1;
  if (await exists()) return;
  try {
    // The name is a plain identifier (store-location.ts checks it), so quoting it is all it needs.
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (error) {
    if (!(await exists())) throw error;
  }
}

function parseInt8AsNumber(oid: number, format?: string): unknown {
  if (oid === INT8_OID && format !== 'binary') return Number;
  return pg.types.getTypeParser(oid, format as 'text');
}

function describe(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const advice = code ? ADVICE[code] : undefined;
  return advice ?? message ?? String(error);
}
