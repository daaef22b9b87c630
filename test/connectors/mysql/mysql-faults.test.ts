/**
 * Real MariaDB/MySQL faults through mysql2, produced on the local server, classified by
 * isTransientError and named by describeFault: a connection killed (KILL) during a query and during a
 * streaming read wired as the MySQL source wires it, a query killed (KILL QUERY), refused and failed
 * connections, lock conflicts, per-user connection limits, and the permanent ones.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Connection as CoreConnection } from 'mysql2';
import mysql from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { openMysqlPool, openMysqlReadConnection } from '../../../src/connectors/mysql/mysql-connection.ts';
import { assertVerdict, closedPort, misbehavingServer, rejection } from '../fault-helpers.ts';
import { createTestDatabase, SERVER, waitFor, type TestDatabase } from './mysql-test-database.ts';

describe('MariaDB faults', () => {
  let db: TestDatabase;
  const connections: Connection[] = [];

  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    for (const connection of connections) connection.destroy();
    await db.drop();
  });

  /** A connection of the MySQL source (its 'error' events are expected). */
  async function connect(): Promise<Connection> {
    const connection = await openMysqlReadConnection(db.endpoint);
    connections.push(connection);
    return connection;
  }

  /** A connection as another user, without a default database. */
  async function connectAs(user: string): Promise<Connection> {
    const connection = await mysql.createConnection({ host: SERVER.host, port: SERVER.port, user });
    connections.push(connection);
    return connection;
  }

  /** Waits until connection `id` runs a statement matching `pattern`. */
  async function whenRunning(id: number, pattern: string): Promise<void> {
    await waitFor(
      async () =>
        (
          await db.query('SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ? AND INFO LIKE ?', [
            id,
            pattern,
          ])
        ).length > 0,
      `connection ${id} to run ${pattern}`,
    );
  }

  /** A statement started on `connection`, its rejection marked handled until awaited. */
  function start(connection: Connection, sql: string): Promise<unknown> {
    const running = connection.query(sql);
    running.catch(() => {});
    return running;
  }

  async function createUser(options = ''): Promise<string> {
    const user = `jivs_u_${randomBytes(4).toString('hex')}`;
    await db.exec(`CREATE USER '${user}'@'%' ${options}`);
    return user;
  }

  it('KILL of a connection running SELECT SLEEP(5): mysql2 reports PROTOCOL_CONNECTION_LOST', async () => {
    const connection = await connect();
    const sleeping = start(connection, 'SELECT SLEEP(5)');
    await whenRunning(connection.threadId, 'SELECT SLEEP%');
    await db.exec(`KILL ${connection.threadId}`);

    const error = await rejection(sleeping);
    // The server closes the socket without an error packet: no 1927 reaches the killed connection.
    assert.equal(error.code, 'PROTOCOL_CONNECTION_LOST');
    assert.equal(error.errno, undefined);
    assert.equal(error.message, 'Connection lost: The server closed the connection.');
    assert.equal(error.fatal, true);
    assertVerdict(
      error,
      true,
      'the server closed the source connection (PROTOCOL_CONNECTION_LOST)',
      'source',
    );

    // Used again, the dead connection only says it is closed: permanent (our own end() says the same).
    const next = await rejection(connection.query('SELECT 1'));
    assert.equal(next.message, "Can't add new command when connection is in closed state");
    assertVerdict(next, false, /^the connection was already closed/);
  });

  it('KILL of a connection in the middle of a streaming read: PROTOCOL_CONNECTION_LOST on the stream', async () => {
    await db.exec(`CREATE TABLE big (id int PRIMARY KEY, pad varchar(200));
      INSERT INTO big SELECT seq, REPEAT('x', 200) FROM seq_1_to_100000`);
    const connection = await connect();
    const core = (connection as unknown as { connection: CoreConnection }).connection;
    // As the MySQL source reads: a streaming query, the connection's error passed to the stream.
    const stream = core
      .query({ sql: 'SELECT id, pad FROM big', rowsAsArray: true })
      .stream({ highWaterMark: 100 });
    core.on('error', (error: Error) => stream.destroy(error));
    let rows = 0;
    const error = await rejection(
      (async () => {
        for await (const _row of stream) {
          if (++rows === 1) {
            // 20 MB cannot all sit in socket buffers: the server is still sending when killed.
            await db.exec(`KILL ${connection.threadId}`);
            await waitFor(
              async () =>
                (
                  await db.query('SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?', [
                    connection.threadId,
                  ])
                ).length === 0,
              'the killed connection to go',
            );
          }
        }
      })(),
    );
    assert.ok(rows < 100_000, `${rows} rows read`);
    assert.equal(error.code, 'PROTOCOL_CONNECTION_LOST');
    assertVerdict(
      error,
      true,
      'the server closed the source connection (PROTOCOL_CONNECTION_LOST)',
      'source',
    );
  });

  it('a connection that kills itself gets ER_CONNECTION_KILLED: errno 1927, no code from mysql2', async () => {
    const connection = await connect();
    const error = await rejection(connection.query('KILL CONNECTION_ID()'));
    assert.equal(error.errno, 1927);
    assert.equal(error.code, undefined);
    assert.equal(error.sqlState, '70100');
    assert.equal(error.message, 'Connection was killed');
    assertVerdict(error, true, 'the source connection was killed (MariaDB 1927)', 'source');
  });

  it('KILL QUERY: ER_QUERY_INTERRUPTED 1317 is permanent, and the connection stays usable', async () => {
    const connection = await connect();
    const sleeping = start(connection, 'SELECT SLEEP(5)');
    await whenRunning(connection.threadId, 'SELECT SLEEP%');
    await db.exec(`KILL QUERY ${connection.threadId}`);
    const error = await rejection(sleeping);
    assert.equal(error.code, 'ER_QUERY_INTERRUPTED');
    assert.equal(error.errno, 1317);
    assert.equal(error.sqlState, '70100');
    assertVerdict(error, false, /^the query was interrupted \(KILL QUERY\) \(MySQL\/MariaDB 1317\)/);
    const [rows] = await connection.query('SELECT 1 AS one');
    assert.deepEqual(rows, [{ one: 1 }]);
  });

  it('lock wait timeout 1205 and deadlock 1213 are transient', async () => {
    await db.exec(
      'CREATE TABLE contended (id int PRIMARY KEY, v int) ENGINE=InnoDB; INSERT INTO contended VALUES (1,0),(2,0)',
    );
    const [a, b] = [await connect(), await connect()];
    await b.query('SET SESSION innodb_lock_wait_timeout = 1');
    await a.query('BEGIN');
    await a.query('UPDATE contended SET v = 1 WHERE id = 1');
    await b.query('BEGIN');
    const lockWait = await rejection(b.query('UPDATE contended SET v = 2 WHERE id = 1'));
    assert.equal(lockWait.code, 'ER_LOCK_WAIT_TIMEOUT');
    assert.equal(lockWait.errno, 1205);
    assertVerdict(lockWait, true, 'a lock wait timed out (MySQL/MariaDB 1205)');
    await b.query('ROLLBACK');
    await a.query('ROLLBACK');

    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query('UPDATE contended SET v = 3 WHERE id = 1');
    await b.query('UPDATE contended SET v = 3 WHERE id = 2');
    const waiting = start(a, 'UPDATE contended SET v = 4 WHERE id = 2');
    await waitFor(
      async () =>
        (
          await db.query(
            `SELECT 1 FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ? AND trx_state = 'LOCK WAIT'`,
            [a.threadId],
          )
        ).length > 0,
      'the first transaction to wait for its lock',
    );
    const deadlock = await rejection(b.query('UPDATE contended SET v = 4 WHERE id = 1'));
    assert.equal(deadlock.code, 'ER_LOCK_DEADLOCK');
    assert.equal(deadlock.errno, 1213);
    assertVerdict(deadlock, true, 'the transaction was chosen as a deadlock victim (MySQL/MariaDB 1213)');
    await b.query('ROLLBACK');
    await waiting;
    await a.query('ROLLBACK');
  });

  it('a user over max_user_connections: ER_USER_LIMIT_REACHED 1226 is transient', async () => {
    const user = await createUser('WITH MAX_USER_CONNECTIONS 1');
    try {
      await connectAs(user);
      const error = await rejection(connectAs(user));
      assert.equal(error.code, 'ER_USER_LIMIT_REACHED');
      assert.equal(error.errno, 1226);
      assertVerdict(error, true, 'the user has too many connections (MySQL/MariaDB 1226)');
    } finally {
      for (const connection of connections.splice(0)) connection.destroy();
      await db.exec(`DROP USER '${user}'@'%'`);
    }
  });

  it('refused, reset and timed-out connections are transient; the connector’s first one is an InputError', async () => {
    const port = await closedPort();
    const options = { ...SERVER, connectTimeout: 100 };
    const refused = await rejection(mysql.createConnection({ ...options, port }));
    assert.equal(refused.code, 'ECONNREFUSED');
    assertVerdict(
      refused,
      true,
      'source connection refused (server down or restarting) (ECONNREFUSED)',
      'source',
    );

    const reset = await misbehavingServer('reset');
    const silent = await misbehavingServer('silent');
    try {
      const resetError = await rejection(mysql.createConnection({ ...options, port: reset.port }));
      assert.equal(resetError.code, 'ECONNRESET');
      assertVerdict(resetError, true, /\(ECONNRESET\)$/);
      const timeout = await rejection(mysql.createConnection({ ...options, port: silent.port }));
      assert.equal(timeout.code, 'ETIMEDOUT');
      assert.equal(timeout.message, 'connect ETIMEDOUT');
      assertVerdict(timeout, true, 'the connection timed out (ETIMEDOUT)');
    } finally {
      await reset.close();
      await silent.close();
    }

    const first = await rejection(openMysqlPool({ ...db.endpoint, port }, 'mysql test', 'source'));
    assert.equal(first.name, 'InputError');
    assertVerdict(first, false, /^source: cannot connect to mysql test: nothing is listening there/);
  });

  it('permanent: syntax error 1064, missing table 1146, permission 1142, bad value 1366', async () => {
    const connection = await connect();
    const syntax = await rejection(connection.query('SELEC 1'));
    assert.equal(syntax.code, 'ER_PARSE_ERROR');
    assertVerdict(
      syntax,
      false,
      /^SQL syntax error \(MySQL\/MariaDB 1064\): You have an error in your SQL syntax/,
    );

    const missing = await rejection(connection.query('SELECT * FROM no_such_table'));
    assert.equal(missing.code, 'ER_NO_SUCH_TABLE');
    assertVerdict(
      missing,
      false,
      `the table does not exist (MySQL/MariaDB 1146): Table '${db.name}.no_such_table' doesn't exist`,
    );

    await db.exec('CREATE TABLE secret (a int)');
    const user = await createUser();
    try {
      const outsider = await connectAs(user);
      const denied = await rejection(outsider.query(`SELECT * FROM \`${db.name}\`.secret`));
      assert.equal(denied.code, 'ER_TABLEACCESS_DENIED_ERROR');
      assert.equal(denied.errno, 1142);
      assertVerdict(denied, false, /^permission denied \(MySQL\/MariaDB 1142\): SELECT command denied/);
    } finally {
      await db.exec(`DROP USER '${user}'@'%'`);
    }

    await connection.query(`SET SESSION sql_mode = 'STRICT_ALL_TABLES'`);
    const badValue = await rejection(connection.query(`INSERT INTO secret VALUES ('abc')`));
    assert.equal(badValue.code, 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD');
    assert.equal(badValue.errno, 1366);
    assertVerdict(
      badValue,
      false,
      /^a value is invalid for its column \(MySQL\/MariaDB 1366\): Incorrect integer value/,
    );
  });

  it('permanent: a pool closed by this process ("Pool is closed.")', async () => {
    const pool = mysql.createPool({ ...SERVER, connectionLimit: 1 });
    await pool.query('SELECT 1');
    await pool.end();
    const error = await rejection(pool.query('SELECT 1'));
    assert.equal(error.message, 'Pool is closed.');
    assertVerdict(error, false, 'the connection pool was closed by this process ("Pool is closed.")');
  });
});
