/** Transforms, rules, the quarantine, policies and replay in real runs (SQLite → SQLite). */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { keyIndexPath } from '../../src/engine/orchestrator.ts';
import { replayRejects } from '../../src/engine/replay.ts';
import { InputError } from '../../src/core/errors.ts';
import { hashValue, tokenize } from '../../src/rules/masking.ts';
import { loadSpec } from '../../src/plan/load-spec.ts';
import { describeReason } from '../../src/state/run-types.ts';
import type { StateStore } from '../../src/state/state-store.ts';
import { runSpec } from '../support/run-spec.ts';
import { createSqliteDatabase, queryAll } from '../support/sqlite-fixture.ts';
import { tempDir } from '../support/temp-dir.ts';

const SQL = `
CREATE TABLE Customers (CustNo INTEGER PRIMARY KEY, Name TEXT NOT NULL, EMail TEXT, Country TEXT, Limit_ TEXT);
CREATE TABLE Orders (OrderNo INTEGER PRIMARY KEY, CustNo INTEGER NOT NULL, Placed TEXT, Status TEXT, Total TEXT);
CREATE TABLE Countries (Code TEXT PRIMARY KEY, Name TEXT NOT NULL);
INSERT INTO Countries VALUES ('DE', 'Germany'), ('FR', 'France');
INSERT INTO Customers VALUES
  (1, ' Anna ', 'ANNA@example.com', 'de', '1000'),
  (2, 'Bert', 'bert@', 'fr', '12,50'),
  (3, 'Cleo', 'cleo@example.com', 'xx', '5'),
  (4, 'Dora', 'anna@example.com', 'DE', '7'),
  (5, 'Emil', NULL, NULL, NULL);
INSERT INTO Orders VALUES
  (10, 1, '31.12.2019', 'OPEN', '10.5'),
  (11, 2, '2020-01-05', 'OPEN', '3'),
  (12, 9, '2020-02-01', 'SHIPPED', '4'),
  (13, 3, 'someday', 'CANCELLED', '1'),
  (14, 5, '01/02/2020', 'TEST', '2');
`;

let dir: string;
const stores: StateStore[] = [];
after(() => Promise.all(stores.map((s) => s.close())));
before(async () => {
  dir = await tempDir();
  createSqliteDatabase(join(dir, 'crm.db'), SQL);
  await writeFile(join(dir, 'status.csv'), 'code,label\nOPEN,open\nSHIPPED,shipped\n');
});

const customers = (extra: Record<string, unknown> = {}) => ({
  name: 'Customers',
  columns: {
    Name: { transform: ['trim'] },
    EMail: { transform: ['lower'], rules: [{ format: 'email' }, { unique: true }] },
    Country: {
      transform: ['upper', { lookup: { table: 'Countries', key: 'Code', value: 'Name', otherwise: 'null' } }],
      rules: [{ completeness: 0.9, severity: 'warning' }],
    },
    Limit_: { rename: 'credit_limit', type: 'decimal(10,2)', rules: [{ min: 0 }] },
  },
  ...extra,
});

const orders = (extra: Record<string, unknown> = {}) => ({
  name: 'Orders',
  columns: {
    CustNo: { rules: [{ references: { table: 'Customers', column: 'CustNo' } }] },
    Placed: {
      type: 'date',
      transform: [{ parseDate: { formats: ['yyyy-MM-dd', 'dd.MM.yyyy', 'MM/dd/yyyy'] } }],
    },
    Status: {
      transform: [{ lookup: { file: 'status.csv', key: 'code', value: 'label', otherwise: 'reject' } }],
    },
    Total: { type: 'decimal(10,2)' },
  },
  filter: 'Status != "CANCELLED"',
  computed: { source_system: { type: 'text', value: 'crm' } },
  ...extra,
});

async function run(spec: Record<string, unknown>, target: string) {
  const result = await runSpec(dir, {
    source: { type: 'sqlite', path: 'crm.db' },
    target: { type: 'sqlite', path: target },
    include: ['Customers', 'Orders'],
    ...spec,
  });
  stores.push(result.store);
  return result;
}

