/**
 * A database of its own for one test file on the local MariaDB/MySQL server (test/support/databases.ts:
 * 127.0.0.1:3306, root, no password; override with JIVS_TEST_MYSQL_HOST/PORT/USER/PASSWORD), dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import type { MysqlEndpoint } from '../../../src/spec/spec-schema.ts';
import { MYSQL } from '../../support/databases.ts';

export interface TestDatabase {
  name: string;
  /** An endpoint for the connector, as a resolved spec would give it. */
  endpoint: MysqlEndpoint;
  /** The printable connection description passed to the connector. */
  description: string;
  /** An admin connection in the database: several statements per call, big numbers as strings. */
  admin: Connection;
  /** Runs SQL (several statements allowed). */
  exec(sql: string): Promise<void>;
  /** The rows of a query, as objects. */
  query<T = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** The MariaDB/MySQL server of the tests (see test/support/databases.ts). */
export const SERVER = MYSQL;

/** Creates `jivs_test_<random>` and returns handles on it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `jivs_test_${randomBytes(4).toString('hex')}`;
  const connectionOptions = {
    host: SERVER.host,
    port: SERVER.port,
    user: SERVER.user,
    ...(SERVER.password === undefined ? {} : { password: SERVER.password }),
  };
  const bootstrap = await mysql.createConnection(connectionOptions);
  await bootstrap.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await bootstrap.end();
  const admin = await mysql.createConnection({
    ...connectionOptions,
    database: name,
    charset: 'utf8mb4',
    multipleStatements: true,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    jsonStrings: true,
    timezone: 'Z',
  });
  await admin.query(`SET time_zone = '+00:00'`);
  return {
    name,
    endpoint: {
      type: 'mysql',
      host: SERVER.host,
      port: SERVER.port,
      user: SERVER.user,
      ...(SERVER.password === undefined ? {} : { password: SERVER.password }),
      database: name,
    },
    description: `mysql ${SERVER.user}@${SERVER.host}:${SERVER.port}/${name}`,
    admin,
    exec: async (sql) => {
      await admin.query(sql);
    },
    query: async <T>(sql: string, values: unknown[] = []) => {
      const [rows] = await admin.query(sql, values);
      return rows as T[];
    },
    drop: async () => {
      // A connection left behind by a failed test would hold locks that block DROP DATABASE (and with
      // it every information_schema query of other sessions): end them first.
      const [others] = await admin.query(
        'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
        [name],
      );
      for (const { id } of others as { id: number | string }[]) {
        await admin.query(`KILL CONNECTION ${Number(id)}`).catch(() => {});
      }
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
