/**
 * StateStore on every backend: runs (create, read, list, finish), phase timings, and the link from a run to
 * the migration it was started from.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { RunRecord } from '../../src/state/run-types.ts';
import { StoreConflictError } from '../../src/state/store-errors.ts';
import { BACKENDS, openStore as openBackendStore } from './store-backends.ts';
import { run } from './state-store-fixtures.ts';

for (const backend of BACKENDS) {
  describe(`StateStore on ${backend.name}: runs`, () => {
    const openStore = (t: TestContext, location?: string) => openBackendStore(backend, t, location);

    it('creates, reads and lists runs, newest first', async (t) => {
      const store = await openStore(t);
      await store.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
      await store.createRun(run('r3', '2024-05-03T10:00:00.000Z', { specName: 'other' }));
      await store.createRun(run('r2', '2024-05-02T10:00:00.000Z'));

      assert.deepEqual(await store.getRun('r3'), {
        ...run('r3', '2024-05-03T10:00:00.000Z', { specName: 'other' }),
        report: null,
      });
      assert.equal(await store.getRun('missing'), undefined);
      assert.deepEqual(
        (await store.listRuns()).map((r) => r.id),
        ['r3', 'r2', 'r1'],
      );
      assert.deepEqual(
        (await store.listRuns(2)).map((r) => r.id),
        ['r3', 'r2'],
      );
    });

    it('refuses a second run with the same id as a conflict', async (t) => {
      const store = await openStore(t);
      await store.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
      await assert.rejects(store.createRun(run('r1', '2024-05-02T10:00:00.000Z')), (error: unknown) => {
        assert.ok(error instanceof StoreConflictError);
        assert.equal(error.kind, 'unique');
        assert.equal(error.message, 'a run with the id "r1" already exists');
        return true;
      });
    });

    it('finishes a run with its status, error and report', async (t) => {
      const store = await openStore(t);
      await store.createRun(run('ok', '2024-05-01T10:00:00.000Z'));
      await store.createRun(run('bad', '2024-05-01T11:00:00.000Z'));
      const before = new Date().toISOString();
      await store.finishRun('ok', 'succeeded', null, {
        tables: [{ name: 'orders', loaded: 12n }],
        total: 12,
      });
      await store.finishRun('bad', 'failed', 'verification failed: orders', null);

      const ok = await store.getRun('ok');
      assert.ok(ok);
      assert.equal(ok.status, 'succeeded');
      assert.equal(ok.error, null);
      assert.ok(ok.finishedAt !== null && ok.finishedAt >= before, `finishedAt ${ok.finishedAt}`);
      // A bigint in the report is stored as its decimal text.
      assert.deepEqual(ok.report, { tables: [{ name: 'orders', loaded: '12' }], total: 12 });

      const bad = await store.getRun('bad');
      assert.equal(bad?.status, 'failed');
      assert.equal(bad?.error, 'verification failed: orders');
      assert.equal(bad?.report, null);
    });

    it('records a phase timing once per run and phase, keeping the last value', async (t) => {
      const store = await openStore(t);
      await store.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
      await store.createRun(run('r2', '2024-05-01T11:00:00.000Z'));
      const timing = {
        phase: 'loading' as const,
        startedAt: '2024-05-01T10:00:01.000Z',
        finishedAt: '2024-05-01T10:00:02.000Z',
        durationMs: 1000,
        busyMs: 400.5,
      };
      await store.recordPhase('r1', timing);
      await store.recordPhase('r1', {
        ...timing,
        finishedAt: '2024-05-01T10:00:05.000Z',
        durationMs: 4000,
        busyMs: null,
      });
      await store.recordPhase('r1', { ...timing, phase: 'planning', durationMs: 12.25 });
      await store.recordPhase('r2', timing);

      const phases = (await store.phases('r1')).sort((a, b) => a.phase.localeCompare(b.phase));
      assert.deepEqual(phases, [
        { ...timing, finishedAt: '2024-05-01T10:00:05.000Z', durationMs: 4000, busyMs: null },
        { ...timing, phase: 'planning', durationMs: 12.25 },
      ]);
      assert.deepEqual(await store.phases('r2'), [timing]);
    });

    it('links runs to the migration they were started from, and lists them by it', async (t) => {
      const store = await openStore(t);
      await store.migrations.create({ id: 'm1', name: 'erp', spec: { version: 1 }, createdBy: 'alice' });
      await store.migrations.create({ id: 'm2', name: 'crm', spec: { version: 1 }, createdBy: 'alice' });
      await store.createRun(run('r1', '2024-05-01T10:00:00.000Z', { migrationId: 'm1' }));
      await store.createRun(run('r2', '2024-05-02T10:00:00.000Z', { migrationId: 'm2' }));
      await store.createRun(run('r3', '2024-05-03T10:00:00.000Z', { migrationId: 'm1' }));
      await store.createRun(run('cli', '2024-05-04T10:00:00.000Z'));

      assert.equal((await store.getRun('r1'))?.migrationId, 'm1');
      assert.equal((await store.getRun('cli'))?.migrationId, null);
      const ids = (runs: RunRecord[]) => runs.map((r) => r.id);
      assert.deepEqual(ids(await store.listRuns({ migrationId: 'm1' })), ['r3', 'r1']);
      assert.deepEqual(ids(await store.listRuns({ migrationId: 'm1', limit: 1 })), ['r3']);
      assert.deepEqual(ids(await store.listRuns({ limit: 2 })), ['cli', 'r3']);
      assert.deepEqual(ids(await store.listRuns(3)), ['cli', 'r3', 'r2']);
      assert.deepEqual(ids(await store.listRuns({ migrationId: 'none' })), []);

      // Deleting the definition keeps its runs, no longer linked.
      assert.equal(await store.migrations.delete('m1'), true);
      assert.equal((await store.getRun('r1'))?.migrationId, null);
      assert.deepEqual(ids(await store.listRuns()), ['cli', 'r3', 'r2', 'r1']);
    });

    it('refuses a run of an unknown migration as a conflict', async (t) => {
      const store = await openStore(t);
      await assert.rejects(
        store.createRun(run('r1', '2024-05-01T10:00:00.000Z', { migrationId: 'ghost' })),
        (error: unknown) => {
          assert.ok(error instanceof StoreConflictError);
          assert.equal(error.kind, 'missing-reference');
          assert.equal(error.message, 'there is no migration "ghost"');
          return true;
        },
      );
      assert.equal(await store.getRun('r1'), undefined);
    });
  });
}
