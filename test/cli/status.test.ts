/** `jivs status`: recent runs, one run with partitions and rejected rows, and where the store lives. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { RunReport } from '../../src/engine/report.ts';
import type { PartitionProgress, RejectedRow, RunRecord } from '../../src/state/run-types.ts';
import { describeResult, parseJson, runJivs } from './run-jivs.ts';
import { tempDir } from '../support/temp-dir.ts';

/** A count as the tables print it. */
const n = (count: number) => count.toLocaleString('en-US');

interface StoredRun extends RunRecord {
  report: RunReport | null;
  partitions: PartitionProgress[];
  rejects: RejectedRow[];
}

describe('jivs status', () => {
  test('with no runs says there are none', async (t) => {
    const result = await runJivs(['status'], { cwd: await tempDir('jivs-cli-', t) });
    assert.equal(result.code, 0, describeResult(result));
    assert.match(result.stdout, /^No runs yet\./);
  });

  test('lists a run, shows its partitions and rejected rows, and refuses an unknown run', async (t) => {
    const dir = await tempDir('jivs-cli-', t);
    const demo = await runJivs(['demo', '--rows', '3000', '--dir', 'demo', '--json'], { cwd: dir });
    assert.equal(demo.code, 0, describeResult(demo));
    const report = parseJson<RunReport>(demo);
    const runId = report.runId;

    const list = await runJivs(['status'], { cwd: dir });
    assert.equal(list.code, 0, describeResult(list));
    assert.match(list.stdout, new RegExp(`^${runId}\\s+legacy-erp-demo\\s+succeeded\\s`, 'm'));

    const shown = await runJivs(['status', runId], { cwd: dir });
    assert.equal(shown.code, 0, describeResult(shown));
    assert.match(shown.stdout, new RegExp(`^Run ${runId} \\(legacy-erp-demo\\): SUCCEEDED`, 'm'));
    assert.match(shown.stdout, /^Partitions$/m);
    for (const table of ['customer', 'products', 'orders', 'order_lines']) {
      const counts = report.tables.find((r) => r.target === table)!;
      assert.match(
        shown.stdout,
        new RegExp(
          `^${table}\\s+0\\s+done\\s+${n(counts.extracted)}\\s+${n(counts.loaded)}\\s+${n(counts.rejected)}\\s+1\\s+\\S+:\\d+$`,
          'm',
        ),
        table,
      );
    }
    assert.doesNotMatch(shown.stdout, /Rejected rows/, 'rejected rows only when asked for');

    const withRejects = await runJivs(['status', runId, '--rejects', '5'], { cwd: dir });
    assert.equal(withRejects.code, 0, describeResult(withRejects));
    const section = withRejects.stdout.split(/^Rejected rows \(first 5\)$/m)[1];
    assert.ok(section, withRejects.stdout);
    const rows = section.replace(/^\n/, '').trimEnd().split('\n');
    assert.equal(rows.length, 5, section);
    for (const row of rows) assert.match(row, /^ {2}(customer|orders|order_lines) \S+: \w+: \S.*$/);

    const json = await runJivs(['status', runId, '--rejects', '5', '--json'], { cwd: dir });
    assert.equal(json.code, 0, describeResult(json));
    const run = parseJson<StoredRun>(json);
    assert.equal(run.status, 'succeeded');
    assert.equal(run.partitions.length, 4);
    assert.ok(run.partitions.every((p) => p.status === 'done'));
    assert.equal(
      run.partitions.reduce((n, p) => n + p.loaded, 0),
      report.totals.loaded,
    );
    assert.equal(run.rejects.length, 5);
    for (const reject of run.rejects) {
      assert.ok(reject.reasons.length > 0, JSON.stringify(reject));
      assert.ok(Object.keys(reject.values).length > 0, JSON.stringify(reject));
    }

    const unknown = await runJivs(['status', 'nosuchrun'], { cwd: dir });
    assert.equal(unknown.code, 2, describeResult(unknown));
    assert.match(unknown.stderr, /no run "nosuchrun" in the state store\./);
    assert.match(unknown.stderr, new RegExp(`Recent runs: ${runId}\\.`));
    assert.doesNotMatch(unknown.stderr, /nothing was migrated/, 'status moves no data anyway');
  });
});

describe('the state store location', () => {
  test('--state (and $JIVS_STATE) put the store there and status reads it', async (t) => {
    const dir = await tempDir('jivs-cli-', t);
    const demo = await runJivs(
      ['--state', 'store/custom.db', 'demo', '--rows', '300', '--dir', 'demo', '-q'],
      {
        cwd: dir,
      },
    );
    assert.equal(demo.code, 0, describeResult(demo));
    assert.equal(demo.stderr, '', '--quiet: nothing on stderr');
    const runId = /^Run (\S+) \(legacy-erp-demo\): SUCCEEDED/m.exec(demo.stdout)?.[1];
    assert.ok(runId, demo.stdout);
    assert.ok(existsSync(join(dir, 'store', 'custom.db')), 'the store is where --state says');
    assert.equal(existsSync(join(dir, '.jivs')), false, 'the default store is not used');

    const viaOption = await runJivs(['status', '--state', 'store/custom.db'], { cwd: dir });
    assert.equal(viaOption.code, 0, describeResult(viaOption));
    assert.match(viaOption.stdout, new RegExp(`^${runId}\\s+legacy-erp-demo\\s+succeeded`, 'm'));

    const viaEnv = await runJivs(['status', runId], { cwd: dir, env: { JIVS_STATE: 'store/custom.db' } });
    assert.equal(viaEnv.code, 0, describeResult(viaEnv));
    assert.match(viaEnv.stdout, new RegExp(`^Run ${runId} `, 'm'));

    const defaultStore = await runJivs(['status'], { cwd: dir });
    assert.equal(defaultStore.code, 0, describeResult(defaultStore));
    assert.match(defaultStore.stdout, /^No runs yet\./, 'the default store is a different one');
  });
});
