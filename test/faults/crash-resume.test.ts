/**
 * The crash test: `jivs migrate` (MariaDB → PostgreSQL, three tables, several partitions, rules that
 * reject rows and use the key index) is killed with SIGKILL at 20 seeded random instants, then resumed;
 * every resumed run must verify and leave exactly the rows of a clean run: same row count, no duplicate
 * key, same content hash, same accounting and the same rejected rows.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunReport } from '../../src/engine/report.ts';
import { StateStore } from '../../src/state/state-store.ts';
import { describeResult, parseJson, runJivs, spawnJivs } from '../cli/run-jivs.ts';
import { mysqlEndpoint, postgresEndpoint, type DatabaseEndpoint } from '../e2e/database-endpoints.ts';
import { tempDir } from '../support/temp-dir.ts';
import { fillSource, fingerprint, seededRandom, writeSpec, type TableFingerprint } from './crash-fixture.ts';

const KILLS = 20;

describe('kill -9 at any instant, then resume', () => {
  let source: DatabaseEndpoint;
  let clean: { fingerprint: Record<string, TableFingerprint>; report: RunReport; wallMs: number };
  const targets: DatabaseEndpoint[] = [];

  before(async () => {
    source = await mysqlEndpoint();
    await fillSource(source);
  });
  after(async () => {
    await Promise.allSettled([source?.drop(), ...targets.map((t) => t.drop())]);
  });

  test('a clean run (the reference)', async () => {
    const dir = await tempDir('jivs-crash-');
    const target = await postgresEndpoint();
    targets.push(target);
    const spec = await writeSpec(dir, source, target);
    const started = Date.now();
    const result = await runJivs(['migrate', spec, '--json'], { cwd: dir, timeoutMs: 120_000 });
    const wallMs = Date.now() - started;
    assert.equal(result.code, 0, describeResult(result));
    const report = parseJson<RunReport>(result);
    assert.equal(report.verified, true);
    assert.ok(report.totals.rejected > 0, 'the fixture rejects rows');
    assert.ok(report.tables.every((table) => table.partitions > 1 || table.target === 'tags'));
    clean = { fingerprint: await fingerprint(target.spec.schema as string), report, wallMs };
  });

  test(`${KILLS} runs killed at random instants resume to exactly the clean run's rows`, async (t) => {
    assert.ok(clean, 'the clean run must pass first');
    const random = seededRandom(20261202);
    const landed: string[] = [];
    let tries = 0;
    for (let i = 0; i < KILLS; i++) {
      assert.ok(++tries <= KILLS * 2, `too many runs ended before their kill: ${landed.join(' | ')}`);
      const delayMs = Math.round(200 + random() * clean.wallMs * 0.9);
      const dir = await tempDir('jivs-crash-');
      const target = await postgresEndpoint();
      targets.push(target);
      const spec = await writeSpec(dir, source, target);

      const victim = spawnJivs(['migrate', spec], { cwd: dir });
      await sleep(delayMs);
      victim.kill('SIGKILL');
      const killed = await victim.waitForExit(10_000);
      const runId = /^run (\S+) started$/m.exec(killed.stderr)?.[1];
      if (killed.signal !== 'SIGKILL') {
        // The run ended before the kill: not one of the kills.
        assert.equal(killed.code, 0, describeResult(killed));
        i--;
        continue;
      }
      landed.push(`${delayMs} ms: ${lastProgress(killed.stderr)}`);

      // Half resume by run id, half through `jivs migrate --resume` (which finds the run by its spec).
      const args =
        runId && i % 2 === 0 ? ['resume', runId, '--json'] : ['migrate', spec, '--resume', '--json'];
      const resumed = await runJivs(args, { cwd: dir, timeoutMs: 120_000 });
      const context = `kill ${i + 1} after ${delayMs} ms (${landed.at(-1)}), then jivs ${args.join(' ')}:\n${describeResult(resumed)}`;
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
        assert.equal(await store.countRejects(report.runId), clean.report.totals.rejected, context);
      } finally {
        await store.close();
      }
      await target.drop();
    }
    t.diagnostic(`kill points: ${landed.join(' | ')}`);
  });
});

/** The last progress line before the kill, to show where it landed. */
function lastProgress(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return lines.at(-1)?.slice(0, 80) || 'no output yet';
}
