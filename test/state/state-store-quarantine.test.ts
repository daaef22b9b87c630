/**
 * StateStore on every backend: rejected rows in the quarantine (values, reasons, filters, large batches).
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { RejectedRow } from '../../src/state/run-types.ts';
import { BACKENDS, openStore as openBackendStore } from './store-backends.ts';
import { reject, run, withoutIds } from './state-store-fixtures.ts';

for (const backend of BACKENDS) {
  describe(`StateStore on ${backend.name}: rejected rows`, () => {
    const openStore = (t: TestContext, location?: string) => openBackendStore(backend, t, location);

    it('stores rejected rows with bigint and Buffer values as JSON', async (t) => {
      const store = await openStore(t);
      await store.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
      await store.quarantine.add('r1', [
        {
          table: 'orders',
          partition: 3,
          key: '[9007199254740993]',
          values: {
            id: 9007199254740993n,
            photo: Buffer.from([0, 1, 2, 253, 254, 255]),
            name: 'Zoë',
            amount: 1.5,
            none: null,
            flag: true,
          },
          reasons: [
            { rule: 'cast', column: 'amount', severity: 'critical', message: '"x" is not a number' },
            { rule: 'name.length', column: 'name', severity: 'minor', message: 'too long' },
          ],
        },
      ]);
      assert.deepEqual(withoutIds(await store.quarantine.list('r1')), [
        {
          table: 'orders',
          partition: 3,
          key: '[9007199254740993]',
          values: {
            id: '9007199254740993',
            photo: { $base64: Buffer.from([0, 1, 2, 253, 254, 255]).toString('base64') },
            name: 'Zoë',
            amount: 1.5,
            none: null,
            flag: true,
          },
          reasons: [
            { rule: 'cast', column: 'amount', severity: 'critical', message: '"x" is not a number' },
            { rule: 'name.length', column: 'name', severity: 'minor', message: 'too long' },
          ],
        },
      ]);
      assert.equal(Buffer.from('AAEC/f7/', 'base64').equals(Buffer.from([0, 1, 2, 253, 254, 255])), true);
    });

    it('does not let a column named __proto__ pollute Object.prototype', async (t) => {
      const store = await openStore(t);
      await store.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
      // A source row built from column names, as the pipeline does (Object.fromEntries defines own properties).
      const values = Object.fromEntries([
        ['__proto__', { polluted: 'yes' }],
        ['constructor', 'c'],
        ['id', 1],
      ]);
      await store.quarantine.add('r1', [reject('evil', '[1]', values)]);
      const [stored] = await store.quarantine.list('r1');
      assert.ok(stored);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.getPrototypeOf(stored.values), Object.prototype);
      assert.ok(Object.hasOwn(stored.values, '__proto__'));
      assert.deepEqual(Object.getOwnPropertyDescriptor(stored.values, '__proto__')?.value, {
        polluted: 'yes',
      });
      assert.equal(stored.values.constructor, 'c');
      assert.equal(stored.values.id, 1);
    });

    it('filters rejected rows by table and limits them, in insertion order', async (t) => {
      const store = await openStore(t);
      await store.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
      await store.createRun(run('r2', '2024-05-01T11:00:00.000Z'));
      await store.quarantine.add('r1', [
        reject('orders', '1'),
        reject('customers', '2'),
        reject('orders', '3'),
      ]);
      await store.quarantine.add('r1', [reject('orders', '4')]);
      await store.quarantine.add('r1', []);
      await store.quarantine.add('r2', [reject('orders', '5')]);

      const keys = (rows: RejectedRow[]) => rows.map((r) => `${r.table}:${r.key}`);
      assert.deepEqual(keys(await store.quarantine.list('r1')), [
        'orders:1',
        'customers:2',
        'orders:3',
        'orders:4',
      ]);
      assert.deepEqual(keys(await store.quarantine.list('r1', { table: 'orders' })), [
        'orders:1',
        'orders:3',
        'orders:4',
      ]);
      assert.deepEqual(keys(await store.quarantine.list('r1', { table: 'orders', limit: 2 })), [
        'orders:1',
        'orders:3',
      ]);
      assert.deepEqual(keys(await store.quarantine.list('r1', { limit: 1 })), ['orders:1']);
      assert.deepEqual(keys(await store.quarantine.list('r1', { table: 'nothing' })), []);
      assert.deepEqual(keys(await store.quarantine.list('r2')), ['orders:5']);
    });

    it('stores a batch of rejected rows larger than one INSERT takes, reasons matched to their rows', async (t) => {
      const store = await openStore(t);
      await store.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
      const rows = Array.from({ length: 4500 }, (_, i) => ({
        ...reject('orders', String(i), { id: i }),
        reasons: [
          { rule: 'cast', column: 'id', severity: 'critical' as const, message: `row ${i}` },
          ...(i % 2 ? [{ rule: 'odd', column: null, severity: 'minor' as const, message: `odd ${i}` }] : []),
        ],
      }));
      await store.quarantine.add('r1', rows, 3);
      const stored = await store.quarantine.list('r1', { limit: 10_000 });
      assert.equal(stored.length, 4500);
      assert.deepEqual(withoutIds(stored), rows);
      assert.equal(await store.quarantine.count('r1', { rule: 'odd' }), 2250);
      const [sample] = await store.quarantine.list('r1', { rule: 'odd', limit: 1 });
      assert.equal(sample?.key, '1');
    });
  });
}
