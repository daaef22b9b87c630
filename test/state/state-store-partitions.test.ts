/**
 * StateStore on every backend: partition progress and its counters.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { BACKENDS, openStore as openBackendStore } from './store-backends.ts';
import { partition, reject, run } from './state-store-fixtures.ts';

for (const backend of BACKENDS) {
  describe(`StateStore on ${backend.name}: partitions`, () => {
    const openStore = (t: TestContext, location?: string) => openBackendStore(backend, t, location);

    it('saves partition progress as an upsert and lists partitions by table and index', async (t) => {
      const store = await openStore(t);
      await store.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
      await store.savePartition('r1', partition('orders', 1));
      await store.savePartition('r1', partition('orders', 0));
      await store.savePartition('r1', partition('customers', 0, { bounds: { kind: 'whole' } }));
      await store.savePartition(
        'r1',
        partition('orders', 1, { status: 'done', extracted: 100, loaded: 97, rejected: 2, filtered: 1 }),
      );

      assert.deepEqual(await store.partitions('r1'), [
        partition('customers', 0, { bounds: { kind: 'whole' } }),
        partition('orders', 0),
        partition('orders', 1, { status: 'done', extracted: 100, loaded: 97, rejected: 2, filtered: 1 }),
      ]);
      assert.deepEqual(await store.partitions('other-run'), []);
    });

    it('keeps open-ended partition bounds', async (t) => {
      const store = await openStore(t);
      await store.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
      const open = partition('t', 0, {
        bounds: { kind: 'key-range', keyColumn: 'rowid', from: null, to: null },
      });
      await store.savePartition('r1', open);
      assert.deepEqual(await store.partitions('r1'), [open]);
    });

    it('reads counters stored as bigint back as numbers', async (t) => {
      const store = await openStore(t);
      await store.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
      const big = partition('t', 0, { extracted: 3_000_000_000, loaded: 2_999_999_999, rejected: 1 });
      await store.savePartition('r1', big);
      assert.deepEqual(await store.partitions('r1'), [big]);
      await store.quarantine.add('r1', [reject('t', '1')]);
      const [stored] = await store.quarantine.list('r1');
      assert.equal(typeof stored?.id, 'number');
      assert.equal(typeof (await store.quarantine.count('r1')), 'number');
    });
  });
}
