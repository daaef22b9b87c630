import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import pg from 'pg';
import { openPostgresSink, openPostgresSource } from '../../../src/connectors/postgres/index.ts';
import { InputError } from '../../../src/core/errors.ts';
import { postgresEndpoint, SERVER } from './postgres-test-schema.ts';
import { postgresDescription } from '../../support/databases.ts';

const SECRET = 'not-the-real-pw-3141';

/** A TCP port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function assertConnectionError(
  error: unknown,
  role: 'source' | 'target',
  name: string,
  advice: RegExp,
): true {
  assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
  assert.equal(error.problems[0]?.path, role);
  assert.ok(error.message.includes(`cannot connect to ${name}`), error.message);
  assert.match(error.message, advice);
  assert.ok(!error.message.includes(SECRET), 'the password must not appear');
  assert.ok(!JSON.stringify(error.problems).includes(SECRET));
  return true;
}

describe('PostgreSQL connection errors', () => {
  it('names the connection and says nothing listens on a wrong port (source and target)', async () => {
    const port = await closedPort();
    const endpoint = postgresEndpoint('public', { port, password: SECRET });
    const name = `postgres ${SERVER.user}@${SERVER.host}:${port}/${SERVER.database}`;
    await assert.rejects(openPostgresSource(endpoint, name), (e) =>
      assertConnectionError(e, 'source', name, /nothing is listening/),
    );
    await assert.rejects(openPostgresSink(endpoint, name), (e) =>
      assertConnectionError(e, 'target', name, /nothing is listening/),
    );
  });

  it('says a missing database does not exist', async () => {
    const endpoint = postgresEndpoint('public', { database: 'jivs_no_such_database', password: SECRET });
    const name = postgresDescription('jivs_no_such_database');
    await assert.rejects(openPostgresSink(endpoint, name), (e) =>
      assertConnectionError(e, 'target', name, /database does not exist/),
    );
  });

  it('says an unknown host does not resolve', async () => {
    const endpoint = postgresEndpoint('public', { host: 'no-such-host.invalid', password: SECRET });
    await assert.rejects(openPostgresSource(endpoint, 'pg-bad-host'), (e) =>
      assertConnectionError(e, 'source', 'pg-bad-host', /does not resolve/),
    );
  });
});

describe('PostgreSQL target permissions', () => {
  it('refuses, before any data moves, a user who may not create tables in the target schema', async () => {
    const role = `jivs_ro_${process.pid}`;
    const schema = `jivs_locked_${process.pid}`;
    const admin = new pg.Client(SERVER);
    await admin.connect();
    try {
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.query(`CREATE ROLE ${role} LOGIN`);
      await admin.query(`CREATE SCHEMA ${schema}`);
      const name = `postgres ${role}@${SERVER.host}:${SERVER.port}/${SERVER.database}`;
      for (const [target, advice] of [
        [schema, /may not create tables in schema "jivs_locked_\d+"; grant it \(GRANT CREATE ON SCHEMA/],
        [`${schema}_missing`, /create the schema first/],
      ] as const) {
        await assert.rejects(
          openPostgresSink(postgresEndpoint(target, { user: role }), name),
          (error: unknown) =>
            error instanceof InputError &&
            error.problems[0]?.path === 'target.schema' &&
            error.message.includes(`permission denied on ${name}`) &&
            advice.test(error.message),
        );
      }
      const tables = await admin.query(`SELECT 1 FROM pg_tables WHERE schemaname = $1`, [schema]);
      assert.equal(tables.rowCount, 0, 'nothing was written');
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  });
});
