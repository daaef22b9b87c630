/**
 * StateStore on every backend: creating, migrating, reopening and upgrading a store, and refusing one
 * written by a newer version.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { Migrator, sql } from 'kysely';
import { stateMigrations } from '../../src/state/migrations/index.ts';
import { StateStore } from '../../src/state/state-store.ts';
import { BACKENDS, openStore as openBackendStore, postgresStoreDescription } from './store-backends.ts';
import { MIGRATIONS, partition, reject, run, withoutIds } from './state-store-fixtures.ts';

for (const backend of BACKENDS) {
  describe(`StateStore on ${backend.name}: migrations`, () => {
    const openStore = (t: TestContext, location?: string) => openBackendStore(backend, t, location);

    it('creates a new store and runs every migration', async (t) => {
      const location = await backend.location(t);
      const store = await StateStore.open(location);
      assert.equal(store.backend, backend.name);
      await store.close();
      const tables = await backend.tables(location);
      for (const name of [
        'runs',
        'phase_timings',
        'partitions',
        'rejects',
        'reject_reasons',
        'users',
        'refresh_tokens',
        'audit_log',
        'migrations',
        'kysely_migration',
      ]) {
        assert.ok(tables.includes(name), `table ${name} missing from ${tables.join(', ')}`);
      }
      const applied = await backend.query(location, 'SELECT name FROM kysely_migration ORDER BY name');
      assert.deepEqual(
        applied.map((r) => r.name),
        MIGRATIONS,
      );
    });

    it('opens an up-to-date store again without migrating it', async (t) => {
      const location = await backend.location(t);
      await (await StateStore.open(location)).close();
      const store = await openStore(t, location);
      assert.equal((await store.listRuns()).length, 0);
    });

    it('keeps its data when reopened', async (t) => {
      const path = await backend.location(t);
      const first = await StateStore.open(path);
      await first.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
      await first.savePartition('r1', partition('orders', 0, { status: 'done', extracted: 5, loaded: 5 }));
      await first.quarantine.add('r1', [reject('orders', '7', { id: 7 })]);
      await first.finishRun('r1', 'succeeded', null, { ok: true });
      await first.close();

      const second = await openStore(t, path);
      assert.equal((await second.getRun('r1'))?.status, 'succeeded');
      assert.deepEqual((await second.getRun('r1'))?.report, { ok: true });
      assert.deepEqual(await second.partitions('r1'), [
        partition('orders', 0, { status: 'done', extracted: 5, loaded: 5 }),
      ]);
      assert.deepEqual(withoutIds(await second.quarantine.list('r1')), [reject('orders', '7', { id: 7 })]);
      await second.createRun(run('r2', '2024-05-02T10:00:00.000Z'));
      assert.deepEqual(
        (await second.listRuns()).map((r) => r.id),
        ['r2', 'r1'],
      );
    });

    it('refuses a store written by a newer version, and leaves it untouched', async (t) => {
      const location = await backend.location(t);
      const store = await StateStore.open(location);
      await store.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
      await store.close();

      await backend.query(
        location,
        `INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-future', '${new Date().toISOString()}')`,
      );

      await assert.rejects(StateStore.open(location), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, /newer JiVS Migrate/);
        assert.match(error.message, /9999-future/);
        const described = backend.name === 'sqlite' ? location : postgresStoreDescription();
        assert.ok(error.message.includes(described), error.message);
        return true;
      });

      assert.deepEqual(await backend.query(location, 'SELECT id FROM runs'), [{ id: 'r1' }]);
      const applied = await backend.query(location, 'SELECT name FROM kysely_migration ORDER BY name');
      assert.deepEqual(
        applied.map((r) => r.name),
        [...MIGRATIONS, '9999-future'],
      );
    });

    it('upgrades a store of the previous version, keeping its runs', async (t) => {
      const location = await backend.location(t);
      const db = backend.kysely(location);
      try {
        if (backend.name === 'postgres') {
          await sql`CREATE SCHEMA ${sql.id(new URL(location).searchParams.get('schema')!)}`.execute(db);
        }
        const migrator = new Migrator({
          db,
          provider: { getMigrations: async () => stateMigrations(backend.name) },
          ...(backend.name === 'postgres' && {
            migrationTableSchema: new URL(location).searchParams.get('schema')!,
          }),
        });
        const { error } = await migrator.migrateTo('0003-resumable-runs');
        assert.equal(error, undefined);
        await sql`INSERT INTO runs (id, spec_name, spec_file, spec_hash, status, started_at, owner)
        VALUES ('old', 'erp', '/erp.yaml', 'h', 'succeeded', '2024-01-01T00:00:00.000Z', 'host:1')`.execute(
          db,
        );
      } finally {
        await db.destroy();
      }
      assert.ok(!(await backend.tables(location)).includes('users'));

      const store = await openStore(t, location);
      assert.deepEqual(await store.getRun('old'), {
        ...run('old', '2024-01-01T00:00:00.000Z', { specName: 'erp', specFile: '/erp.yaml', specHash: 'h' }),
        status: 'succeeded',
        report: null,
      });
      await store.users.create({ username: 'alice', passwordHash: 'h', role: 'admin' });
      assert.equal(await store.users.count(), 1);
    });
  });
}
