/**
 * Resume into each database target kind: a run from PostgreSQL into MariaDB and into SQLite is killed
 * (SIGKILL) once some partitions are done and resumed; the target then holds every row once and the
 * run verifies. (The PostgreSQL target is covered by crash-resume.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunReport } from '../../src/engine/report.ts';
import { describeResult, parseJson, runJivs, spawnJivs } from '../cli/run-jivs.ts';
import {
  mysqlEndpoint,
  postgresEndpoint,
  sqliteEndpoint,
  type DatabaseEndpoint,
} from '../support/database-endpoints.ts';
import { tempDir } from '../support/temp-dir.ts';
import { fillSource, TABLES, writeSpec } from './crash-fixture.ts';

describe('kill and resume into MariaDB and SQLite targets', () => {
  let source: DatabaseEndpoint;
  const cleanup: DatabaseEndpoint[] = [];

  before(async () => {
    // The fixture's SQL is MariaDB's; the same rows go to PostgreSQL through a first migration.
    const seed = await mysqlEndpoint();
    cleanup.push(seed);
    await fillSource(seed);
    source = await postgresEndpoint();
    cleanup.push(source);
    const dir = await tempDir('jivs-resume-');
    const spec = await writeSpec(dir, seed, source, {
      tables: Object.keys(TABLES).map((name) => ({ name })),
    });
    const seeded = await runJivs(['migrate', spec], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(seeded.code, 0, describeResult(seeded));
  });
  after(() => Promise.allSettled(cleanup.map((e) => e.drop())));

  for (const kind of ['mysql', 'sqlite'] as const) {
    test(`${kind}: killed mid-load, resumed, every row once`, async () => {
      const dir = await tempDir('jivs-resume-');
      const target = kind === 'mysql' ? await mysqlEndpoint() : await sqliteEndpoint(dir);
      cleanup.push(target);
      const spec = await writeSpec(dir, source, target, { batchSize: 20 });
      const victim = spawnJivs(['migrate', spec], { cwd: dir });
      await victim.waitForStderr(/^orders: partition 2\/\d+ done/m, 60_000);
      victim.kill('SIGKILL');
      const killed = await victim.waitForExit(10_000);
      assert.equal(killed.signal, 'SIGKILL', describeResult(killed));

      const resumed = await runJivs(['migrate', spec, '--resume', '--json'], {
        cwd: dir,
        timeoutMs: 120_000,
      });
      assert.equal(resumed.code, 0, describeResult(resumed));
      const report = parseJson<RunReport>(resumed);
      assert.equal(report.attempt, 2, 'the killed run was resumed, not started again');
      assert.equal(report.verified, true, describeResult(resumed));
      assert.equal(report.totals.extracted, 12000);
      for (const [table, key] of Object.entries(TABLES)) {
        const rows = await target.rows(table);
        const loaded = report.tables.find((t) => t.target === table)!.loaded;
        assert.equal(rows.length, loaded, table);
        assert.equal(new Set(rows.map((r) => r[key])).size, loaded, `${table}: no duplicate keys`);
      }
    });
  }
});
