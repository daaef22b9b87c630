import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openMysqlSink, openMysqlSource } from '../../../src/connectors/mysql/index.ts';
import { InputError } from '../../../src/core/errors.ts';
import type { MysqlEndpoint } from '../../../src/spec/spec-schema.ts';
import { createTestDatabase, SERVER, type TestDatabase } from './mysql-test-database.ts';

const SECRET = 'S3cr3t-Never-Printed';

let db: TestDatabase;

before(async () => {
  db = await createTestDatabase();
});

after(async () => {
  await db?.drop();
});

/** Every message of the error and its causes, for checking that no secret leaks anywhere. */
function allText(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    parts.push(String(e.message), JSON.stringify(e, Object.getOwnPropertyNames(e)));
  }
  return parts.join('\n');
}

async function refusal(open: () => Promise<unknown>): Promise<InputError> {
  try {
    const opened = (await open()) as { close(): Promise<void> };
    await opened.close();
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    return error;
  }
  assert.fail('the connection was expected to fail');
}

describe('MySQL connection errors', { timeout: 30_000 }, () => {
  it('names the connection when nothing listens on the port', async () => {
    const endpoint: MysqlEndpoint = { ...db.endpoint, port: 1, password: SECRET };
    const error = await refusal(() => openMysqlSource(endpoint, 'mysql root@127.0.0.1:1/shop'));
    assert.equal(
      error.message,
      'source: cannot connect to mysql root@127.0.0.1:1/shop: nothing is listening there; check host and port, and that the server runs.',
    );
    assert.ok(!allText(error).includes(SECRET));
  });

  it('says when the database does not exist', async () => {
    const endpoint: MysqlEndpoint = { ...db.endpoint, database: `${db.name}_missing` };
    const error = await refusal(() => openMysqlSink(endpoint, `mysql root@host/${db.name}_missing`));
    assert.match(
      error.message,
      /^target: cannot connect to mysql root@host\/jivs_test_\w+_missing: the database does not exist/,
    );
  });

  it('reports a refused password without printing it', async () => {
    const endpoint: MysqlEndpoint = { ...db.endpoint, user: 'jivs_no_such_user', password: SECRET };
    const error = await refusal(() => openMysqlSource(endpoint, 'mysql jivs_no_such_user@127.0.0.1:3306/x'));
    assert.match(
      error.message,
      /cannot connect to mysql jivs_no_such_user@127\.0\.0\.1:3306\/x: access denied/,
    );
    assert.ok(!allText(error).includes(SECRET), 'the password appears in the error');
  });

  it('connects with the defaults (127.0.0.1:3306, root) when only the database is given', async (t) => {
    if (SERVER.host !== '127.0.0.1' || SERVER.port !== 3306 || SERVER.user !== 'root' || SERVER.password) {
      t.skip('the test server is not at the default address');
      return;
    }
    const source = await openMysqlSource({ type: 'mysql', database: db.name }, 'defaults');
    assert.deepEqual(await source.introspector.listTables(), []);
    await source.close();
  });
});
