/**
 * Issue 14, defect 5: the limits of an existing target table. In append and truncate modes the plan is
 * made against the table as it is (types, lengths, ranges, NOT NULL), so a value that cannot fit is
 * rejected by Validation with its reason; and a batch the target refuses for a data reason (a CHECK, a
 * unique key, …) is split to isolate the refused rows, which are rejected with the database's message,
 * while the rest loads. PostgreSQL, MariaDB and SQLite targets.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { formatPlan, planSpecFile } from '../../src/cli/plan-command.ts';
import { resumeMigration } from '../../src/engine/orchestrator.ts';
import type { RunReport } from '../../src/engine/report.ts';
import type { StateStore } from '../../src/state/state-store.ts';
import type { StoredReject } from '../../src/state/quarantine-store.ts';
import { runSpec } from '../support/run-spec.ts';
import { createSqliteDatabase } from '../support/sqlite-fixture.ts';
import { tempDir } from '../support/temp-dir.ts';
import {
  mysqlEndpoint,
  postgresEndpoint,
  sqliteEndpoint,
  type DatabaseEndpoint,
} from '../support/database-endpoints.ts';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const TARGETS: Record<string, (dir: string) => Promise<DatabaseEndpoint>> = {
  postgres: () => postgresEndpoint(),
  mariadb: () => mysqlEndpoint(),
  sqlite: (dir) => sqliteEndpoint(dir),
};

async function target(kind: string, dir: string): Promise<DatabaseEndpoint> {
  const endpoint = await TARGETS[kind]!(dir);
  cleanups.push(() => endpoint.drop());
  return endpoint;
}

/** Runs `csv` (written as t.csv) into `endpoint` with `spec` options; returns the report and rejects. */
async function migrateCsv(
  dir: string,
  endpoint: DatabaseEndpoint,
  csv: string,
  spec: Record<string, unknown> = {},
): Promise<{ report: RunReport; rejects: StoredReject[]; file: string }> {
  await writeFile(join(dir, 't.csv'), csv);
  let store: StateStore | undefined;
  try {
    const run = await runSpec(dir, {
      source: { type: 'csv', path: 't.csv' },
      target: endpoint.spec,
      mode: 'append',
      ...spec,
    });
    store = run.store;
    const rejects = await run.store.quarantine.list(run.report.runId);
    return { report: run.report, rejects, file: run.file };
  } finally {
    await store?.close();
  }
}

/** Every reason of every reject as `column: message`. */
function reasons(rejects: StoredReject[]): string[] {
  return rejects.flatMap((r) => r.reasons.map((reason) => `${reason.column ?? '(row)'}: ${reason.message}`));
}

function assertBalanced(report: RunReport): void {
  const t = report.totals;
  assert.equal(t.extracted, t.loaded + t.rejected + t.filtered, JSON.stringify(t));
  assert.ok(report.accountingBalanced);
}

test('PostgreSQL varchar(3), append: abcd is rejected with its reason, ab loads, and the plan says varchar(3)', async () => {
  const dir = await tempDir();
  const pg = await target('postgres', dir);
  await pg.exec('CREATE TABLE t (v varchar(3))');
  await writeFile(join(dir, 't.csv'), 'v\nab\nabcd\n');
  const planFile = join(dir, 'plan.yaml');
  await writeFile(
    planFile,
    stringify({ version: 1, source: { type: 'csv', path: 't.csv' }, target: pg.spec, mode: 'append' }),
  );
  const shown = formatPlan(await planSpecFile(planFile));
  assert.match(shown, /\bv\s+\S+\s+v\s+varchar\(3\)/, shown);

  const { report, rejects } = await migrateCsv(dir, pg, 'v\nab\nabcd\n');
  assert.equal(report.status, 'succeeded', report.error ?? '');
  assert.equal(report.totals.loaded, 1);
  assert.equal(report.totals.rejected, 1);
  assertBalanced(report);
  assert.deepEqual(await pg.rows('t'), [{ v: 'ab' }]);
  assert.deepEqual(reasons(rejects), ['v: is 4 characters, longer than varchar(3)']);
});

