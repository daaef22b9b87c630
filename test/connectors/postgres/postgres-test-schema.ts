/**
 * Test support: each test file works in its own schema with a random name on the local server
 * (test/support/databases.ts: 127.0.0.1:5432, user postgres, database test unless overridden), dropped
 * again at the end.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PostgresEndpoint } from '../../../src/spec/spec-schema.ts';
import { POSTGRES } from '../../support/databases.ts';

/** The PostgreSQL server of the tests (see test/support/databases.ts). */
export const SERVER = POSTGRES;

export function postgresEndpoint(schema: string, extra: Partial<PostgresEndpoint> = {}): PostgresEndpoint {
  return { type: 'postgres', ...SERVER, schema, ...extra };
}

export interface TestSchema {
  /** The schema's name, e.g. `jivs_t_3fa9c2d1`. */
  name: string;
  /** A pool outside the code under test, for setting up and looking at tables. */
  admin: pg.Pool;
  /** Runs SQL with the schema first on the search path; returns the rows. */
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** Creates a fresh schema; call drop() at the end (e.g. in after()). */
export async function createTestSchema(prefix = 'jivs_t'): Promise<TestSchema> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Pool({ ...SERVER, max: 2, options: `-c search_path=${name},public -c TimeZone=UTC` });
  await admin.query(`CREATE SCHEMA ${name}`);
  return {
    name,
    admin,
    sql: async (text, values) => (await admin.query(text, values)).rows,
    drop: async () => {
      await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await admin.end();
    },
  };
}