describe('rules in a migration', () => {
  it('transforms, rejects with rule names, filters, waits for the parent and reports quality', async () => {
    const { report, store } = await run({ tables: [customers(), orders()] }, 'out-1.db');
    assert.equal(report.status, 'succeeded', report.error ?? '');
    const byTable = Object.fromEntries(report.tables.map((t) => [t.target, t]));
    // Bert: bad e-mail and "12,50"; Dora: the same e-mail as Anna (after lower).
    assert.deepEqual([byTable.Customers!.loaded, byTable.Customers!.rejected], [3, 2]);
    // 11: Bert was rejected; 12: no customer 9; 13: cancelled (filtered); 14: status TEST has no label.
    assert.deepEqual([byTable.Orders!.loaded, byTable.Orders!.rejected, byTable.Orders!.filtered], [1, 3, 1]);
    assert.ok(report.accountingBalanced && report.verified);
    assert.deepEqual(queryAll(join(dir, 'out-1.db'), 'SELECT * FROM Customers ORDER BY CustNo'), [
      { CustNo: 1, Name: 'Anna', EMail: 'anna@example.com', Country: 'Germany', credit_limit: 1000 },
      { CustNo: 3, Name: 'Cleo', EMail: 'cleo@example.com', Country: null, credit_limit: 5 },
      { CustNo: 5, Name: 'Emil', EMail: null, Country: null, credit_limit: null },
    ]);
    assert.deepEqual(queryAll(join(dir, 'out-1.db'), 'SELECT * FROM Orders'), [
      { OrderNo: 10, CustNo: 1, Placed: '2019-12-31', Status: 'open', Total: 10.5, source_system: 'crm' },
    ]);
    const rejects = await store.quarantine.list(report.runId);
    const reasons = Object.fromEntries(
      rejects.map((r) => [`${r.table}${r.key}`, r.reasons.map((x) => x.rule)]),
    );
    assert.deepEqual(reasons, {
      'Customers[2]': ['cast', 'EMail.format'],
      'Customers[4]': ['EMail.unique'],
      'Orders[11]': ['CustNo.references'],
      'Orders[12]': ['CustNo.references'],
      'Orders[14]': ['transform'],
    });
    assert.deepEqual(rejects.find((r) => r.key === '[14]')!.reasons.map(describeReason), [
      'Status: "TEST" has no entry in the lookup file status.csv',
    ]);
    assert.equal(await store.quarantine.count(report.runId, { rule: 'CustNo.references' }), 2);
    assert.ok(existsSync(keyIndexPath(store, report.runId)), 'kept for a replay of the rejected rows');
    assert.equal(await store.quarantine.count(report.runId, { column: 'EMail', severity: 'major' }), 2);
    // Quality: 3 of the 5 customers checked have a country after the lookup: below 90 %, only a warning.
    const quality = byTable.Customers!.quality!;
    const completeness = quality.rules.find((r) => r.kind === 'completeness')!;
    assert.deepEqual([completeness.checked, completeness.failed], [1, 1]);
    assert.ok(
      report.warnings.some((w) =>
        /Customers\.Country: 60\.00% of the values are filled, below the completeness rule's 90\.00%/.test(w),
      ),
    );
    assert.ok(quality.score < 100);
  });

  it('replays the rejected rows after the spec is fixed: their accounting moves to loaded', async () => {
    const first = await run({ tables: [customers(), orders()] }, 'out-2.db');
    assert.equal(first.report.status, 'succeeded', first.report.error ?? '');
    const fixed = {
      version: 1,
      source: { type: 'sqlite', path: 'crm.db' },
      target: { type: 'sqlite', path: 'out-2.db' },
      include: ['Customers', 'Orders'],
      tables: [
        customers({
          columns: {
            ...customers().columns,
            EMail: {
              transform: ['lower'],
              rules: [{ format: 'email', severity: 'minor' }, { unique: true }],
            },
            Limit_: {
              rename: 'credit_limit',
              type: 'decimal(10,2)',
              transform: [{ replace: { pattern: ',', with: '.' } }],
            },
          },
        }),
        orders(),
      ],
    };
    const file = join(dir, 'fixed.yaml');
    await writeFile(file, JSON.stringify(fixed));
    const result = await replayRejects(first.report.runId, await loadSpec(file), first.store);
    const customersReplay = result.tables.find((t) => t.table === 'Customers')!;
    // Bert loads now; Dora's e-mail still duplicates Anna's (the key index remembers the first run).
    assert.deepEqual(
      [customersReplay.replayed, customersReplay.loaded, customersReplay.stillRejected],
      [2, 1, 1],
    );
    const stored = (await first.store.getRun(first.report.runId))!.report as typeof first.report;
    const table = stored.tables.find((t) => t.target === 'Customers')!;
    assert.deepEqual([table.loaded, table.rejected], [4, 1]);
    assert.ok(stored.accountingBalanced);
    assert.equal(table.verification!.targetRows, 4);
    assert.ok(table.verification!.countsMatch);
    assert.equal(await first.store.quarantine.count(first.report.runId, { table: 'Customers' }), 1);
    const names = queryAll<{ Name: string }>(
      join(dir, 'out-2.db'),
      'SELECT Name FROM Customers ORDER BY CustNo',
    );
    assert.deepEqual(
      names.map((r) => r.Name),
      ['Anna', 'Bert', 'Cleo', 'Emil'],
    );
  });

  it('a table error policy stops the run naming its spec path', async () => {
    const { report } = await run(
      { tables: [customers({ errors: { maxRejects: 1 } }), orders()] },
      'out-3.db',
    );
    assert.equal(report.status, 'failed');
    assert.match(
      report.error!,
      /2 rows of table Customers rejected, more than tables\[0\]\.errors\.maxRejects \(1\)/,
    );
  });

  it('strict: the first critical failure stops the run before its batch loads', async () => {
    const strict = customers({
      columns: { ...customers().columns, EMail: { rules: [{ format: 'email', severity: 'critical' }] } },
    });
    const { report } = await run({ tables: [strict, orders()], errors: { strict: true } }, 'out-4.db');
    assert.equal(report.status, 'failed');
    assert.match(
      report.error!,
      /errors\.strict\): Customers row \[2\] failed the critical rule cast: credit_limit: "12,50" is not a number/,
    );
    assert.equal(queryAll(join(dir, 'out-4.db'), 'SELECT * FROM Customers').length, 0);
  });

  it('a critical completeness rule fails the run', async () => {
    const table = customers({
      columns: { ...customers().columns, Country: { rules: [{ completeness: 0.99, severity: 'critical' }] } },
    });
    const { report } = await run({ tables: [table], include: ['Customers'] }, 'out-5.db');
    assert.equal(report.status, 'failed');
    assert.match(
      report.error!,
      /Customers\.Country: 80\.00% of the values are filled, below the completeness rule's 99\.00%/,
    );
  });
});

