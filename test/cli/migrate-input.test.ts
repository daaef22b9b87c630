/**
 * `jivs migrate` with bad input: every mistake exits 2, names where it is and moves no data. Also
 * environment references in the spec, which must resolve without ever being printed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { RunReport } from '../../src/engine/report.ts';
import { copyDemo, countRows, DEMO_TARGET_TABLES, editSpec, tablesIn } from './demo-fixture.ts';
import { describeResult, parseJson, runJivs } from './run-jivs.ts';
import { tempDir } from '../support/temp-dir.ts';

const NOTHING_MIGRATED = /^error: nothing was migrated; fix the input and run again:$/m;

describe('jivs migrate with bad input', { concurrency: true }, () => {
  test('an unknown key exits 2 naming it, and the target is not created', async (t) => {
    const demo = await copyDemo(await tempDir('jivs-cli-', t));
    const spec = await editSpec(demo, 'unknown-key.yaml', (doc) => {
      doc.set('target', doc.createNode({ type: 'sqlite', path: 'fresh-target.db' }));
      doc.set('batchsize', 100);
    });
    const result = await runJivs(['migrate', spec], { cwd: demo });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, NOTHING_MIGRATED);
    assert.match(result.stderr, /^ {2}batchsize: unknown key "batchsize"\. Did you mean "batchSize"\?/m);
    assert.equal(result.stdout, '');
    assert.equal(existsSync(join(demo, 'fresh-target.db')), false, 'target not created');
  });

  test('a table the source lacks exits 2 with a did-you-mean', async (t) => {
    const demo = await copyDemo(await tempDir('jivs-cli-', t));
    const spec = await editSpec(demo, 'no-such-table.yaml', (doc) => {
      doc.delete('include');
      doc.set('tables', doc.createNode([{ name: 'Custmers' }]));
    });
    const result = await runJivs(['migrate', spec], { cwd: demo });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, NOTHING_MIGRATED);
    assert.match(
      result.stderr,
      /^ {2}tables\[0\]\.name: the source has no table "Custmers"\. Did you mean "Customers"\?/m,
    );
    assert.match(result.stderr, /Source tables: Customers, OrderLines, Orders, Products/);
    assert.deepEqual(tablesIn(join(demo, 'migrated.db')), [], 'no table was created in the target');
  });

  test('a column the source table lacks exits 2 naming tables[0].columns.<name>', async (t) => {
    const demo = await copyDemo(await tempDir('jivs-cli-', t));
    const spec = await editSpec(demo, 'no-such-column.yaml', (doc) => {
      const entry = doc.getIn(['tables', 0, 'columns', 'EMail']);
      doc.deleteIn(['tables', 0, 'columns', 'EMail']);
      doc.setIn(['tables', 0, 'columns', 'EMial'], entry);
    });
    const result = await runJivs(['migrate', spec], { cwd: demo });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, NOTHING_MIGRATED);
    assert.match(
      result.stderr,
      /^ {2}tables\[0\]\.columns\.EMial: table "Customers" has no column "EMial"\. Did you mean "EMail"\?/m,
    );
  });

  test('a missing spec file exits 2 naming the file', async (t) => {
    const dir = await tempDir('jivs-cli-', t);
    const result = await runJivs(['migrate', 'nowhere/spec.yaml'], { cwd: dir });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, NOTHING_MIGRATED);
    assert.match(result.stderr, /nowhere\/spec\.yaml: spec file does not exist/);
  });

  test('a YAML syntax error exits 2 with file:line:col', async (t) => {
    const dir = await tempDir('jivs-cli-', t);
    await writeFile(
      join(dir, 'broken.yaml'),
      'version: 1\nsource:\n  type: sqlite\n  path: "legacy.db\ntarget:\n  type: sqlite\n  path: out.db\n',
    );
    const result = await runJivs(['migrate', 'broken.yaml'], { cwd: dir });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, NOTHING_MIGRATED);
    assert.match(result.stderr, /^ {2}broken\.yaml:\d+:\d+: .*Fix the YAML syntax there\.$/m);
    assert.equal(existsSync(join(dir, 'out.db')), false);
  });

  test('fail-if-exists against an existing target exits 2 and leaves its rows alone', async (t) => {
    const demo = await copyDemo(await tempDir('jivs-cli-', t));
    const target = join(demo, 'migrated.db');
    const db = new Database(target);
    for (const [i, table] of DEMO_TARGET_TABLES.entries()) {
      db.exec(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, note TEXT)`);
      const insert = db.prepare(`INSERT INTO ${table} (note) VALUES (?)`);
      for (let row = 0; row <= i; row++) insert.run(`kept ${row}`);
    }
    db.close();
    const before = countRows(target, DEMO_TARGET_TABLES);

    const spec = await editSpec(demo, 'fail-if-exists.yaml', (doc) => doc.set('mode', 'fail-if-exists'));
    const result = await runJivs(['migrate', spec], { cwd: demo });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, NOTHING_MIGRATED);
    for (const table of DEMO_TARGET_TABLES) {
      assert.match(
        result.stderr,
        new RegExp(`target table "${table}" already exists and the mode is fail-if-exists`),
      );
    }
    assert.deepEqual(countRows(target, DEMO_TARGET_TABLES), before);
    assert.deepEqual(tablesIn(target), [...DEMO_TARGET_TABLES].sort(), 'no table added or dropped');
  });
});

describe('jivs migrate with ${ENV:…} references', () => {
  test('an unset variable exits 2 naming it; once set, the run uses it and never prints its value', async (t) => {
    const demo = await copyDemo(await tempDir('jivs-cli-', t));
    const spec = await editSpec(demo, 'env.yaml', (doc) =>
      doc.setIn(['target', 'path'], '${ENV:DEMO_TARGET}'),
    );

    const unset = await runJivs(['migrate', spec], { cwd: demo });
    assert.equal(unset.code, 2, describeResult(unset));
    assert.match(unset.stderr, NOTHING_MIGRATED);
    assert.match(
      unset.stderr,
      /target\.path: refers to environment variable "DEMO_TARGET", which is not set/,
    );

    const secret = 'resolved-target-7f3a9c.db';
    const target = join(demo, secret);
    const set = await runJivs(['migrate', spec], { cwd: demo, env: { DEMO_TARGET: target } });
    assert.equal(set.code, 0, describeResult(set));
    assert.ok(existsSync(target), 'the target is at the resolved path');
    assert.ok(countRows(target, DEMO_TARGET_TABLES).customer! > 0);
    assert.match(
      set.stdout,
      /→ {2}sqlite \$\{ENV:DEMO_TARGET\}$/m,
      'the report shows the reference as written',
    );
    assert.ok(!set.stdout.includes(secret), 'resolved value not on stdout');
    assert.ok(!set.stderr.includes(secret), 'resolved value not on stderr');

    const runId = /^Run (\S+) /m.exec(set.stdout)?.[1];
    assert.ok(runId, set.stdout);
    const stored = await runJivs(['status', runId, '--json'], { cwd: demo });
    assert.equal(stored.code, 0, describeResult(stored));
    const run = parseJson<{ status: string; report: RunReport }>(stored);
    assert.equal(run.status, 'succeeded');
    assert.equal(run.report.target, 'sqlite ${ENV:DEMO_TARGET}');
    assert.ok(!stored.stdout.includes(secret), 'resolved value not in the stored run');
  });

  test('the control-plane store is never an endpoint: a target at .jivs/state.db exits 2 untouched', async (t) => {
    const demo = await copyDemo(await tempDir('jivs-cli-', t));
    const first = await runJivs(['migrate', 'demo.yaml'], { cwd: demo });
    assert.equal(first.code, 0, describeResult(first));
    const store = join(demo, '.jivs', 'state.db');
    const before = tablesIn(store);
    const spec = await editSpec(demo, 'into-store.yaml', (doc) => {
      doc.set('target', doc.createNode({ type: 'sqlite', path: '.jivs/state.db' }));
      doc.set('mode', 'append');
    });
    const result = await runJivs(['migrate', spec], { cwd: demo });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, /^ {2}target\.path: leads to the program's own state/m);
    assert.deepEqual(tablesIn(store), before, 'no table was added to the store');
  });
});
