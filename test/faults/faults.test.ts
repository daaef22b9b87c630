/**
 * Faults during a real `jivs migrate` (MariaDB → PostgreSQL): the target's backends terminated while
 * they load, the source's connections killed while they stream, Ctrl-C, `jivs pause`, and a permanent
 * error. Each ends with a complete, verified target equal to a clean run's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { RunReport } from '../../src/engine/report.ts';
import type { RunRecord } from '../../src/state/run-types.ts';
import { describeResult, parseJson, runJivs, spawnJivs, type JivsProcess } from '../cli/run-jivs.ts';
import { mysqlEndpoint, postgresEndpoint, type DatabaseEndpoint } from '../support/database-endpoints.ts';
import { tempDir } from '../support/temp-dir.ts';
import { fillSource, fingerprint, writeSpec, type TableFingerprint } from './crash-fixture.ts';
import { MYSQL, POSTGRES } from '../support/databases.ts';

const PG = POSTGRES;

describe('faults during a migration', () => {
  let source: DatabaseEndpoint;
  let reference: Record<string, TableFingerprint>;
  let totals: RunReport['totals'];
  const targets: DatabaseEndpoint[] = [];
  const admin = new pg.Pool({ ...PG, max: 2 });

  /** A fresh target and spec in a fresh directory; small batches, so that a fault finds a run going. */
  async function setup(extra: Record<string, unknown> = { batchSize: 20 }) {
    const dir = await tempDir('jivs-faults-');
    const target = await postgresEndpoint();
    targets.push(target);
    return { dir, target, spec: await writeSpec(dir, source, target, extra) };
  }

  /** True while the target schema holds a checkpoint table. */
  async function hasCheckpointTable(target: DatabaseEndpoint): Promise<boolean> {
    const { rows } = await admin.query(`SELECT to_regclass($1) AS t`, [
      `"${target.spec.schema as string}"._jivs_checkpoints`,
    ]);
    return rows[0].t !== null;
  }

  /** The run ended complete: succeeded, verified, the same rows as the clean run, no checkpoints left. */
  async function assertComplete(report: RunReport, target: DatabaseEndpoint, context: string) {
    assert.equal(report.status, 'succeeded', context);
    assert.equal(report.verified, true, context);
    assert.deepEqual(report.totals, totals, context);
    assert.deepEqual(await fingerprint(target.spec.schema as string), reference, context);
    assert.equal(await hasCheckpointTable(target), false, `cleanup removed the checkpoints: ${context}`);
  }

  before(async () => {
    source = await mysqlEndpoint();
    await fillSource(source);
    const { dir, target, spec } = await setup();
    const result = await runJivs(['migrate', spec, '--json'], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(result.code, 0, describeResult(result));
    totals = parseJson<RunReport>(result).totals;
    reference = await fingerprint(target.spec.schema as string);
  });
  after(async () => {
    await Promise.allSettled([source?.drop(), ...targets.map((t) => t.drop())]);
    await admin.end();
  });

  /**
   * Once `from` shows on stderr (by default: orders load), repeats `fault` every `everyMs` while `jivs` runs,
   * until it hit something three times; returns the exit and how often it hit.
   */
  async function whileRunning(
    jivs: JivsProcess,
    everyMs: number,
    fault: () => Promise<number>,
    from = /^orders: partition \d+\/\d+ done/m,
  ) {
    let hits = 0;
    let done = false;
    const exit = jivs.waitForExit(120_000).finally(() => (done = true));
    await jivs.waitForStderr(from, 60_000).catch(() => {});
    while (!done && hits < 3) {
      if (!done) hits += await fault().catch(() => 0);
      await sleep(everyMs);
    }
    return { result: await exit, hits };
  }

  /** The stored report of the run `jivs` (without --json) printed the id of. */
  async function reportOf(dir: string, stderr: string): Promise<RunReport> {
    const runId = /^run (\S+) started$/m.exec(stderr)?.[1];
    assert.ok(runId, stderr);
    const status = await runJivs(['status', runId, '--json'], { cwd: dir });
    return parseJson<RunRecord & { report: RunReport }>(status).report;
  }

  // The same faults with the partitions on worker threads: each thread reconnects on its own.
  for (const threads of [{}, { partitionThreads: 'on' }]) {
    const on = 'partitionThreads' in threads ? ' (partitions on worker threads)' : '';

    test(`target backends terminated mid-load: reconnects, continues from the checkpoint${on}`, async () => {
      const { dir, target, spec } = await setup({ batchSize: 20, ...threads });
      const jivs = spawnJivs(['migrate', spec], { cwd: dir });
      const { result, hits } = await whileRunning(jivs, 50, async () => {
        const { rows } = await admin.query<{ ok: boolean }>(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
            WHERE application_name = 'jivs-migrate target' AND query LIKE 'COPY%' AND state = 'active'`,
        );
        return rows.filter((r) => r.ok).length;
      });
      assert.ok(hits > 0, `no COPY was caught to terminate:\n${describeResult(result)}`);
      assert.equal(result.code, 0, describeResult(result));
      assert.match(
        result.stderr,
        /terminated[^\n]*reconnecting in [\d.]+ s and continuing from the last checkpoint/,
      );
      await assertComplete(await reportOf(dir, result.stderr), target, describeResult(result));
    });

    test(`source connections killed mid-extract (MariaDB KILL): reconnects, continues${on}`, async () => {
      // Events of 1 KB in partitions of 10 000: more than the socket buffers hold, so that their queries
      // are still sending rows when they are killed.
      await source.exec(`CREATE TABLE events (id INT PRIMARY KEY, body TEXT NOT NULL) ENGINE=InnoDB`);
      await source.exec(
        `INSERT INTO events SELECT seq, REPEAT(CHAR(65 + seq % 26), 1000) FROM seq_1_to_30000`,
      );
      const { dir, target, spec } = await setup({ batchSize: 50, partitionRows: 10000, ...threads });
      const text = await readFile(spec, 'utf8');
      await writeFile(spec, text.replace('tables:\n', 'tables:\n  - name: events\n'));
      const killer = await mysql.createConnection(MYSQL);
      try {
        const jivs = spawnJivs(['migrate', spec], { cwd: dir });
        const { result, hits } = await whileRunning(
          jivs,
          5,
          async () => {
            const [rows] = await killer.query<mysql.RowDataPacket[]>(
              `SELECT ID AS id FROM information_schema.PROCESSLIST
              WHERE DB = ? AND COMMAND = 'Query' AND INFO LIKE 'SELECT %FROM \`events\`%'
                AND INFO NOT LIKE 'SELECT COUNT%'`,
              [source.spec.database],
            );
            for (const row of rows) await killer.query(`KILL ${Number(row.id)}`);
            return rows.length;
          },
          /^phase extraction started$/m,
        );
        assert.ok(hits > 0, `no source query was caught to kill:\n${describeResult(result)}`);
        assert.equal(result.code, 0, describeResult(result));
        assert.match(
          result.stderr,
          /the server closed the source connection[^\n]*continuing from the last checkpoint/,
        );
        const report = await reportOf(dir, result.stderr);
        assert.equal(report.status, 'succeeded');
        assert.equal(report.verified, true);
        const events = report.tables.find((t) => t.target === 'events')!;
        assert.deepEqual([events.extracted, events.loaded], [30000, 30000]);
        const { rows } = await admin.query(
          `SELECT count(*)::int AS n, count(DISTINCT id)::int AS keys FROM "${target.spec.schema as string}".events`,
        );
        assert.deepEqual(rows[0], { n: 30000, keys: 30000 });
        const found = await fingerprint(target.spec.schema as string);
        assert.deepEqual(found, reference, describeResult(result));
      } finally {
        await killer.end();
        await source.exec('DROP TABLE events');
      }
    });
  }

  test('SIGINT stops at a batch boundary, leaves a paused run; jivs resume completes it', async () => {
    const { dir, target, spec } = await setup();
    const jivs = spawnJivs(['migrate', spec], { cwd: dir });
    await jivs.waitForStderr(/^\S+: partition \d+\/\d+ done/m, 60_000);
    const runId = /^run (\S+) started$/m.exec(jivs.stderr)?.[1];
    assert.ok(runId, jivs.stderr);
    jivs.kill('SIGINT');
    const stopped = await jivs.waitForExit(10_000);
    assert.equal(stopped.code, 1, describeResult(stopped));
    assert.match(stopped.stdout, /PAUSED/);
    assert.match(stopped.stdout, new RegExp(`jivs resume ${runId}`));
    const status = parseJson<RunRecord & { report: RunReport }>(
      await runJivs(['status', runId, '--json'], { cwd: dir }),
    );
    assert.equal(status.status, 'paused');
    assert.ok(status.report.totals.loaded < totals.loaded, 'stopped before the end');
    // What the paused run says it loaded is what the target holds.
    const held = await fingerprint(target.spec.schema as string);
    for (const table of status.report.tables)
      assert.equal(held[table.target]!.rows, table.loaded, table.target);

    const resumed = await runJivs(['resume', runId, '--json'], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(resumed.code, 0, describeResult(resumed));
    const report = parseJson<RunReport>(resumed);
    assert.equal(report.attempt, 2);
    await assertComplete(report, target, describeResult(resumed));
  });

  test('jivs pause from another process, then jivs resume', async () => {
    // Batches of 5 rows: the run lasts long enough for a second jivs process to start and pause it.
    const { dir, target, spec } = await setup({ batchSize: 5 });
    const jivs = spawnJivs(['migrate', spec], { cwd: dir });
    await jivs.waitForStderr(/^\S+: partition \d+\/\d+ done/m, 60_000);
    const runId = /^run (\S+) started$/m.exec(jivs.stderr)![1]!;
    const pause = await runJivs(['pause', runId], { cwd: dir });
    assert.equal(pause.code, 0, describeResult(pause));
    assert.match(pause.stdout, /is paused/);
    const stopped = await jivs.waitForExit(10_000);
    assert.equal(stopped.code, 1, describeResult(stopped));
    const resumed = await runJivs(['migrate', spec, '--resume', '--json'], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(resumed.code, 0, describeResult(resumed));
    assert.match(resumed.stderr, new RegExp(`resuming run ${runId}`));
    await assertComplete(parseJson<RunReport>(resumed), target, describeResult(resumed));
  });

  /**
   * Once orders exist in the target, adds a constraint the data breaks: every later COPY fails (23514).
   * Waits for the table as long as planning takes on a busy machine (typically well under a second).
   */
  async function breakOrders(schema: string): Promise<void> {
    for (const started = Date.now(); Date.now() - started < 60_000; await sleep(20)) {
      const { rows } = await admin.query(`SELECT to_regclass($1) AS t`, [`"${schema}".orders`]);
      if (rows[0].t) break;
    }
    await admin.query(`ALTER TABLE "${schema}".orders ADD CONSTRAINT small CHECK (amount < 100) NOT VALID`);
  }

  test('rollback: true — a failed run drops what it created and cannot be resumed', async () => {
    const { dir, target, spec } = await setup({ batchSize: 20, rollback: true });
    const schema = target.spec.schema as string;
    const jivs = spawnJivs(['migrate', spec, '--json'], { cwd: dir });
    await breakOrders(schema);
    const failed = await jivs.waitForExit(60_000);
    assert.equal(failed.code, 1, describeResult(failed));
    const report = parseJson<RunReport>(failed);
    assert.equal(report.rolledBack, true);
    assert.match(report.warnings.join('\n'), /rollback: dropped orders/);
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1`, [
      schema,
    ]);
    assert.deepEqual(rows[0], { n: 0 }, 'no table and no checkpoint table left');
    const resumed = await runJivs(['resume', report.runId], { cwd: dir });
    assert.equal(resumed.code, 2, describeResult(resumed));
    assert.match(resumed.stderr, /rolled back, so it cannot be resumed; start a new run/);
  });

  test('a permanent error fails fast with a clear message; after the fix, resume completes', async () => {
    const { dir, target, spec } = await setup();
    const schema = target.spec.schema as string;
    const jivs = spawnJivs(['migrate', spec, '--json'], { cwd: dir });
    await breakOrders(schema);
    const started = Date.now();
    const failed = await jivs.waitForExit(60_000);
    assert.equal(failed.code, 1, describeResult(failed));
    const report = parseJson<RunReport>(failed);
    assert.equal(report.status, 'failed');
    assert.match(report.error ?? '', /orders[\s\S]*violates check constraint "small"/);
    assert.doesNotMatch(failed.stderr, /reconnecting/, 'a permanent error is not retried');
    assert.ok(Date.now() - started < 30_000);
    assert.equal(await hasCheckpointTable(target), true, 'a failed run keeps its checkpoints');

    await admin.query(`ALTER TABLE "${schema}".orders DROP CONSTRAINT small`);
    const resumed = await runJivs(['resume', report.runId, '--json'], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(resumed.code, 0, describeResult(resumed));
    await assertComplete(parseJson<RunReport>(resumed), target, describeResult(resumed));
  });
});
