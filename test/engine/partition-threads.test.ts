/**
 * Partitions on worker threads (`partitionThreads: on`): a run gives exactly what the same run on the
 * main thread gives (rows, rejected rows, quality counts, verification), the run's error policy and a
 * Ctrl-C reach the partitions on their threads, and the small fixture tables run on the main thread by
 * default (auto). The crash test kills threaded runs too (faults/crash-resume.test.ts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunReport } from '../../src/engine/report.ts';
import type { PartitionProgress, RunRecord } from '../../src/state/run-types.ts';
import { StateStore } from '../../src/state/state-store.ts';
import { pinHost } from '../../src/connectors/pinned-lookups.ts';
import { runMigration } from '../../src/engine/orchestrator.ts';
import { loadSpec } from '../../src/plan/load-spec.ts';
import { describeResult, parseJson, runJivs, spawnJivs } from '../cli/run-jivs.ts';
import { fillSource, fingerprint, writeSpec } from '../faults/crash-fixture.ts';
import { mysqlEndpoint, postgresEndpoint, type DatabaseEndpoint } from '../support/database-endpoints.ts';
import { tempDir } from '../support/temp-dir.ts';

/** Runs the fixture migration with `extra` spec settings; returns the report and what the target holds. */
async function migrate(source: DatabaseEndpoint, extra: Record<string, unknown>) {
  const dir = await tempDir('jivs-threads-');
  const target = await postgresEndpoint();
  try {
    const spec = await writeSpec(dir, source, target, extra);
    const result = await runJivs(['migrate', spec, '--json'], { cwd: dir, timeoutMs: 120_000 });
    const report = parseJson<RunReport>(result);
    const store = await StateStore.open(join(dir, '.jivs', 'state.db'));
    try {
      const rejects = (await store.quarantine.list(report.runId, {})).map((r) => `${r.table} ${r.key}`);
      return {
        result,
        report,
        rejects: rejects.sort(),
        rows: report.status === 'succeeded' ? await fingerprint(target.spec.schema as string) : null,
      };
    } finally {
      await store.close();
    }
  } finally {
    await target.drop();
  }
}

describe('partitions on worker threads', () => {
  let source: DatabaseEndpoint;

  before(async () => {
    source = await mysqlEndpoint();
    await fillSource(source);
  });
  after(() => source?.drop());

  test('move, reject, count and verify exactly what the main thread does', async () => {
    const [onThreads, onMain] = await Promise.all([
      migrate(source, { partitionThreads: 'on' }),
      migrate(source, { partitionThreads: 'off' }),
    ]);
    for (const run of [onThreads, onMain]) {
      assert.equal(run.result.code, 0, describeResult(run.result));
      assert.equal(run.report.verified, true);
    }
    assert.equal(onThreads.report.partitionThreads, 2);
    assert.equal(onMain.report.partitionThreads, 0);
    assert.ok(onThreads.report.totals.rejected > 0, 'the fixture rejects rows');
    assert.deepEqual(onThreads.report.totals, onMain.report.totals);
    assert.deepEqual(onThreads.rows, onMain.rows);
    assert.deepEqual(onThreads.rejects, onMain.rejects);
    const quality = (r: RunReport) => r.tables.map((t) => ({ table: t.target, quality: t.quality }));
    assert.deepEqual(quality(onThreads.report), quality(onMain.report));
    const partitions = (r: RunReport) => r.tables.map((t) => t.partitions);
    assert.deepEqual(partitions(onThreads.report), partitions(onMain.report));
    assert.ok(
      partitions(onThreads.report).some((n) => n > 1),
      'several partitions per table',
    );
    assert.ok(
      onThreads.report.phases.some((p) => p.phase === 'loading' && (p.busyMs ?? 0) > 0),
      'the threads report their busy time',
    );
  });

  test("the run's error policy stops partitions on threads, as on the main thread", async () => {
    const policy = { errors: { maxRejects: 3 } };
    const [onThreads, onMain] = await Promise.all([
      migrate(source, { ...policy, partitionThreads: 'on' }),
      migrate(source, { ...policy, partitionThreads: 'off' }),
    ]);
    for (const run of [onThreads, onMain]) {
      assert.equal(run.result.code, 1, describeResult(run.result));
      assert.equal(run.report.status, 'failed');
      assert.match(run.report.error ?? '', /rejected, more than errors\.maxRejects \(3\)/);
      assert.ok(run.report.nextSteps?.includes('review-rejects'), JSON.stringify(run.report.nextSteps));
    }
  });

  test('Ctrl-C stops the partitions on their threads at a batch boundary; the run resumes', async (t) => {
    const dir = await tempDir('jivs-threads-', t);
    const target = await postgresEndpoint();
    t.after(() => target.drop());
    // Small batches, one partition at a time: the run is still moving rows when the signal comes.
    const spec = await writeSpec(dir, source, target, {
      partitionThreads: 'on',
      batchSize: 10,
      parallelism: 1,
    });
    const jivs = spawnJivs(['migrate', spec], { cwd: dir });
    t.after(async () => {
      jivs.kill('SIGKILL');
      await jivs.waitForExit(5000).catch(() => {});
    });
    await jivs.waitForStderr(/^\S+: partition \d+\/\d+ done/m, 60_000);
    const runId = /^run (\S+) started$/m.exec(jivs.stderr)![1]!;
    const sentAt = Date.now();
    jivs.kill('SIGINT');
    const stopped = await jivs.waitForExit(30_000);
    assert.equal(stopped.code, 1, describeResult(stopped));
    assert.ok(Date.now() - sentAt < 20_000, 'ends within seconds');
    const status = parseJson<RunRecord & { partitions: PartitionProgress[] }>(
      await runJivs(['status', runId, '--json'], { cwd: dir }),
    );
    assert.equal(status.status, 'paused', describeResult(stopped));
    assert.deepEqual(
      status.partitions.filter((p) => p.status === 'running'),
      [],
      'no partition is left running',
    );
    const resumed = await runJivs(['resume', runId, '--json'], { cwd: dir, timeoutMs: 120_000 });
    const report = parseJson<RunReport>(resumed);
    assert.equal(report.status, 'succeeded', describeResult(resumed));
    assert.equal(report.verified, true);
    assert.equal(report.accountingBalanced, true);
  });

  test('threads connect to the addresses the run pinned for a host name, as the main thread does', async (t) => {
    // The service pins each checked database host to the addresses it checked (server/runs/host-guard.ts).
    // A name that does not resolve at all: only the pinned address can reach the servers.
    const host = 'jivs-pinned-db.invalid';
    pinHost(host, [{ address: '127.0.0.1', family: 4 }]);
    const dir = await tempDir('jivs-threads-', t);
    const target = await postgresEndpoint();
    t.after(() => target.drop());
    const named = (endpoint: DatabaseEndpoint) => ({ ...endpoint, spec: { ...endpoint.spec, host } });
    const file = await writeSpec(dir, named(source), named(target), { partitionThreads: 'on' });
    const store = await StateStore.open(join(dir, 'state.db'));
    t.after(() => store.close());
    const report = await runMigration(await loadSpec(file), { store });
    assert.equal(report.status, 'succeeded', report.error ?? '');
    assert.equal(report.partitionThreads, 2);
    assert.equal(report.verified, true);
  });

  test('auto keeps partitions of a few thousand rows on the main thread', async () => {
    const run = await migrate(source, {});
    assert.equal(run.result.code, 0, describeResult(run.result));
    assert.equal(run.report.partitionThreads, 0);
  });
});