describe('values past the limits of an existing table are rejected by Validation', () => {
  const CSV = ['id,small,amount,tiny,name', '1,7,1.5,200,a', '2,40000,2,1,b', '3,1,1000.5,1,c', '4,1,3,300,'];

  test('PostgreSQL: smallint, numeric(5,2) and NOT NULL', async () => {
    const dir = await tempDir();
    const pg = await target('postgres', dir);
    await pg.exec(
      'CREATE TABLE t (id integer PRIMARY KEY, small smallint, amount numeric(5,2), tiny integer, name text NOT NULL)',
    );
    const { report, rejects } = await migrateCsv(dir, pg, `${CSV.join('\n')}\n`);
    assert.equal(report.status, 'succeeded', report.error ?? '');
    assertBalanced(report);
    assert.deepEqual(
      (await pg.rows('t')).map((r) => r.id),
      ['1'],
    );
    const shown = reasons(rejects);
    assert.equal(rejects.length, 3, shown.join('\n'));
    assert.ok(
      shown.some((r) => r.startsWith('small: ') && /-32768 to 32767/.test(r)),
      shown.join('\n'),
    );
    assert.ok(
      shown.some((r) => r.startsWith('amount: ') && /decimal\(5,2\)/.test(r)),
      shown.join('\n'),
    );
    assert.ok(shown.includes('name: is NULL but the target column is NOT NULL'), shown.join('\n'));
  });

  test('MariaDB: smallint, decimal(5,2), tinyint unsigned and NOT NULL', async () => {
    const dir = await tempDir();
    const my = await target('mariadb', dir);
    await my.exec(
      'CREATE TABLE t (id int PRIMARY KEY, small smallint, amount decimal(5,2), tiny tinyint unsigned, name varchar(10) NOT NULL)',
    );
    const { report, rejects } = await migrateCsv(dir, my, `${CSV.join('\n')}\n`);
    assert.equal(report.status, 'succeeded', report.error ?? '');
    assertBalanced(report);
    assert.deepEqual(
      (await my.rows('t')).map((r) => r.id),
      [1],
    );
    const shown = reasons(rejects);
    assert.equal(rejects.length, 3, shown.join('\n'));
    assert.ok(
      shown.some((r) => r.startsWith('small: ') && /-32768 to 32767/.test(r)),
      shown.join('\n'),
    );
    assert.ok(
      shown.some((r) => r.startsWith('amount: ') && /decimal\(5,2\)/.test(r)),
      shown.join('\n'),
    );
    assert.ok(
      shown.some((r) => r.startsWith('tiny: ') && /0 to 255/.test(r)),
      shown.join('\n'),
    );
  });
});

/** Ten rows; row 3 breaks the CHECK, row 5 repeats the key of the row already there, row 8 repeats row 7's code. */
const REFUSED_CSV = `${[
  'id,qty,code',
  ...Array.from({ length: 10 }, (_, i) => {
    const id = i + 1;
    const qty = id === 3 ? -1 : id;
    const code = id === 8 ? 'c7' : `c${id}`;
    return `${id === 5 ? 100 : id},${qty},${code}`;
  }),
].join('\n')}\n`;

