import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import type { PartitionProgress, RejectedRow, RunRecord } from '../../src/state/run-types.ts';
import { StateStore, type StoredReject } from '../../src/state/state-store.ts';

/** A path for a store file in a not yet existing directory, removed after the test. */
async function storePath(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jivs-state-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'state', 'jivs-state.db');
}

async function openStore(t: TestContext, path?: string): Promise<StateStore> {
  const store = await StateStore.open(path ?? (await storePath(t)));
  t.after(() => store.close());
  return store;
}

function run(id: string, startedAt: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    specName: 'erp-to-pg',
    specFile: '/specs/erp.yaml',
    specHash: 'hash-1',
    status: 'running',
    startedAt,
    finishedAt: null,
    error: null,
    owner: 'host:1',
    attempt: 1,
    ...overrides,
  };
}

function partition(
  table: string,
  index: number,
  overrides: Partial<PartitionProgress> = {},
): PartitionProgress {
  return {
    table,
    index,
    bounds: { kind: 'key-range', keyColumn: 'id', from: index * 100, to: (index + 1) * 100 },
    status: 'running',
    extracted: 0,
    loaded: 0,
    rejected: 0,
    filtered: 0,
    owner: null,
    attempt: 0,
    ...overrides,
  };
}

function reject(table: string, key: string, values: Record<string, unknown> = {}): RejectedRow {
  return {
    table,
    partition: 0,
    key,
    values,
    reasons: [{ rule: 'cast', column: 'id', severity: 'critical', message: `${table} ${key} is bad` }],
  };
}

function withoutIds(rows: StoredReject[]): RejectedRow[] {
  return rows.map(({ id: _id, ...row }) => row);
}

function tablesIn(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
      .pluck()
      .all() as string[];
  } finally {
    db.close();
  }
}

describe('StateStore', () => {
  it('creates a new store file and runs the migrations', async (t) => {
    const path = await storePath(t);
    const store = await StateStore.open(path);
    await store.close();
    const tables = tablesIn(path);
    for (const name of ['runs', 'phase_timings', 'partitions', 'rejects', 'kysely_migration']) {
      assert.ok(tables.includes(name), `table ${name} missing from ${tables.join(', ')}`);
    }
  });

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

  it('refuses a second run with the same id', async (t) => {
    const store = await openStore(t);
    await store.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
    await assert.rejects(store.createRun(run('r1', '2024-05-02T10:00:00.000Z')), /UNIQUE/);
  });

  it('finishes a run with its status, error and report', async (t) => {
    const store = await openStore(t);
    await store.createRun(run('ok', '2024-05-01T10:00:00.000Z'));
    await store.createRun(run('bad', '2024-05-01T11:00:00.000Z'));
    const before = new Date().toISOString();
    await store.finishRun('ok', 'succeeded', null, { tables: [{ name: 'orders', loaded: 12n }], total: 12 });
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

  it('stores rejected rows with bigint and Buffer values as JSON', async (t) => {
    const store = await openStore(t);
    await store.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
    await store.addRejects('r1', [
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
    assert.deepEqual(withoutIds(await store.rejects('r1')), [
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
    await store.addRejects('r1', [reject('evil', '[1]', values)]);
    const [stored] = await store.rejects('r1');
    assert.ok(stored);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(stored.values), Object.prototype);
    assert.ok(Object.hasOwn(stored.values, '__proto__'));
    assert.deepEqual(Object.getOwnPropertyDescriptor(stored.values, '__proto__')?.value, { polluted: 'yes' });
    assert.equal(stored.values.constructor, 'c');
    assert.equal(stored.values.id, 1);
  });

  it('filters rejected rows by table and limits them, in insertion order', async (t) => {
    const store = await openStore(t);
    await store.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
    await store.createRun(run('r2', '2024-05-01T11:00:00.000Z'));
    await store.addRejects('r1', [reject('orders', '1'), reject('customers', '2'), reject('orders', '3')]);
    await store.addRejects('r1', [reject('orders', '4')]);
    await store.addRejects('r1', []);
    await store.addRejects('r2', [reject('orders', '5')]);

    const keys = (rows: RejectedRow[]) => rows.map((r) => `${r.table}:${r.key}`);
    assert.deepEqual(keys(await store.rejects('r1')), ['orders:1', 'customers:2', 'orders:3', 'orders:4']);
    assert.deepEqual(keys(await store.rejects('r1', { table: 'orders' })), [
      'orders:1',
      'orders:3',
      'orders:4',
    ]);
    assert.deepEqual(keys(await store.rejects('r1', { table: 'orders', limit: 2 })), [
      'orders:1',
      'orders:3',
    ]);
    assert.deepEqual(keys(await store.rejects('r1', { limit: 1 })), ['orders:1']);
    assert.deepEqual(keys(await store.rejects('r1', { table: 'nothing' })), []);
    assert.deepEqual(keys(await store.rejects('r2')), ['orders:5']);
  });

  it('keeps its data when reopened', async (t) => {
    const path = await storePath(t);
    const first = await StateStore.open(path);
    await first.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
    await first.savePartition('r1', partition('orders', 0, { status: 'done', extracted: 5, loaded: 5 }));
    await first.addRejects('r1', [reject('orders', '7', { id: 7 })]);
    await first.finishRun('r1', 'succeeded', null, { ok: true });
    await first.close();

    const second = await openStore(t, path);
    assert.equal((await second.getRun('r1'))?.status, 'succeeded');
    assert.deepEqual((await second.getRun('r1'))?.report, { ok: true });
    assert.deepEqual(await second.partitions('r1'), [
      partition('orders', 0, { status: 'done', extracted: 5, loaded: 5 }),
    ]);
    assert.deepEqual(withoutIds(await second.rejects('r1')), [reject('orders', '7', { id: 7 })]);
    await second.createRun(run('r2', '2024-05-02T10:00:00.000Z'));
    assert.deepEqual(
      (await second.listRuns()).map((r) => r.id),
      ['r2', 'r1'],
    );
  });

  it('refuses a store written by a newer version, and leaves it untouched', async (t) => {
    const path = await storePath(t);
    const store = await StateStore.open(path);
    await store.createRun(run('r1', '2024-05-01T10:00:00.000Z'));
    await store.close();

    const db = new Database(path);
    db.prepare(`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-future', ?)`).run(
      new Date().toISOString(),
    );
    db.close();

    await assert.rejects(StateStore.open(path), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, /newer JiVS Migrate/);
      assert.ok(error.message.includes(path), error.message);
      return true;
    });

    const check = new Database(path, { readonly: true });
    try {
      assert.equal(check.prepare('SELECT COUNT(*) FROM runs').pluck().get(), 1);
      assert.deepEqual(check.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all(), [
        '0001-initial',
        '0002-reject-reasons',
        '0003-resumable-runs',
        '9999-future',
      ]);
    } finally {
      check.close();
    }
  });

  it('refuses a file that is not a SQLite database, naming it', async (t) => {
    const path = await storePath(t);
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
    const store = await openStore(t, ':memory:');
    await store.createRun(run('m', '2024-05-01T10:00:00.000Z'));
    assert.equal((await store.getRun('m'))?.id, 'm');
  });
});
