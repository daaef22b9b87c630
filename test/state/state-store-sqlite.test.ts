/**
 * StateStore: what only the SQLite backend does (files, memory, a file that is not a database).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StateStore } from '../../src/state/state-store.ts';
import { BACKENDS, openStore as openBackendStore } from './store-backends.ts';
import { run } from './state-store-fixtures.ts';

describe('StateStore on sqlite only', () => {
  const sqlite = BACKENDS.find((b) => b.name === 'sqlite')!;

  it('refuses a file that is not a SQLite database, naming it', async (t) => {
    const path = await sqlite.location(t);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, 'not a database, just text that is long enough to fill a header\n'.repeat(20));
    await assert.rejects(StateStore.open(path), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.ok(error.message.includes(path), error.message);
      assert.match(error.message, /not a database/);
      return true;
    });
  });

  it('works in memory', async (t) => {
    const store = await openBackendStore(sqlite, t, ':memory:');
    assert.equal(store.path, ':memory:');
    assert.equal(store.localDir, null);
    await store.createRun(run('m', '2024-05-01T10:00:00.000Z'));
    assert.equal((await store.getRun('m'))?.id, 'm');
  });

  it('names the file and its directory', async (t) => {
    const path = await sqlite.location(t);
    const store = await openBackendStore(sqlite, t, path);
    assert.equal(store.path, path);
    assert.equal(store.description, path);
    assert.equal(store.localDir, dirname(path));
    assert.equal(store.schema, null);
  });
});
