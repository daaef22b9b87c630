/**
 * Database errors quote row values; the messages JiVS keeps of them must not (issue 11: no message
 * quotes a row value). The errors here come from the real servers, so a change in their wording that
 * lets a value through fails this test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describePostgresError } from '../../src/connectors/postgres/postgres-connection.ts';
import { withoutRowValues } from '../../src/connectors/database-message.ts';
import { createTestDatabase, type TestDatabase } from './mysql/mysql-test-database.ts';
import { createTestSchema, type TestSchema } from './postgres/postgres-test-schema.ts';

const SECRET = 'ann.secret@example.com';

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the statement to fail');
}

describe('PostgreSQL errors without row values', () => {
  let schema: TestSchema;
  before(async () => {
    schema = await createTestSchema();
    await schema.sql(
      `CREATE TABLE people(id int PRIMARY KEY, email text UNIQUE CHECK (length(email) < 10), n int)`,
    );
    await schema.sql(`ALTER TABLE people DROP CONSTRAINT people_email_check`);
    await schema.sql(`INSERT INTO people VALUES (1, $1, 1)`, [SECRET]);
    await schema.sql(`ALTER TABLE people ADD CONSTRAINT short_email CHECK (length(email) < 40) NOT VALID`);
  });
  after(() => schema.drop());

  test('a unique violation keeps the constraint and the columns, not the key', async () => {
    const error = await failure(() => schema.sql(`INSERT INTO people VALUES (2, $1, 1)`, [SECRET]));
    assert.ok((error as { detail: string }).detail.includes(SECRET), 'the server quotes the value');
    const message = describePostgresError(error);
    assert.match(message, /people_email_key/);
    assert.match(message, /Key \(email\)=\(…\) already exists/);
    assert.ok(!message.includes(SECRET), message);
  });

  test('a check violation does not show the failing row', async () => {
    const long = `${SECRET}-${'x'.repeat(40)}`;
    const message = describePostgresError(
      await failure(() => schema.sql(`INSERT INTO people VALUES (3, $1, 1)`, [long])),
    );
    assert.match(message, /short_email/);
    assert.match(message, /Failing row contains \(…\)/);
    assert.ok(!message.includes(SECRET), message);
  });

  test('an invalid input does not show the value', async () => {
    const message = describePostgresError(
      await failure(() => schema.sql(`INSERT INTO people VALUES (4, 'x', $1)`, [SECRET])),
    );
    assert.match(message, /invalid input syntax for type integer: "…"/);
    assert.ok(!message.includes(SECRET), message);
  });
});

describe('MariaDB errors without row values', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
    await db.exec(`SET SESSION sql_mode = 'STRICT_ALL_TABLES';
      CREATE TABLE people(id int PRIMARY KEY, email varchar(100) UNIQUE, n int)`);
    await db.query(`INSERT INTO people VALUES (1, ?, 1)`, [SECRET]);
  });
  after(() => db.drop());

  test('a duplicate entry keeps the key name, not the entry', async () => {
    const error = (await failure(() => db.query(`INSERT INTO people VALUES (2, ?, 1)`, [SECRET]))) as Error;
    assert.ok(error.message.includes(SECRET), 'the server quotes the value');
    const message = withoutRowValues(error.message);
    assert.match(message, /Duplicate entry '…' for key 'email'/);
    assert.ok(!message.includes(SECRET), message);
  });

  test('an incorrect value keeps the column, not the value', async () => {
    const error = (await failure(() => db.query(`INSERT INTO people VALUES (3, 'x', ?)`, [SECRET]))) as Error;
    assert.ok(error.message.includes(SECRET), 'the server quotes the value');
    const message = withoutRowValues(error.message);
    assert.match(message, /column .*`n`|column 'n'/);
    assert.ok(!message.includes(SECRET), message);
  });
});
