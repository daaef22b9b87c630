/**
 * The store backends every store test runs against: SQLite in a temp file, and PostgreSQL (local
 * server, `$JIVS_TEST_STATE_DATABASE_URL` or the PostgreSQL of test/support/databases.ts) in a schema
 * of its own per test, dropped after it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { StateStore } from '../../src/state/state-store.ts';
import { POSTGRES } from '../support/databases.ts';
import { tempDir } from '../support/temp-dir.ts';

/** The PostgreSQL server the store tests use, as a store URL (without a schema). */
export const POSTGRES_URL = process.env.JIVS_TEST_STATE_DATABASE_URL ?? defaultPostgresUrl();

function defaultPostgresUrl(): string {
  const url = new URL('postgres://host');
  url.hostname = POSTGRES.host;
  url.port = String(POSTGRES.port);
  url.username = POSTGRES.user;
  if (POSTGRES.password !== undefined) url.password = POSTGRES.password;
  url.pathname = `/${POSTGRES.database}`;
  return url.toString();
}

/** How a store at {@link POSTGRES_URL} names its server in messages (`postgres user@host:port/db`). */
export function postgresStoreDescription(user?: string): string {
  const url = new URL(POSTGRES_URL);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return `postgres ${user ?? decodeURIComponent(url.username)}@${url.hostname}:${url.port || '5432'}/${database}`;
}

export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  /** Where a new, empty store may be opened; removed after the test. */
  location(t: TestContext): Promise<string>;
  /** Runs SQL on the store's tables from outside the store (to inspect or tamper with it). */
  query(location: string, text: string): Promise<Record<string, unknown>[]>;
  /** The tables of the store, by name. */
  tables(location: string): Promise<string[]>;
  /** A Kysely instance on the store's tables, outside the store (to run migrations by hand); destroy it. */
  kysely(location: string): Kysely<unknown>;
}

const sqlite: StoreBackend = {
  name: 'sqlite',
  async location(t) {
    const dir = await tempDir('jivs-state-', t);
    return join(dir, 'state', 'jivs-state.db');
  },
  async query(location, text) {
    const db = new Database(location);
    try {
      const statement = db.prepare(text);
      if (statement.reader) return statement.all() as Record<string, unknown>[];
      statement.run();
      return [];
    } finally {
      db.close();
    }
  },
  async tables(location) {
    const rows = await this.query(
      location,
      `SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`,
    );
    return rows.map((r) => r.name as string);
  },
  kysely(location) {
    mkdirSync(dirname(location), { recursive: true });
    return new Kysely({ dialect: new SqliteDialect({ database: new Database(location) }) });
  },
};

const postgres: StoreBackend = {
  name: 'postgres',
  async location(t) {
    const schema = `jivs_state_test_${randomBytes(6).toString('hex')}`;
    t.after(() => withClient(null, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)));
    return withSchema(POSTGRES_URL, schema);
  },
  async query(location, text) {
    return withClient(schemaOf(location), async (client) => (await client.query(text)).rows);
  },
  async tables(location) {
    const schema = schemaOf(location);
    return withClient(null, async (client) => {
      const { rows } = await client.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
        [schema],
      );
      return rows.map((r) => r.name);
    });
  },
  kysely(location) {
    const schema = schemaOf(location);
    const pool = new pg.Pool({
      connectionString: POSTGRES_URL,
      options: `-c search_path="${schema}"`,
      max: 1,
    });
    return new Kysely({ dialect: new PostgresDialect({ pool }) });
  },
};

export const BACKENDS: StoreBackend[] = [sqlite, postgres];

/** Opens a store at a fresh location of the backend (or at `location`), closed after the test. */
export async function openStore(
  backend: StoreBackend,
  t: TestContext,
  location?: string,
): Promise<StateStore> {
  const store = await StateStore.open(location ?? (await backend.location(t)));
  t.after(() => store.close());
  return store;
}

/** The URL with `?schema=` set. */
export function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

function schemaOf(location: string): string {
  return new URL(location).searchParams.get('schema') ?? 'public';
}

async function withClient<T>(schema: string | null, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: POSTGRES_URL,
    ...(schema && { options: `-c search_path="${schema}"` }),
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
