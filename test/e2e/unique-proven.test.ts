/**
 * `unique` rules the source already proves (a PRIMARY KEY or UNIQUE constraint on the same integer
 * columns, untransformed) are not checked row by row: no key index claims, the quality report counts
 * their rows as checked and passed, and `jivs plan` names the proof. Other unique rules (here on a
 * column without a constraint) still go through the key index and catch duplicates across partitions.
 * MariaDB → PostgreSQL, several partitions.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import { formatPlan, planSpecFile } from '../../src/cli/plan-command.ts';
import { keyIndexPath } from '../../src/engine/orchestrator.ts';
import type { RunReport } from '../../src/engine/report.ts';
import type { StateStore } from '../../src/state/state-store.ts';
import { mysqlEndpoint, postgresEndpoint, type DatabaseEndpoint } from '../support/database-endpoints.ts';
import { runSpec } from '../support/run-spec.ts';
import { tempDir } from '../support/temp-dir.ts';

const ROWS = 3500;
/** Rows 3001–3010 repeat the `ref` of rows 1–10 (another partition). */
const DUPLICATES = 10;

describe('unique rules proven by the source (MariaDB → PostgreSQL)', () => {
  let dir: string;
  let sourceDb: DatabaseEndpoint;
  let targetDb: DatabaseEndpoint;
  let store: StateStore;
  let report: RunReport;
  let file: string;

  before(async () => {
    dir = await tempDir('jivs-unique-proven-');
    sourceDb = await mysqlEndpoint();
    targetDb = await postgresEndpoint();
    await sourceDb.exec(`CREATE TABLE orders (id INT PRIMARY KEY, code INT NOT NULL UNIQUE, ref INT NOT NULL,
      note VARCHAR(10) NOT NULL) ENGINE=InnoDB`);
    const values = Array.from({ length: ROWS }, (_, i) => {
      const id = i + 1;
      const ref = id > 3000 && id <= 3000 + DUPLICATES ? id - 3000 : id;
      return `(${id}, ${100000 + id}, ${ref}, 'n${id}')`;
    });
    await sourceDb.exec(`INSERT INTO orders (id, code, ref, note) VALUES ${values.join(', ')}`);
    const run = await runSpec(dir, {
      source: sourceDb.spec,
      target: targetDb.spec,
      tables: [
        {
          name: 'orders',
          rules: [
            { unique: ['id'], severity: 'critical' },
            { unique: ['code'], severity: 'critical' },
            { unique: ['ref'], severity: 'critical' },
          ],
        },
      ],
      partitionRows: 1000,
      batchSize: 250,
      // One partition at a time: which of two equal refs loads first is then the one read first.
      parallelism: 1,
    });
    ({ store, report, file } = run);
    assert.equal(report.status, 'succeeded', report.error ?? '');
  });

  after(async () => {
    await store?.close();
    await Promise.allSettled([sourceDb?.drop(), targetDb?.drop()]);
  });

  it('rejects the duplicates of the unproven rule across partitions, and counts the proven rules as passed', async () => {
    const [table] = report.tables;
    assert.ok(table);
    assert.deepEqual([table.extracted, table.loaded, table.rejected], [ROWS, ROWS - DUPLICATES, DUPLICATES]);
    const stats = (name: string) => {
      const rule = table.quality!.rules.find((r) => r.name === name);
      assert.ok(rule, name);
      return [rule.checked, rule.passed, rule.failed];
    };
    assert.deepEqual(stats('unique(id)'), [ROWS, ROWS, 0]);
    assert.deepEqual(stats('unique(code)'), [ROWS, ROWS, 0]);
    assert.deepEqual(stats('unique(ref)'), [ROWS, ROWS - DUPLICATES, DUPLICATES]);
    const target = await targetDb.rows('orders');
    assert.equal(target.length, ROWS - DUPLICATES);
    assert.equal(new Set(target.map((r) => r.ref)).size, ROWS - DUPLICATES);
  });

  it('claims only the unproven rule’s values in the key index', () => {
    const db = new Database(keyIndexPath(store, report.runId), { readonly: true });
    try {
      const claims = db
        .prepare(
          'SELECT s.name AS name, COUNT(*) AS n FROM keys k JOIN key_sets s ON s.id = k.set_id GROUP BY s.name',
        )
        .all();
      assert.deepEqual(claims, [{ name: 'unique:orders(ref)', n: ROWS - DUPLICATES }]);
    } finally {
      db.close();
    }
  });

  it('jivs plan names the proof, and says nothing new of the rule the key index keeps', async () => {
    const plan = await planSpecFile(file);
    assert.ok(plan.tables[0]!.partitions.length >= 3);
    const text = formatPlan(plan);
    assert.match(text, /unique \[id\]: proven by the source's primary key \(id\); not checked row by row/);
    assert.match(
      text,
      /unique \[code\]: proven by the source's unique constraint code \(code\); not checked row by row/,
    );
    assert.doesNotMatch(text, /unique \[ref\]:/);
  });
});

describe('only proven unique rules: rows are accepted without claims (MariaDB → PostgreSQL)', () => {
  let dir: string;
  let sourceDb: DatabaseEndpoint;
  let targetDb: DatabaseEndpoint;
  let store: StateStore;
  let report: RunReport;

  before(async () => {
    dir = await tempDir('jivs-unique-proven-only-');
    sourceDb = await mysqlEndpoint();
    targetDb = await postgresEndpoint();
    await sourceDb.exec(`CREATE TABLE orders (id INT PRIMARY KEY, code INT UNIQUE, note VARCHAR(10) NOT NULL)
      ENGINE=InnoDB`);
    // Every 100th code is NULL: no value to check. Ids above 3000 fail a critical rule.
    const values = Array.from({ length: ROWS }, (_, i) => {
      const id = i + 1;
      return `(${id}, ${id % 100 === 0 ? 'NULL' : 100000 + id}, 'n${id}')`;
    });
    await sourceDb.exec(`INSERT INTO orders (id, code, note) VALUES ${values.join(', ')}`);
    const run = await runSpec(dir, {
      source: sourceDb.spec,
      target: targetDb.spec,
      tables: [
        {
          name: 'orders',
          columns: { id: { rules: [{ max: 3000, severity: 'critical' }] } },
          rules: [
            { unique: ['id'], severity: 'critical' },
            { unique: ['code'], severity: 'critical' },
          ],
        },
      ],
      partitionRows: 1000,
      batchSize: 250,
    });
    ({ store, report } = run);
    assert.equal(report.status, 'succeeded', report.error ?? '');
  });

  after(async () => {
    await store?.close();
    await Promise.allSettled([sourceDb?.drop(), targetDb?.drop()]);
  });

  it('counts the accepted rows with a value as checked and passed, and claims nothing', async () => {
    const [table] = report.tables;
    assert.ok(table);
    assert.deepEqual([table.extracted, table.loaded, table.rejected], [ROWS, 3000, ROWS - 3000]);
    const stats = (name: string) => {
      const rule = table.quality!.rules.find((r) => r.name === name);
      assert.ok(rule, name);
      return [rule.checked, rule.passed, rule.failed];
    };
    assert.deepEqual(stats('unique(id)'), [3000, 3000, 0]);
    assert.deepEqual(stats('unique(code)'), [2970, 2970, 0]);
    assert.equal((await targetDb.rows('orders')).length, 3000);
    const db = new Database(keyIndexPath(store, report.runId), { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT COUNT(*) AS n FROM keys').get(), { n: 0 });
    } finally {
      db.close();
    }
  });
});
