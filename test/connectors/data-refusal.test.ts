/**
 * Which load failures are a refusal of rows for a data reason (the loader isolates and rejects those
 * rows) and which are not (they fail or retry the run as before), from real errors of PostgreSQL,
 * MariaDB and SQLite; and the reject reason made of one, without the row's values.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { after, before, describe, it } from 'node:test';
import { describeRefusal, isDataRefusal } from '../../src/connectors/data-refusal.ts';
import { redactRowValues } from '../../src/connectors/database-message.ts';
import { MYSQL, POSTGRES } from '../support/databases.ts';

/** What `work` throws (it must throw). */
async function thrown(work: () => Promise<unknown> | unknown): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  assert.fail('expected an error');
}

describe('PostgreSQL', () => {
  const schema = `jivs_refusal_${process.pid}`;
  const pool = new pg.Pool({ ...POSTGRES, max: 1 });
  before(async () => {
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query(`CREATE TABLE ${schema}.t (v varchar(3), n smallint NOT NULL, c int CHECK (c > 0))`);
  });
  after(async () => {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
  });

  it('classes 22 and 23 are refusals, named with the column where the server names one', async () => {
    const tooLong = await thrown(() => pool.query(`INSERT INTO ${schema}.t VALUES ('secret', 1, 1)`));
    assert.equal(isDataRefusal(tooLong), true);
    assert.deepEqual(describeRefusal(tooLong), {
      message: 'the target refused the row: value too long for type character varying(3) (22001)',
      column: null,
    });
    const wrapped = new Error('loading 1 rows into "t" failed', {
      cause: await thrown(() => pool.query(`INSERT INTO ${schema}.t VALUES ('a', NULL, 1)`)),
    });
    assert.equal(isDataRefusal(wrapped), true);
    assert.equal(describeRefusal(wrapped).column, 'n');
    assert.match(describeRefusal(wrapped).message, /violates not-null constraint \(23502\)$/);
    const check = await thrown(() => pool.query(`INSERT INTO ${schema}.t VALUES ('a', 1, -5)`));
    assert.equal(isDataRefusal(check), true);
    assert.doesNotMatch(describeRefusal(check).message, /-5/);
    assert.equal(
      isDataRefusal(await thrown(() => pool.query(`INSERT INTO ${schema}.t VALUES ('a', 99999, 1)`))),
      true,
    );
  });

  it('syntax errors, missing tables and connection failures are not', async () => {
    assert.equal(isDataRefusal(await thrown(() => pool.query('SELEC 1'))), false);
    assert.equal(
      isDataRefusal(await thrown(() => pool.query(`INSERT INTO ${schema}.nope VALUES (1)`))),
      false,
    );
    const refused = new pg.Client({ ...POSTGRES, port: 1 });
    assert.equal(isDataRefusal(await thrown(() => refused.connect())), false);
  });
});

describe('MariaDB', () => {
  const database = `jivs_refusal_${process.pid}`;
  let connection: mysql.Connection;
  before(async () => {
    connection = await mysql.createConnection(MYSQL);
    await connection.query(`CREATE DATABASE ${database}`);
    await connection.query(`USE ${database}`);
    await connection.query(`SET sql_mode = 'STRICT_ALL_TABLES'`);
    await connection.query(
      'CREATE TABLE t (id int PRIMARY KEY, v varchar(3), n tinyint unsigned NOT NULL, c int CHECK (c > 0))',
    );
    await connection.query(`INSERT INTO t VALUES (1, 'a', 1, 1)`);
  });
  after(async () => {
    await connection.query(`DROP DATABASE ${database}`);
    await connection.end();
  });

  it('too long, out of range, NULL, duplicate and CHECK are refusals; the message keeps no value', async () => {
    const insert = (values: string) => connection.query(`INSERT INTO t VALUES ${values}`);
    const tooLong = await thrown(() => insert(`(2, 'secret', 1, 1)`));
    assert.equal(isDataRefusal(tooLong), true);
    assert.deepEqual(describeRefusal(tooLong), {
      message: "the target refused the row: Data too long for column 'v' (ER_DATA_TOO_LONG)",
      column: 'v',
    });
    assert.equal(describeRefusal(await thrown(() => insert(`(2, 'a', 300, 1)`))).column, 'n');
    assert.equal(describeRefusal(await thrown(() => insert(`(2, 'a', NULL, 1)`))).column, 'n');
    const duplicate = redactRowValues(await thrown(() => insert(`(1, 'a', 1, 1)`)));
    assert.equal(isDataRefusal(duplicate), true);
    assert.equal(
      describeRefusal(duplicate).message,
      "the target refused the row: Duplicate entry '…' for key 'PRIMARY' (ER_DUP_ENTRY)",
    );
    const check = await thrown(() => insert(`(2, 'a', 1, -5)`));
    assert.equal(isDataRefusal(check), true);
    assert.match(describeRefusal(check).message, /CONSTRAINT `t.c` failed .* \(error 4025\)$/);
  });

  it('syntax errors and missing tables are not', async () => {
    assert.equal(isDataRefusal(await thrown(() => connection.query('SELEC 1'))), false);
    assert.equal(isDataRefusal(await thrown(() => connection.query('INSERT INTO nope VALUES (1)'))), false);
  });
});

describe('SQLite', () => {
  const db = new Database(':memory:');
  db.exec(
    `CREATE TABLE t (id INTEGER PRIMARY KEY, n int NOT NULL, c int CHECK (c > 0)); INSERT INTO t VALUES (1, 1, 1)`,
  );
  const insert = (values: string) => () => db.exec(`INSERT INTO t VALUES ${values}`);

  it('constraint failures and a non-integer rowid are refusals', async () => {
    const notNull = await thrown(insert('(2, NULL, 1)'));
    assert.deepEqual(describeRefusal(notNull), {
      message: 'the target refused the row: NOT NULL constraint failed: t.n (SQLITE_CONSTRAINT_NOTNULL)',
      column: 'n',
    });
    for (const values of ['(1, 1, 1)', '(2, 1, -5)', "('x', 1, 1)"]) {
      assert.equal(isDataRefusal(await thrown(insert(values))), true, values);
    }
  });

  it('a missing table is not', async () => {
    assert.equal(isDataRefusal(await thrown(() => db.exec('INSERT INTO nope VALUES (1)'))), false);
  });
});
