import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PHASES } from '../../src/state/run-types.ts';
import type { StateStore } from '../../src/state/state-store.ts';
import { SHOP_SQL, createSqliteDatabase, queryAll } from '../support/sqlite-fixture.ts';
import { runSpec } from '../support/run-spec.ts';
import { tempDir } from '../support/temp-dir.ts';

let dir: string;
const stores: StateStore[] = [];
after(() => Promise.all(stores.map((s) => s.close())));

before(async () => {
  dir = await tempDir();
  createSqliteDatabase(join(dir, 'shop.db'), SHOP_SQL);
});

async function run(spec: Record<string, unknown>, options = {}) {
  const result = await runSpec(dir, { source: { type: 'sqlite', path: 'shop.db' }, ...spec }, options);
  stores.push(result.store);
  return result;
}

describe('orchestrator (SQLite → SQLite)', () => {
  it('runs all seven phases, rejects dirty rows with reasons and balances the accounting', async () => {
    const { report, store } = await run({
      target: { type: 'sqlite', path: 'out-1.db' },
      naming: 'snake_case',
    });
    assert.equal(report.status, 'succeeded', report.error ?? '');
    assert.deepEqual(
      report.phases.map((p) => p.phase),
      [...PHASES],
    );
    assert.ok(report.accountingBalanced);
    assert.ok(report.verified);
    const byTable = Object.fromEntries(report.tables.map((t) => [t.target, t]));
    assert.deepEqual(
      [byTable.customers!.extracted, byTable.customers!.loaded, byTable.customers!.rejected],
      [4, 3, 1],
    );
    assert.deepEqual([byTable.orders!.loaded, byTable.orders!.rejected], [2, 2]);
    assert.equal(byTable.order_items!.loaded, 3);
    // The target holds the cast values.
    const customers = queryAll(join(dir, 'out-1.db'), 'SELECT * FROM customers ORDER BY cust_no');
    assert.deepEqual(customers, [
      { cust_no: 1, cust_name: 'Müller', e_mail: 'm@example.com', balance: 10.5, active: 1 },
      { cust_no: 2, cust_name: 'Dvořák', e_mail: null, balance: 7, active: 0 },
      { cust_no: 3, cust_name: 'Ōno 大野', e_mail: 'o@example.com', balance: 0, active: 1 },
    ]);
    // Indexes came after the data; the unique one is enforced.
    const indexes = queryAll<{ name: string; unique: number }>(
      join(dir, 'out-1.db'),
      `PRAGMA index_list(customers)`,
    );
    assert.ok(indexes.some((i) => i.name === 'ux_customers_e_mail' && i.unique === 1));
    // Rejected rows are stored with their original values and reasons.
    const rejects = await store.quarantine.list(report.runId);
    const keys = rejects.map((r) => `${r.table}:${r.key}`).sort();
    assert.deepEqual(keys, ['customers:[4]', 'orders:[11]', 'orders:[13]']);
    const bad = rejects.find((r) => r.key === '[4]')!;
    assert.equal(bad.values.Balance, '12,50');
    assert.deepEqual(
      { ...bad.reasons[0]!, message: bad.reasons[0]!.message.slice(0, 25) },
      { rule: 'cast', column: 'balance', severity: 'critical', message: '"12,50" is not a number (' },
    );
    // The store has the run, all phase timings and every partition done.
    assert.equal((await store.getRun(report.runId))?.status, 'succeeded');
    assert.equal((await store.phases(report.runId)).length, 7);
    const partitions = await store.partitions(report.runId);
    assert.ok(
      partitions.every((p) => p.status === 'done' && p.extracted === p.loaded + p.rejected + p.filtered),
    );
    // Verification found the orphan (order 12's customer is loaded, but order 11's lines? none) — all parents exist.
    assert.equal(
      report.tables.find((t) => t.target === 'order_items')!.verification!.foreignKeyViolations,
      0,
    );
  });

  it('honours the table modes: append adds, truncate replaces, fail-if-exists refuses before moving data', async () => {
    createSqliteDatabase(
      join(dir, 'log.db'),
      `CREATE TABLE Log (At TEXT, Msg TEXT); INSERT INTO Log VALUES ('a', 'x'), ('b', 'y');`,
    );
    const spec = { source: { type: 'sqlite', path: 'log.db' }, target: { type: 'sqlite', path: 'out-2.db' } };
    const first = await run(spec);
    assert.equal(first.report.tables[0]!.verification!.targetRows, 2);
    const appended = await run({ ...spec, mode: 'append' });
    assert.equal(appended.report.tables[0]!.verification!.rowsBefore, 2);
    assert.equal(appended.report.tables[0]!.verification!.targetRows, 4);
    assert.ok(appended.report.verified);
    const truncated = await run({ ...spec, mode: 'truncate' });
    assert.equal(truncated.report.tables[0]!.verification!.targetRows, 2);
    const runsBefore = (await truncated.store.listRuns()).length;
    await assert.rejects(
      run({ ...spec, mode: 'fail-if-exists' }),
      /already exists and the mode is fail-if-exists/,
    );
    assert.equal((await truncated.store.listRuns()).length, runsBefore, 'bad input records no run');
    assert.equal(queryAll(join(dir, 'out-2.db'), 'SELECT * FROM Log').length, 2);
  });

  it('leaves no trace when the spec does not fit the source', async () => {
    await assert.rejects(
      run({ target: { type: 'sqlite', path: 'never.db' }, tables: [{ name: 'Nope' }] }),
      /the source has no table "Nope"/,
    );
    assert.equal(existsSync(join(dir, 'never.db')), false, 'the target was not created');
  });

  it('rejects the rows that break a target key with the database message, instead of failing the run', async () => {
    const spec = { target: { type: 'sqlite', path: 'out-6.db' }, tables: [{ name: 'OrderItems' }] };
    await run(spec);
    const { report, store } = await run({ ...spec, mode: 'append' });
    assert.equal(report.status, 'succeeded', report.error ?? '');
    assert.deepEqual(
      { loaded: report.totals.loaded, rejected: report.totals.rejected },
      { loaded: 0, rejected: 3 },
    );
    const rejects = await store.quarantine.list(report.runId);
    assert.deepEqual(
      rejects.map((r) => r.reasons[0]!.message),
      Array(3).fill(
        'the target refused the row: UNIQUE constraint failed: OrderItems.OrderNo, OrderItems.LineNo (SQLITE_CONSTRAINT_PRIMARYKEY)',
      ),
    );
    assert.equal(queryAll(join(dir, 'out-6.db'), 'SELECT * FROM OrderItems').length, 3);
  });

  it('stops when the error policy is exceeded and records the failure', async () => {
    const { report, store } = await run({
      target: { type: 'sqlite', path: 'out-3.db' },
      errors: { maxRejects: 0 },
    });
    assert.equal(report.status, 'failed');
    assert.match(report.error ?? '', /more than errors\.maxRejects \(0\)/);
    assert.equal((await store.getRun(report.runId))?.status, 'failed');
    assert.ok(
      report.phases.some((p) => p.phase === 'cleanup'),
      'cleanup runs on failure too',
    );
  });

  it('enforces maxRejectRate at the end of a small run', async () => {
    const { report } = await run({
      target: { type: 'sqlite', path: 'out-4.db' },
      errors: { maxRejectRate: 0.1 },
    });
    assert.equal(report.status, 'failed');
    assert.match(report.error ?? '', /% of 11 rows rejected/);
  });

  it("enforces a table's maxRejectRate at the end of that table, however few rows it has", async () => {
    const { report } = await run({
      target: { type: 'sqlite', path: 'out-7.db' },
      include: ['*'],
      tables: [{ name: 'Orders', errors: { maxRejectRate: 0.4 } }],
    });
    assert.equal(report.status, 'failed');
    assert.match(
      report.error ?? '',
      /50\.00% of 4 rows of table \w+ rejected, more than tables\[0\]\.errors\.maxRejectRate \(40\.00%\)/i,
    );
  });

  it('stops at a batch boundary when aborted', async () => {
    const big = join(dir, 'big.db');
    createSqliteDatabase(
      big,
      `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) INSERT INTO t SELECT i, 'value ' || i FROM n;`,
    );
    const abort = new AbortController();
    let seen = 0;
    const { report } = await runSpec(
      dir,
      {
        source: { type: 'sqlite', path: 'big.db' },
        target: { type: 'sqlite', path: 'out-5.db' },
        batchSize: 1000,
      },
      {
        signal: abort.signal,
        observer: {
          tableProgress: (p) => {
            seen = p.extracted;
            if (p.extracted >= 5000) abort.abort();
          },
        },
      },
    ).then((r) => (stores.push(r.store), r));
    assert.equal(report.status, 'paused', 'a stopped run can be resumed');
    assert.match(report.error ?? '', /stopped on request/);
    assert.ok(seen < 200000);
    const loaded = queryAll<{ n: number }>(join(dir, 'out-5.db'), 'SELECT COUNT(*) AS n FROM t')[0]!.n;
    assert.equal(loaded, report.totals.loaded, 'what was loaded is exactly what the report says');
    assert.equal(loaded % 1000, 0, 'stopped at a batch boundary');
  });
});

describe('run ids', () => {
  it('are sortable by start time and distinct within the same second', async () => {
    const { newRunId } = await import('../../src/engine/orchestrator.ts');
    const second = new Date('2026-11-29T19:47:00.123Z');
    const ids = new Set(Array.from({ length: 5000 }, () => newRunId(second)));
    assert.equal(ids.size, 5000);
    assert.match([...ids][0]!, /^20261129-194700-[0-9a-f]{8}$/);
    assert.ok(newRunId(new Date('2026-11-29T19:47:01Z')) > [...ids].sort().at(-1)!);
  });
});
