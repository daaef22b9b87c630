import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { inspect } from 'node:util';
import { describe, it, type TestContext } from 'node:test';
import { Migrator, sql } from 'kysely';
import type { PartitionProgress, RejectedRow, RunRecord } from '../../src/state/run-types.ts';
import { stateMigrations } from '../../src/state/migrations/index.ts';
import { StateStore } from '../../src/state/state-store.ts';
import type { StoredReject } from '../../src/state/quarantine-store.ts';
import { StoreConflictError } from '../../src/state/store-errors.ts';
import { BACKENDS, openStore as openBackendStore, postgresStoreDescription } from './store-backends.ts';

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
    migrationId: null,
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

const MIGRATIONS = [
  '0001-initial',
  '0002-reject-reasons',
  '0003-resumable-runs',
  '0004-service',
  '0005-user-ids',
  '0006-usernames-ignore-case',
  '0007-raw-reject-values',
];

for (const backend of BACKENDS) {
  describe(`StateStore on ${backend.name}`, () => {
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
