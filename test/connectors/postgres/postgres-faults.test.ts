/**
 * Real PostgreSQL faults, produced on the local server, classified by isTransientError and named by
 * describeFault: terminated backends (pg_terminate_backend) during a query and during a COPY of the
 * real COPY writer, refused and failed connections, lock and serialization conflicts, and the
 * permanent ones (bad SQL, missing table, no permission, bad data, a cancelled statement).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { ColumnSchema, TableSchema } from '../../../src/connectors/connector.ts';
import { openPostgresPool } from '../../../src/connectors/postgres/postgres-connection.ts';
import { openCopyWriter } from '../../../src/connectors/postgres/postgres-copy-writer.ts';
import { waitFor } from '../mysql/mysql-test-database.ts';
import { assertVerdict, closedPort, misbehavingServer, rejection } from '../fault-helpers.ts';
import { createTestSchema, postgresEndpoint, SERVER, type TestSchema } from './postgres-test-schema.ts';

describe('PostgreSQL faults', () => {
  let schema: TestSchema;
  const clients: pg.Client[] = [];

  before(async () => {
    schema = await createTestSchema('jivs_faults');
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => {})));
    await schema.drop();
  });

  /** A connected client whose 'error' events (a terminated backend) are expected. */
  async function connect(config: pg.ClientConfig = {}): Promise<pg.Client> {
    const client = new pg.Client({ ...SERVER, ...config });
    client.on('error', () => {});
    await client.connect();
    clients.push(client);
    return client;
  }

  async function backendPid(client: pg.Client): Promise<number> {
    return (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  }

  /** Waits until backend `pid` runs a statement matching `pattern` (and waits on `waitEvent`). */
  async function whenRunning(pid: number, pattern: string, waitEvent = '%'): Promise<void> {
    await waitFor(
      async () =>
        (
          await schema.sql(
            `SELECT 1 FROM pg_stat_activity
             WHERE pid = $1 AND state = 'active' AND query LIKE $2 AND coalesce(wait_event, '') LIKE $3`,
            [pid, pattern, waitEvent],
          )
        ).length > 0,
      `backend ${pid} to run ${pattern}`,
    );
  }

  /** A statement started on `client`, its rejection marked handled until awaited. */
  function start(client: pg.Client, sql: string): Promise<unknown> {
    const running = client.query(sql);
    running.catch(() => {});
    return running;
  }

  it('a backend terminated during a query: 57P01, then "Connection terminated unexpectedly"', async () => {
    const client = await connect();
    const pid = await backendPid(client);
    const sleeping = start(client, 'SELECT pg_sleep(5)');
    await whenRunning(pid, 'SELECT pg_sleep%');
    await schema.sql('SELECT pg_terminate_backend($1)', [pid]);

    const error = await rejection(sleeping);
    assert.equal(error.code, '57P01');
    assert.equal(error.message, 'terminating connection due to administrator command');
    assertVerdict(error, true, 'the target connection was terminated by the server (57P01)', 'target');

    // The client is dead; what the next query says depends on how far pg got closing it.
    const next = await rejection(client.query('SELECT 1'));
    assert.ok(
      [
        'Connection terminated unexpectedly',
        'Client has encountered a connection error and is not queryable',
      ].includes(next.message),
      next.message,
    );
    assertVerdict(next, true, /^the connection (closed unexpectedly|had already failed) \("/);
  });

  it('a backend terminated in the middle of a COPY of the real COPY writer: 57P01 under "loading … failed"', async () => {
    // A row trigger stalls the COPY at row 500, so it is surely in progress when terminated.
    await schema.sql(`CREATE TABLE copy_target (id bigint, label text)`);
    await schema.sql(`CREATE FUNCTION stall_copy() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = 500 THEN PERFORM pg_sleep(20); END IF; RETURN NEW; END $$`);
    await schema.sql(
      `CREATE TRIGGER stall BEFORE INSERT ON copy_target FOR EACH ROW EXECUTE FUNCTION stall_copy()`,
    );
    const application = `jivs-faults-copy-${randomBytes(4).toString('hex')}`;
    const pool = new pg.Pool({ ...SERVER, max: 1, application_name: application });
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    const column = (name: string, kind: 'bigint' | 'text'): ColumnSchema => ({
      name,
      nativeType: kind,
      type: { kind } as ColumnSchema['type'],
      nullable: true,
      defaultValue: null,
    });
    const table: TableSchema = {
      name: 'copy_target',
      columns: [column('id', 'bigint'), column('label', 'text')],
      primaryKey: [],
      indexes: [],
      foreignKeys: [],
    };
    try {
      const writer = openCopyWriter(pool, schema.name, table);
      const batch = Array.from({ length: 1000 }, (_, i) => [i, `row ${i}`]);
      const writing = writer.write(batch);
      writing.catch(() => {});
      let pid = 0;
      await waitFor(async () => {
        const [row] = await schema.sql<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'COPY%'
           AND wait_event = 'PgSleep'`,
          [application],
        );
        pid = row?.pid ?? 0;
        return pid > 0;
      }, 'the COPY to stall');
      await schema.sql('SELECT pg_terminate_backend($1)', [pid]);

      const error = await rejection(writing);
      assert.match(
        error.message,
        /^loading 1000 rows into "copy_target" failed: terminating connection due to administrator command/,
      );
      assert.equal((error.cause as { code?: string }).code, '57P01');
      assertVerdict(error, true, 'the target connection was terminated by the server (57P01)', 'target');
      assert.deepEqual(await schema.sql('SELECT count(*)::int AS n FROM copy_target'), [{ n: 0 }]);
    } finally {
      await pool.end();
    }
  });

  it('connection refused on a closed port: ECONNREFUSED', async () => {
    const port = await closedPort();
    const error = await rejection(new pg.Client({ ...SERVER, port }).connect());
    assert.equal(error.code, 'ECONNREFUSED');
    assertVerdict(error, true, 'connection refused (server down or restarting) (ECONNREFUSED)');
    const pool = new pg.Pool({ ...SERVER, port });
    const fromPool = await rejection(pool.query('SELECT 1'));
    await pool.end();
    assert.equal(fromPool.code, 'ECONNREFUSED');
    assertVerdict(
      fromPool,
      true,
      'source connection refused (server down or restarting) (ECONNREFUSED)',
      'source',
    );
  });

  it('the first connection of the connector is an InputError, permanent even when refused', async () => {
    const port = await closedPort();
    const error = await rejection(
      openPostgresPool(postgresEndpoint('public', { port }), 'pg test', 'target'),
    );
    assert.equal(error.name, 'InputError');
    assert.equal((error.cause as { code?: string }).code, 'ECONNREFUSED');
    assertVerdict(error, false, /^target: cannot connect to pg test: nothing is listening there/);
  });

  it('a server that resets the connection: ECONNRESET; one that never answers: connect timeouts', async () => {
    const reset = await misbehavingServer('reset');
    const silent = await misbehavingServer('silent');
    try {
      const resetError = await rejection(new pg.Client({ ...SERVER, port: reset.port }).connect());
      assert.equal(resetError.code, 'ECONNRESET');
      assertVerdict(resetError, true, 'the connection was reset (server or network dropped it) (ECONNRESET)');

      const client = new pg.Client({ ...SERVER, port: silent.port, connectionTimeoutMillis: 100 });
      client.on('error', () => {});
      const clientTimeout = await rejection(client.connect());
      assert.equal(clientTimeout.message, 'timeout expired');
      assertVerdict(clientTimeout, true, 'connecting timed out ("timeout expired")');

      const pool = new pg.Pool({ ...SERVER, port: silent.port, connectionTimeoutMillis: 100 });
      pool.on('error', () => {});
      const poolTimeout = await rejection(pool.query('SELECT 1'));
      await pool.end();
      assert.equal(poolTimeout.message, 'Connection terminated due to connection timeout');
      assertVerdict(poolTimeout, true, /^connecting timed out/);
    } finally {
      await reset.close();
      await silent.close();
    }
  });

  it('lock, serialization and deadlock conflicts: 55P03, 40001, 40P01', async () => {
    await schema.sql('CREATE TABLE contended (id int PRIMARY KEY, v int)');
    await schema.sql('INSERT INTO contended VALUES (1, 0), (2, 0)');
    const table = `${schema.name}.contended`;
    const [a, b] = [await connect(), await connect()];
    const pidOfA = await backendPid(a);

    await a.query('BEGIN');
    await a.query(`SELECT * FROM ${table} WHERE id = 1 FOR UPDATE`);
    await b.query('BEGIN');
    const nowait = await rejection(b.query(`SELECT * FROM ${table} WHERE id = 1 FOR UPDATE NOWAIT`));
    assert.equal(nowait.code, '55P03');
    assertVerdict(nowait, true, 'a lock could not be obtained in time (55P03)');
    await b.query('ROLLBACK');
    await b.query(`BEGIN; SET LOCAL lock_timeout = '50ms'`);
    const lockTimeout = await rejection(b.query(`UPDATE ${table} SET v = 1 WHERE id = 1`));
    assert.equal(lockTimeout.code, '55P03');
    assert.equal(lockTimeout.message, 'canceling statement due to lock timeout');
    await b.query('ROLLBACK');
    await a.query('ROLLBACK');

    for (const client of [a, b]) {
      await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      await client.query(`SELECT sum(v) FROM ${table}`);
    }
    await a.query(`UPDATE ${table} SET v = 1 WHERE id = 1`);
    await b.query(`UPDATE ${table} SET v = 1 WHERE id = 2`);
    await a.query('COMMIT');
    const serialization = await rejection(b.query('COMMIT'));
    assert.equal(serialization.code, '40001');
    assertVerdict(serialization, true, 'the transaction hit a serialization failure (40001)');
    await b.query('ROLLBACK');

    await b.query(`SET deadlock_timeout = '50ms'`);
    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query(`UPDATE ${table} SET v = 2 WHERE id = 1`);
    await b.query(`UPDATE ${table} SET v = 2 WHERE id = 2`);
    const waiting = start(a, `UPDATE ${table} SET v = 3 WHERE id = 2`);
    await whenRunning(pidOfA, 'UPDATE%', 'transactionid');
    const deadlock = await rejection(b.query(`UPDATE ${table} SET v = 3 WHERE id = 1`));
    assert.equal(deadlock.code, '40P01');
    assertVerdict(deadlock, true, 'the transaction was chosen as a deadlock victim (40P01)');
    await b.query('ROLLBACK');
    await waiting;
    await a.query('ROLLBACK');
  });

  it('too many connections for a role: 53300', async () => {
    const role = `jivs_limited_${randomBytes(4).toString('hex')}`;
    await schema.sql(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 1`);
    try {
      const first = await connect({ user: role });
      const second = new pg.Client({ ...SERVER, user: role });
      second.on('error', () => {});
      const error = await rejection(second.connect());
      await first.end();
      assert.equal(error.code, '53300');
      assertVerdict(error, true, 'the server has too many connections (53300)');
    } finally {
      await schema.sql(`DROP ROLE ${role}`);
    }
  });

  it('permanent: syntax error, missing table, bad data, unique violation', async () => {
    const syntax = await rejection(schema.sql('SELEC 1'));
    assert.equal(syntax.code, '42601');
    assertVerdict(syntax, false, 'SQL syntax error (42601): syntax error at or near "SELEC"');

    const missing = await rejection(schema.sql('SELECT * FROM no_such_table'));
    assert.equal(missing.code, '42P01');
    assertVerdict(
      missing,
      false,
      'the table does not exist (42P01): relation "no_such_table" does not exist',
    );

    const badData = await rejection(schema.sql(`SELECT 'abc'::int`));
    assert.equal(badData.code, '22P02');
    assertVerdict(
      badData,
      false,
      /^a value is invalid for its type \(22P02\): invalid input syntax for type integer/,
    );

    await schema.sql('CREATE TABLE uniq (id int PRIMARY KEY)');
    const duplicate = await rejection(schema.sql('INSERT INTO uniq VALUES (1), (1)'));
    assert.equal(duplicate.code, '23505');
    assertVerdict(duplicate, false, /^an integrity constraint was violated \(23505\): duplicate key/);
  });

  it('permanent: permission denied under SET ROLE to a role without privileges (42501)', async () => {
    const role = `jivs_nobody_${randomBytes(4).toString('hex')}`;
    await schema.sql(`CREATE TABLE secret (a int)`);
    await schema.sql(`CREATE ROLE ${role} NOLOGIN`);
    const client = await connect();
    try {
      await client.query(`SET ROLE ${role}`);
      const error = await rejection(client.query(`SELECT * FROM ${schema.name}.secret`));
      assert.equal(error.code, '42501');
      assertVerdict(error, false, `permission denied (42501): permission denied for schema ${schema.name}`);
    } finally {
      await client.query('RESET ROLE');
      await schema.sql(`DROP ROLE ${role}`);
    }
  });

  it('permanent: a statement cancelled by pg_cancel_backend (57014)', async () => {
    const client = await connect();
    const pid = await backendPid(client);
    const sleeping = start(client, 'SELECT pg_sleep(5)');
    await whenRunning(pid, 'SELECT pg_sleep%');
    await schema.sql('SELECT pg_cancel_backend($1)', [pid]);
    const error = await rejection(sleeping);
    assert.equal(error.code, '57014');
    assertVerdict(
      error,
      false,
      /^the statement was cancelled .* \(57014\): canceling statement due to user request$/,
    );
    assert.deepEqual((await client.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
  });

  it('permanent: a client or pool closed by this process', async () => {
    const client = await connect();
    const sleeping = start(client, 'SELECT pg_sleep(5)');
    await client.end();
    const ended = await rejection(sleeping);
    assert.equal(ended.message, 'Connection terminated');
    assertVerdict(ended, false, 'the connection was closed by this process ("Connection terminated")');
    const closed = await rejection(client.query('SELECT 1'));
    assert.equal(closed.message, 'Client was closed and is not queryable');
    assertVerdict(closed, false, /^the connection was closed by this process/);

    const pool = new pg.Pool(SERVER);
    await pool.query('SELECT 1');
    await pool.end();
    const poolClosed = await rejection(pool.query('SELECT 1'));
    assert.equal(poolClosed.message, 'Cannot use a pool after calling end on the pool');
    assertVerdict(poolClosed, false, /^the connection pool was closed by this process/);
  });
});
