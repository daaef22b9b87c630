/**
 * The crash test: `jivs migrate` (MariaDB → PostgreSQL, three tables, several partitions, rules that
 * reject rows and use the key index) is killed with SIGKILL at 20 seeded random points, then resumed;
 * every resumed run must verify and leave exactly the rows of a clean run: same row count, no duplicate
 * key, same content hash, same accounting and the same rejected rows.
 *
 * A kill point is a progress line of the clean run (0: none yet, i.e. during start-up and planning)
 * plus a random delay after it, so the points spread over every phase however fast the machine is.
 * Half the killed runs (and their resumes) run their partitions on worker threads (`partitionThreads:
 * on`), half on the main thread, as the fixture's small tables would by default.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunReport } from '../../src/engine/report.ts';
import { StateStore } from '../../src/state/state-store.ts';
import { describeResult, parseJson, runJivs, spawnJivs } from '../cli/run-jivs.ts';
import { mysqlEndpoint, postgresEndpoint, type DatabaseEndpoint } from '../support/database-endpoints.ts';
import { tempDir } from '../support/temp-dir.ts';
import { fillSource, fingerprint, seededRandom, writeSpec, type TableFingerprint } from './crash-fixture.ts';

const KILLS = 20;
/** Kills run this many at a time (each in its own directory and target schema). */
const AT_ONCE = 2;

interface KillPoint {
  /** Progress lines to wait for (0: kill during start-up). */
  lines: number;
  /** Then wait this long. */
  delayMs: number;
}

describe('kill -9 at any instant, then resume', () => {
  let source: DatabaseEndpoint;
  let clean: { fingerprint: Record<string, TableFingerprint>; report: RunReport; progressLines: number };

  before(async () => {
    source = await mysqlEndpoint();
    await fillSource(source);
  });
  after(() => source?.drop());

  test('a clean run (the reference)', async () => {
    const dir = await tempDir('jivs-crash-');
    const target = await postgresEndpoint();
    try {
      const spec = await writeSpec(dir, source, target);
      const result = await runJivs(['migrate', spec], { cwd: dir, timeoutMs: 120_000 });
      assert.equal(result.code, 0, describeResult(result));
      const runId = /^run (\S+) started$/m.exec(result.stderr)![1]!;
      const status = await runJivs(['status', runId, '--json'], { cwd: dir });
      const { report } = parseJson<{ report: RunReport }>(status);
      assert.equal(report.verified, true);
      assert.ok(report.totals.rejected > 0, 'the fixture rejects rows');
      assert.ok(report.tables.every((table) => table.partitions > 1 || table.target === 'tags'));
      clean = {
        fingerprint: await fingerprint(target.spec.schema as string),
        report,
        progressLines: result.stderr.trim().split('\n').length,
      };
    } finally {
      await target.drop();
    }
  });

  test(`${KILLS} runs killed at random points resume to exactly the clean run's rows`, async (t) => {
    assert.ok(clean, 'the clean run must pass first');
    const random = seededRandom(20261202);
    const points: KillPoint[] = Array.from({ length: KILLS }, () => ({
      // The last line is the end of the run: a kill after it would find nothing to resume.
      lines: Math.floor(random() * (clean.progressLines - 1)),
      delayMs: Math.round(random() * 150),
    }));
    const landed: string[] = [];
    for (let i = 0; i < KILLS; i += AT_ONCE) {
      const wave = points.slice(i, i + AT_ONCE).map((point, j) => killAndResume(i + j, point));
      landed.push(...(await Promise.all(wave)));
    }
    t.diagnostic(`kill points: ${landed.join(' | ')}`);
  });

  /** One kill and resume in a fresh directory and target; returns where the kill landed. */
  async function killAndResume(i: number, point: KillPoint): Promise<string> {
    const dir = await tempDir('jivs-crash-');
    const target = await postgresEndpoint();
    try {
      const threads = i % 4 >= 2;
      const spec = await writeSpec(dir, source, target, threads ? { partitionThreads: 'on' } : {});
      const victim = spawnJivs(['migrate', spec], { cwd: dir });
      if (point.lines > 0) {
        const lines = new RegExp(`^(?:.*\\n){${point.lines}}`);
        await victim.waitForStderr(lines, 60_000).catch(() => {}); // the run may end first
      } else {
        await sleep(200 + point.delayMs * 4); // start-up and planning
      }
      await sleep(point.delayMs);
      victim.kill('SIGKILL');
      const killed = await victim.waitForExit(10_000);
      const where = `kill ${i + 1}${threads ? ' (threads)' : ''} after line ${point.lines} + ${point.delayMs} ms: ${lastLine(killed.stderr)}`;
      const runId = /^run (\S+) started$/m.exec(killed.stderr)?.[1];

      // Half resume by run id, half through `jivs migrate --resume` (which finds the run by its spec).
      const args =
        runId && i % 2 === 0 ? ['resume', runId, '--json'] : ['migrate', spec, '--resume', '--json'];
      const resumed = await runJivs(args, { cwd: dir, timeoutMs: 120_000 });
      const context = `${where}, then jivs ${args.join(' ')}:\n${describeResult(resumed)}`;
      assert.equal(resumed.code, 0, context);
      const report = parseJson<RunReport>(resumed);
      assert.equal(report.status, 'succeeded', context);
      assert.equal(report.verified, true, context);
      assert.equal(report.accountingBalanced, true, context);
      assert.deepEqual(report.totals, clean.report.totals, context);
      const found = await fingerprint(target.spec.schema as string);
      assert.deepEqual(found, clean.fingerprint, context);
      for (const table of Object.values(found))
        assert.equal(table.keys, table.rows, `no duplicate keys: ${context}`);
      // The quarantine holds each rejected row once.
      const store = await StateStore.open(join(dir, '.jivs', 'state.db'));
      try {
        assert.equal(await store.quarantine.count(report.runId), clean.report.totals.rejected, context);
      } finally {
        await store.close();
      }
      return where;
    } finally {
      await target.drop();
    }
  }
});

/** The last progress line before the kill, to show where it landed. */
function lastLine(stderr: string): string {
  return stderr.trim().split('\n').at(-1)?.slice(0, 70) || 'no output yet';
}
