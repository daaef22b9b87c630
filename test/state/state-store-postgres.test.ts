/**
 * StateStore: what only the PostgreSQL backend does (schemas, concurrent migration, passwords kept out
 * of sight).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { StateStore } from '../../src/state/state-store.ts';
import { BACKENDS, openStore as openBackendStore, postgresStoreDescription } from './store-backends.ts';
import { MIGRATIONS, run } from './state-store-fixtures.ts';

describe('StateStore on postgres only', () => {
  const postgres = BACKENDS.find((b) => b.name === 'postgres')!;

  it('keeps everything in its schema, apart from the stores of other schemas', async (t) => {
    const [a, b] = [await postgres.location(t), await postgres.location(t)];
    const first = await openBackendStore(postgres, t, a);
    const second = await openBackendStore(postgres, t, b);
    assert.equal(first.path, null);
    assert.equal(first.localDir, null);
    assert.equal(first.schema, new URL(a).searchParams.get('schema'));
    assert.equal(first.description, `${postgresStoreDescription()} (schema ${first.schema})`);
    await first.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
    await second.users.create({ username: 'alice', passwordHash: 'h', role: 'admin' });
    assert.deepEqual(
      (await first.listRuns()).map((r) => r.id),
      ['r1'],
    );
    assert.deepEqual(await second.listRuns(), []);
    assert.equal(await first.users.count(), 0);
    assert.equal(await second.users.count(), 1);
    assert.equal((await postgres.tables(a)).length, (await postgres.tables(b)).length);
  });

  it('keeps the URL it was opened with out of sight', async (t) => {
    const url = new URL(await postgres.location(t));
    url.password = 'hidden-pa55'; // trust authentication: any password passes
    const store = await openBackendStore(postgres, t, url.toString());
    assert.equal(store.location, url.toString());
    assert.ok(!store.description.includes('hidden-pa55'));
    assert.ok(!inspect(store).includes('hidden-pa55'), inspect(store));
    assert.ok(!JSON.stringify({ ...store, db: null }).includes('hidden-pa55'));
  });

  it('lets concurrent openers of a new schema migrate it once', async (t) => {
    const location = await postgres.location(t);
    const stores = await Promise.all([1, 2, 3, 4].map(() => openBackendStore(postgres, t, location)));
    await stores[0]!.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
    assert.equal((await stores[3]!.getRun('r1'))?.id, 'r1');
    const applied = await postgres.query(location, 'SELECT name FROM kysely_migration ORDER BY name');
    assert.deepEqual(
      applied.map((r) => r.name),
      MIGRATIONS,
    );
  });

  it('never shows the password of the URL in an error', async () => {
    const password = 'pa55-w0rd-that-must-not-leak';
    const refused = `postgres://postgres:${password}@127.0.0.1:1/test?schema=jivs_state_unreachable`;
    await assert.rejects(StateStore.open(refused), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.equal(
        error.message,
        'the state store postgres postgres@127.0.0.1:1/test (schema jivs_state_unreachable) cannot be opened: ' +
          'nothing is listening there; check host and port, and that the server runs. Check JIVS_DATABASE_URL (or --state).',
      );
      assert.ok(!inspect(error, { depth: 10 }).includes(password), inspect(error));
      return true;
    });
    for (const bad of [
      `postgres://postgres:${password}@[not-a-host/test`,
      `postgresql://postgres:${password}@127.0.0.1:5432/test?schema=bad-name`,
    ]) {
      await assert.rejects(StateStore.open(bad), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.ok(!inspect(error, { depth: 10 }).includes(password), inspect(error));
        return true;
      });
    }
  });

  it('refuses a wrong password without repeating it', async (t) => {
    const password = 'wr0ng-pa55word';
    const location = await postgres.location(t);
    const url = new URL(location);
    url.username = 'jivs_no_such_user';
    url.password = password;
    await assert.rejects(StateStore.open(url.toString()), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.ok(error.message.includes(postgresStoreDescription('jivs_no_such_user')), error.message);
      assert.ok(!inspect(error, { depth: 10 }).includes(password), inspect(error));
      return true;
    });
  });
});
