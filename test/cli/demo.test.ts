/** `jivs demo`: generates the legacy ERP, writes its spec and migrates it, end to end. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { RunReport } from '../../src/engine/report.ts';
import { countRows } from './demo-fixture.ts';
import { describeResult, parseJson, runJivs } from './run-jivs.ts';
import { tempDir } from '../support/temp-dir.ts';

const PHASES = [
  'planning',
  'extraction',
  'transformation',
  'validation',
  'loading',
  'verification',
  'cleanup',
];

describe('jivs demo', () => {
  test('writes the demo files, shows progress lines and prints the report', async (t) => {
    const dir = await tempDir('jivs-cli-', t);
    const result = await runJivs(['demo', '--rows', '3000', '--dir', 'demo'], { cwd: dir });
    assert.equal(result.code, 0, describeResult(result));
    for (const file of ['legacy-erp.db', 'demo.yaml', 'migrated.db']) {
      assert.ok(existsSync(join(dir, 'demo', file)), `demo/${file} exists`);
    }
    // stderr is a pipe, not a TTY: plain progress lines, no bars or escape codes.
    assert.match(result.stderr, /^run \S+ started$/m);
    assert.match(result.stderr, /^phase extraction started$/m);
    assert.match(result.stderr, /^phase loading finished in \d/m);
    assert.match(result.stderr, /^order_lines: partition 1\/1 done, extracted \d+/m);
    assert.ok(!result.stderr.includes('\u001b['), 'no terminal escape codes');
    // stdout: the report, every phase, balanced accounting.
    assert.match(result.stdout, /^Run \S+ \(legacy-erp-demo\): SUCCEEDED in /m);
    for (const phase of PHASES) assert.match(result.stdout, new RegExp(`^${phase}\\s`, 'm'), phase);
    assert.match(
      result.stdout,
      /^Accounting: extracted 3000 = loaded \d+ \+ rejected \d+ \+ filtered 0 \(balanced\)$/m,
    );
    assert.doesNotMatch(result.stdout, /NOT BALANCED/);
    assert.match(result.stdout, /Most frequent reject reasons/);
    assert.doesNotMatch(result.stdout, /^phase \w+ (started|finished)/m, 'progress stays off stdout');
  });

  test('--json prints a report whose counts match the target database', async (t) => {
    const dir = await tempDir('jivs-cli-', t);
    const result = await runJivs(['demo', '--rows', '3000', '--dir', 'demo', '--json'], { cwd: dir });
    assert.equal(result.code, 0, describeResult(result));
    assert.doesNotMatch(result.stderr, /phase /, 'no progress with --json');
    const report = parseJson<RunReport>(result);
    assert.equal(report.status, 'succeeded');
    assert.equal(report.error, null);
    assert.equal(report.accountingBalanced, true);
    assert.equal(report.verified, true);
    assert.equal(report.phases.length, 7);
    assert.deepEqual(
      report.phases.map((p) => p.phase),
      PHASES,
    );
    const { totals } = report;
    assert.equal(totals.extracted, 3000);
    assert.equal(totals.extracted, totals.loaded + totals.rejected + totals.filtered);
    assert.ok(totals.rejected > 0, 'the demo has dirty rows, so some are rejected');
    assert.deepEqual(
      report.tables.map((t) => t.target),
      ['customer', 'products', 'orders', 'order_lines'],
    );
    const inTarget = countRows(
      join(dir, 'demo', 'migrated.db'),
      report.tables.map((t) => t.target),
    );
    for (const table of report.tables) {
      assert.equal(table.extracted, table.loaded + table.rejected + table.filtered, table.target);
      assert.ok(table.verification, `${table.target} verified`);
      assert.deepEqual(table.verification.problems, [], table.target);
      assert.equal(table.verification.targetRows, table.loaded, `${table.target}: verification`);
      assert.equal(inTarget[table.target], table.loaded, `${table.target}: rows in migrated.db`);
    }
    assert.equal(
      report.tables.reduce((n, t) => n + t.loaded, 0),
      totals.loaded,
    );
  });
});