describe('masks in a migration', () => {
  it('hashes and tokenizes with the salt from the environment, which no report or reject shows', async () => {
    const salt = 'pepper-7f3a9c';
    process.env.JIVS_TEST_SALT = salt;
    try {
      const { report, store } = await run(
        {
          masking: { salt: '${ENV:JIVS_TEST_SALT}' },
          include: ['Customers'],
          tables: [
            {
              name: 'Customers',
              columns: {
                EMail: { mask: 'hash' },
                Name: { mask: 'tokenize' },
              },
            },
          ],
        },
        'out-masks.db',
      );
      assert.equal(report.status, 'succeeded', report.error ?? '');
      const rows = queryAll<{ CustNo: number; Name: string; EMail: string | null }>(
        join(dir, 'out-masks.db'),
        'SELECT CustNo, Name, EMail FROM Customers ORDER BY CustNo',
      );
      assert.equal(rows[0]!.EMail, hashValue('ANNA@example.com', salt));
      assert.equal(rows[0]!.Name, tokenize(' Anna ', salt));
      assert.match(rows[0]!.Name, /^ [A-Z][a-z]{3} $/, 'a token keeps the shape');
      assert.equal(rows.find((r) => r.CustNo === 5)!.EMail, null, 'NULL stays NULL');
      const stored = JSON.stringify([
        await store.getRun(report.runId),
        await store.quarantine.list(report.runId),
      ]);
      assert.ok(!stored.includes(salt), 'the salt is never stored');
      assert.equal(report.totals.rejected, 0);
      assert.ok(!existsSync(keyIndexPath(store, report.runId)), 'no rejected rows: no key index left behind');
    } finally {
      delete process.env.JIVS_TEST_SALT;
    }
  });
});

describe('bad rules stop before any data moves', () => {
  async function problems(tables: unknown[]): Promise<string[]> {
    const error = await run({ tables }, 'never.db').then(
      () => assert.fail('expected an InputError'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof InputError, String(error));
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }

  it('names unknown columns, functions and tables with their spec paths and positions', async () => {
    const found = await problems([
      customers({
        filter: 'Nme == "x"',
        rules: [{ check: 'frobnicate(Name)' }, { unique: ['EMial'] }],
        computed: { doubled: { type: 'integer', expr: 'CustNo +' } },
      }),
      orders({ columns: { CustNo: { rules: [{ references: { table: 'Clients', column: 'CustNo' } }] } } }),
    ]);
    const text = found.join('\n');
    assert.match(
      text,
      /tables\[0\]\.computed\.doubled\.expr: expression does not parse: Unexpected token: EOF at position 9/,
    );
    assert.ok(!existsSync(join(dir, 'never.db')), 'the target was never created');
  });

  it('reports type and name problems found against the source', async () => {
    const found = await problems([
      customers({ filter: 'Nme == "x"', rules: [{ check: 'frobnicate(Name)' }, { check: 'CustNo + 1' }] }),
      orders({
        columns: { CustNo: { rules: [{ references: { table: 'Clients', column: 'CustNo' } }] } },
        rules: [{ unique: ['EMial'] }],
      }),
    ]);
    const text = found.join('\n');
    assert.match(
      text,
      /tables\[0\]\.filter: Unknown variable: Nme at position 1: "⟨here⟩Nme == \\"x\\"". Known columns: CustNo, Name, EMail, Country, Limit_/,
    );
    assert.match(
      text,
      /tables\[0\]\.rules\[0\]\.check: found no matching overload for 'frobnicate\(string\)' at position 1/,
    );
    assert.match(text, /tables\[0\]\.rules\[1\]\.check: must be true or false, but gives int/);
    assert.match(text, /tables\[1\]\.rules\[0\]\.unique\[0\]: table "Orders" has no column "EMial"/);
    assert.match(
      text,
      /tables\[1\]\.columns\.CustNo\.rules\[0\]\.references\.table: table "Clients" is not migrated in this run/,
    );
  });
});
