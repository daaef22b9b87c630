/**
 * Issue 14: a file table resumes by position and key. A CSV migration into PostgreSQL is killed
 * (SIGKILL) mid-load and resumed: it continues after the rows its checkpoint covers (the target is not
 * emptied), every row lands once and the run verifies. A file that changed in between is refused.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { stringify } from 'yaml';
import type { RunReport } from '../../src/engine/report.ts';
import { describeResult, parseJson, runJivs, spawnJivs } from '../cli/run-jivs.ts';
import { postgresEndpoint, type DatabaseEndpoint } from '../support/database-endpoints.ts';
import { tempDir } from '../support/temp-dir.ts';
import { POSTGRES } from '../support/databases.ts';

const ROWS = 60_000;

/** `people.csv` with ROWS rows; every 2,000th has no key (rejected), so positions name rejected rows. */
function peopleCsv(): string {
  const lines = ['id,name'];
  for (let i = 1; i <= ROWS; i++) lines.push(`${i % 2000 === 0 ? '' : i},Person ${i}`);
  return `${lines.join('\n')}\n`;
}

/** Kills a migration of `people.csv` into `target` once the target holds some rows; returns the spec. */
async function killMidLoad(dir: string, target: DatabaseEndpoint): Promise<string> {
  await writeFile(join(dir, 'people.csv'), peopleCsv());
  const spec = join(dir, 'spec.yaml');
  const source = { type: 'csv', path: 'people.csv', primaryKey: ['id'] };
  await writeFile(spec, stringify({ version: 1, source, target: target.spec, batchSize: 100 }));
  const { schema } = target.spec as { schema: string };
  const client = new pg.Client(POSTGRES);
  await client.connect();
  const victim = spawnJivs(['migrate', spec], { cwd: dir });
  try {
    for (let loaded = 0; loaded < 3000; await sleep(10)) {
      const result = await client
        .query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".people`)
        .catch(() => ({ rows: [{ n: '0' }] }));
      loaded = Number(result.rows[0]!.n);
    }
  } finally {
    victim.kill('SIGKILL');
    await client.end();
  }
  const killed = await victim.waitForExit(10_000);
  assert.equal(killed.signal, 'SIGKILL', `the run ended before it was killed: ${describeResult(killed)}`);
  return spec;
}

describe('a file table resumes after the rows it read', () => {
  const targets: DatabaseEndpoint[] = [];
  after(() => Promise.allSettled(targets.map((target) => target.drop())));

  test('killed mid-load, resumed by position: every row once, nothing loaded again', async () => {
    const dir = await tempDir('jivs-file-resume-');
    const target = await postgresEndpoint();
    targets.push(target);
    const spec = await killMidLoad(dir, target);

    const resumed = await runJivs(['migrate', spec, '--resume', '--json'], { cwd: dir, timeoutMs: 180_000 });
    assert.equal(resumed.code, 0, describeResult(resumed));
    assert.match(resumed.stderr, /people: continues after row \d+ \(key \["\d+"\]\)/);
    assert.doesNotMatch(resumed.stderr, /loading it again from the start/);
    const report = parseJson<RunReport>(resumed);
    assert.equal(report.attempt, 2, 'the killed run was resumed, not started again');
    assert.equal(report.verified, true, describeResult(resumed));
    assert.deepEqual(
      [report.totals.extracted, report.totals.loaded, report.totals.rejected],
      [ROWS, ROWS - ROWS / 2000, ROWS / 2000],
    );
    const rows = await target.rows('people');
    assert.equal(rows.length, ROWS - ROWS / 2000);
    assert.equal(new Set(rows.map((row) => row.id)).size, rows.length, 'no key twice');
  });

  test('a file changed between the kill and the resume is refused', async () => {
    const dir = await tempDir('jivs-file-resume-');
    const target = await postgresEndpoint();
    targets.push(target);
    const spec = await killMidLoad(dir, target);
    await writeFile(join(dir, 'people.csv'), 'id,name\n1,Person 1\n');

    const resumed = await runJivs(['migrate', spec, '--resume'], { cwd: dir, timeoutMs: 120_000 });
    assert.notEqual(resumed.code, 0, describeResult(resumed));
    assert.match(
      `${resumed.stdout}${resumed.stderr}`,
      /people: cannot continue after row \d+, as the source changed since the run read it \(the source now has only 1 rows\)/,
    );
  });
});
