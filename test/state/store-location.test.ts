import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { stateStoreExists, stateStoreLocation } from '../../src/cli/state-path.ts';
import { isDatabaseUrl, parseStoreLocation } from '../../src/state/store-location.ts';

describe('parseStoreLocation', () => {
  it('takes anything but a postgres URL as a SQLite file', () => {
    for (const path of ['/tmp/state.db', ':memory:', 'relative/state.db', 'postgres.db', 'mysql://x/y']) {
      assert.deepEqual(parseStoreLocation(path), { backend: 'sqlite', path, description: path });
    }
  });

  it('reads a postgres URL with its schema, described without the password', () => {
    assert.deepEqual(
      parseStoreLocation('postgres://jivs:s3cret@db.internal:6543/control?schema=jivs_state&sslmode=require'),
      {
        backend: 'postgres',
        connectionString: 'postgres://jivs:s3cret@db.internal:6543/control?sslmode=require',
        options: null,
        schema: 'jivs_state',
        description: 'postgres jivs@db.internal:6543/control (schema jivs_state)',
      },
    );
    const plain = parseStoreLocation('postgresql://jivs@db/control');
    assert.equal(plain.backend, 'postgres');
    assert.equal(plain.backend === 'postgres' && plain.schema, 'public');
    assert.equal(plain.description, 'postgres jivs@db:5432/control');
  });

  it('keeps the options of the URL apart, to go before the search_path', () => {
    const location = parseStoreLocation('postgres://u@h/d?options=-c%20statement_timeout%3D5000&schema=s');
    assert.equal(location.backend === 'postgres' && location.options, '-c statement_timeout=5000');
    assert.equal(location.backend === 'postgres' && location.connectionString, 'postgres://u@h/d');
  });

  it('refuses an unusable schema name or a malformed URL without repeating the password', () => {
    for (const [url, message] of [
      ['postgres://u:pw-123@h/d?schema=a;drop', /names the schema "a;drop"; use letters, digits and _/],
      ['postgres://u:pw-123@h/d?schema=1abc', /names the schema "1abc"/],
      ['postgres://u:pw-123@[h/d', /not a valid URL/],
    ] as const) {
      assert.throws(
        () => parseStoreLocation(url),
        (error: unknown) => {
          assert.ok(error instanceof Error);
          assert.match(error.message, message);
          assert.ok(!error.message.includes('pw-123'), error.message);
          return true;
        },
      );
    }
  });

  it('recognises postgres URLs in any case', () => {
    assert.equal(isDatabaseUrl('POSTGRES://u@h/d'), true);
    assert.equal(isDatabaseUrl('postgresql://u@h/d'), true);
    assert.equal(isDatabaseUrl('/data/postgres://x'), false);
  });
});

describe('stateStoreLocation', () => {
  const saved = { url: process.env.JIVS_DATABASE_URL, state: process.env.JIVS_STATE };
  beforeEach(() => {
    delete process.env.JIVS_DATABASE_URL;
    delete process.env.JIVS_STATE;
  });
  afterEach(() => {
    for (const [key, value] of [
      ['JIVS_DATABASE_URL', saved.url],
      ['JIVS_STATE', saved.state],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('is --state, else $JIVS_STATE, else .jivs/state.db, as an absolute path', () => {
    assert.equal(stateStoreLocation(undefined), resolve('.jivs/state.db'));
    process.env.JIVS_STATE = 'env/state.db';
    assert.equal(stateStoreLocation(undefined), resolve('env/state.db'));
    assert.equal(stateStoreLocation('opt/state.db'), resolve('opt/state.db'));
    assert.equal(stateStoreLocation('postgres://u@h/d'), 'postgres://u@h/d');
  });

  it('is $JIVS_DATABASE_URL whenever it is set', () => {
    process.env.JIVS_STATE = 'env/state.db';
    process.env.JIVS_DATABASE_URL = 'postgres://u:p@h/d?schema=s';
    assert.equal(stateStoreLocation(undefined), 'postgres://u:p@h/d?schema=s');
    assert.equal(stateStoreLocation('opt/state.db'), 'postgres://u:p@h/d?schema=s');
    // A database is not looked for on disk.
    assert.equal(stateStoreExists(undefined), true);
    delete process.env.JIVS_DATABASE_URL;
    assert.equal(stateStoreExists('/no/such/dir/state.db'), false);
  });
});
