/** Ctrl-C during a run: the process ends promptly with exit 1 and the run is stored as paused (resumable). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { RunReport } from '../../src/engine/report.ts';
import type { PartitionProgress, RunRecord } from '../../src/state/run-types.ts';
import { countRows } from './demo-fixture.ts';
import { describeResult, parseJson, runJivs, spawnJivs } from './run-jivs.ts';
import { tempDir } from '../support/temp-dir.ts';

/**
 * How long after SIGINT the process may take to end: generous, so a busy machine does not fail it. That
 * the run stopped early, rather than finished, is shown by the exit code and the paused run.
 */
const PROMPT_EXIT_MS = 20_000;

/** How long the paused run waits before it is resumed. */
const IDLE_MS = 2000;

describe('SIGINT during a run', () => {
  test('stops the run: exit 1 within seconds, run paused, no partition left running', async (t) => {
    const dir = await tempDir('jivs-cli-', t);
    const jivs = spawnJivs(['demo', '--rows', '200000', '--dir', 'demo'], { cwd: dir });
    t.after(async () => {
      // Whatever happened, leave no process behind writing into the temp dir.
      jivs.kill('SIGKILL');
      await jivs.waitForExit(5000).catch(() => {});
    });
    await jivs.waitForStderr(/^phase extraction started$|^\S+: partition \d+\/\d+ done/m, 45_000);
    const runId = /^run (\S+) started$/m.exec(jivs.stderr)?.[1];
    assert.ok(runId, jivs.stderr);

    const sentAt = Date.now();
    jivs.kill('SIGINT');
    const result = await jivs.waitForExit(30_000);
    const tookMs = Date.now() - sentAt;
    assert.equal(result.code, 1, `exit code after SIGINT (${tookMs} ms):\n${describeResult(result)}`);
    assert.ok(tookMs < PROMPT_EXIT_MS, `ended ${tookMs} ms after SIGINT`);
    assert.match(result.stdout, new RegExp(`^Run ${runId} \\(legacy-erp-demo\\): PAUSED`, 'm'));
    assert.match(result.stdout, /^Error: stopped on request/m);
    assert.match(result.stdout, new RegExp(`jivs resume ${runId}`));

    const status = await runJivs(['status', runId, '--json'], { cwd: dir });
    assert.equal(status.code, 0, describeResult(status));
    const run = parseJson<RunRecord & { report: RunReport; partitions: PartitionProgress[] }>(status);
    assert.equal(run.status, 'paused');
    assert.ok(run.finishedAt);
    assert.deepEqual(
      run.partitions.filter((p) => p.status === 'running'),
      [],
      'no partition is left running',
    );
    // What the stopped run says it loaded is what the target holds.
    const inTarget = countRows(
      join(dir, 'demo', 'migrated.db'),
      run.report.tables.map((table) => table.target),
    );
    for (const table of run.report.tables) {
      assert.equal(inTarget[table.target], table.loaded, `${table.target}: rows in the target`);
      assert.equal(table.extracted, table.loaded + table.rejected + table.filtered, table.target);
    }
    assert.ok(run.report.totals.extracted < 200_000, 'the run stopped before reading every row');

    // A pause before the resume: the report counts the attempts' time, not this idle time.
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    // SQLite target: the paused run continues from the checkpoints in migrated.db and completes.
    const resumed = await runJivs(['resume', runId, '--json'], { cwd: dir, timeoutMs: 60_000 });
    const report = parseJson<RunReport>(resumed);
    assert.equal(report.status, 'succeeded', describeResult(resumed));
    assert.equal(report.verified, true);
    assert.equal(report.attempt, 2);
    assert.equal(report.totals.extracted, 200_000);
    const wall = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
    assert.ok(report.durationMs > run.report.durationMs, 'the first attempt counts, and this one too');
    assert.ok(
      wall - report.durationMs >= IDLE_MS,
      `the idle time is not counted: ${report.durationMs} ms of ${wall} ms wall time`,
    );
    const afterResume = countRows(
      join(dir, 'demo', 'migrated.db'),
      report.tables.map((table) => table.target),
    );
    for (const table of report.tables) assert.equal(afterResume[table.target], table.loaded, table.target);
  });
});