for (const kind of ['postgres', 'mariadb', 'sqlite']) {
  test(`${kind}: rows the target refuses (CHECK, primary key, unique) are isolated and rejected; the rest loads`, async () => {
    const dir = await tempDir();
    const db = await target(kind, dir);
    await db.exec(
      `CREATE TABLE t (id integer PRIMARY KEY, qty integer CHECK (qty > 0), code varchar(10) UNIQUE);
       INSERT INTO t VALUES (100, 1, 'old')`,
    );
    // Batches of 4: refusals in several batches, and later checkpoints corrected for earlier ones.
    const { report, rejects, file } = await migrateCsv(dir, db, REFUSED_CSV, { batchSize: 4 });
    assert.equal(report.status, 'succeeded', report.error ?? '');
    assert.equal(report.totals.extracted, 10);
    assert.equal(report.totals.loaded, 7);
    assert.equal(report.totals.rejected, 3);
    assertBalanced(report);
    assert.ok(report.verified, JSON.stringify(report.tables[0]!.verification));
    const ids = (await db.rows('t')).map((r) => Number(r.id));
    assert.deepEqual(ids, [1, 2, 4, 6, 7, 9, 10, 100]);
    const shown = reasons(rejects);
    assert.equal(rejects.length, 3, shown.join('\n'));
    for (const reason of rejects.flatMap((r) => r.reasons)) {
      assert.equal(reason.rule, 'target constraints');
      assert.equal(reason.severity, 'critical');
      assert.match(reason.message, /^the target refused the row: /);
      // The database's message, without the row's values.
      assert.doesNotMatch(reason.message, /c7|\b100\b|-1\b/, reason.message);
    }
    const quality = report.tables[0]!.quality!;
    const constraints = quality.rules.find((r) => r.name === 'target constraints')!;
    assert.equal(constraints.failed, 3);
    if (kind !== 'sqlite') {
      // The plan names the CHECK constraint the database enforces.
      const shown = formatPlan(await planSpecFile(file));
      assert.match(
        shown,
        /note: the existing target table enforces CHECK constraint \S+: .*qty`? > 0/,
        shown,
      );
    }
  });
}

test('PostgreSQL: rows refused in several partitions are counted once across a pause and a resume', async () => {
  const dir = await tempDir();
  const pg = await target('postgres', dir);
  await pg.exec('CREATE TABLE items (id integer PRIMARY KEY, qty integer CHECK (qty % 17 <> 0))');
  const values = Array.from({ length: 2500 }, (_, i) => `(${i + 1}, ${i + 1})`).join(', ');
  createSqliteDatabase(
    join(dir, 'source.db'),
    `CREATE TABLE items (id INTEGER PRIMARY KEY, qty INT); INSERT INTO items VALUES ${values};`,
  );
  const refused = Math.floor(2500 / 17);
  const spec = {
    source: { type: 'sqlite', path: 'source.db' },
    target: pg.spec,
    mode: 'append',
    batchSize: 50,
    partitionRows: 1000,
    parallelism: 2,
  };
  const stop = new AbortController();
  const first = await runSpec(dir, spec, {
    signal: stop.signal,
    observer: {
      tableProgress: (progress) => {
        if (progress.loaded >= 600) stop.abort();
      },
    },
  });
  try {
    assert.equal(first.report.status, 'paused', first.report.error ?? '');
    assert.ok(first.report.totals.rejected > 0, 'some rows were refused before the pause');
    const report = await resumeMigration(first.report.runId, { store: first.store });
    assert.equal(report.status, 'succeeded', report.error ?? '');
    assert.deepEqual(report.totals, {
      extracted: 2500,
      loaded: 2500 - refused,
      rejected: refused,
      filtered: 0,
    });
    assert.ok(report.verified, JSON.stringify(report.tables[0]!.verification));
    const rejects = await first.store.quarantine.list(report.runId);
    assert.deepEqual(
      rejects.map((r) => Number(JSON.parse(r.key)[0])).sort((a, b) => a - b),
      Array.from({ length: refused }, (_, i) => 17 * (i + 1)),
      'each refused row is in the quarantine once',
    );
    assert.equal((await pg.rows('items')).length, 2500 - refused);
    assert.match(rejects[0]!.reasons[0]!.message, /violates check constraint "items_qty_check" \(23514\)$/);
  } finally {
    await first.store.close();
  }
});
