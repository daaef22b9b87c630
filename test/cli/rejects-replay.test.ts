/**
 * The quarantine as a user meets it: the demo's dirty rows are rejected with readable reasons, listed
 * and exported by `jivs rejects`, and loaded by `jivs replay` once the commented fixes in demo.yaml are
 * switched on.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse as parseCsv } from 'csv-parse/sync';
import type { RunReport } from '../../src/engine/report.ts';
import { countRows, copyDemo, DEMO_TARGET_TABLES } from './demo-fixture.ts';
import { describeResult, parseJson, runJivs } from './run-jivs.ts';
import { tempDir } from '../support/temp-dir.ts';

describe('jivs rejects and jivs replay', () => {
  test('lists, filters and exports rejects; a replay after fixing the spec loads them', async (t) => {
    const dir = await tempDir('jivs-cli-', t);
    const demo = await copyDemo(dir);
    const migrate = await runJivs(['migrate', 'demo/demo.yaml', '--json'], { cwd: dir });
    assert.equal(migrate.code, 0, describeResult(migrate));
    const report = parseJson<RunReport>(migrate);
    const runId = report.runId;
    const byTable = Object.fromEntries(report.tables.map((t) => [t.target, t]));
    assert.ok(byTable.customer!.rejected > 0 && byTable.orders!.rejected > 0, 'the demo has dirty rows');
    assert.ok(byTable.customer!.quality!.score < 100);

    // Readable reasons with rule and severity, filtered by rule.
    const listed = await runJivs(['rejects', runId, '--rule', 'email_address.format'], { cwd: dir });
    assert.equal(listed.code, 0, describeResult(listed));
    assert.match(listed.stdout, /^\d+ rejected row\(s\) \(rule email_address\.format\) in run /m);
    assert.match(
      listed.stdout,
      /^ {2}✗ \[major\] email_address\.format: email_address: is not a valid e-mail address$/m,
    );
    assert.doesNotMatch(listed.stdout, /credit_limit/, 'only rows failing that rule');

    // Without a run id, the latest run is meant, and stderr says which.
    const latest = await runJivs(['rejects', '--rule', 'email_address.format'], { cwd: dir });
    assert.equal(latest.code, 0, describeResult(latest));
    assert.equal(latest.stdout, listed.stdout);
    assert.match(
      latest.stderr,
      new RegExp(`^run ${runId} \\(legacy-erp-demo\\), the latest in the state store$`, 'm'),
    );
    const latestStatus = await runJivs(['status', '--rejects', '2', '--json'], { cwd: dir });
    assert.equal(latestStatus.code, 0, describeResult(latestStatus));
    const shown = parseJson<{ id: string; rejects: unknown[] }>(latestStatus);
    assert.equal(shown.id, runId);
    assert.equal(shown.rejects.length, 2);
    const empty = await runJivs(['rejects'], { cwd: await tempDir('jivs-cli-', t) });
    assert.equal(empty.code, 2, describeResult(empty));
    assert.match(empty.stderr, /no runs: there is no state store/);

    // Every reject exported as CSV and JSONL, with the same rows.
    const total = byTable.customer!.rejected + byTable.orders!.rejected + byTable.order_lines!.rejected;
    const csvExport = await runJivs(['rejects', runId, '--export', 'csv', '-o', 'rejects.csv'], { cwd: dir });
    assert.equal(csvExport.code, 0, describeResult(csvExport));
    const records = parseCsv(await readFile(join(dir, 'rejects.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    assert.equal(records.length, total);
    assert.deepEqual(Object.keys(records[0]!), [
      'table',
      'partition',
      'key',
      'rules',
      'severities',
      'reasons',
      'values',
    ]);
    const jsonl = await runJivs(['rejects', runId, '--export', 'jsonl', '--table', 'orders'], { cwd: dir });
    const lines = jsonl.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { table: string; values: Record<string, unknown> });
    assert.equal(lines.length, byTable.orders!.rejected);
    assert.ok(lines.every((l) => l.table === 'orders' && 'OrderDate' in l.values));

    // Fix the spec the way its comments say, then replay.
    const specFile = join(demo, 'demo.yaml');
    const fixed = (await readFile(specFile, 'utf8'))
      .replace(
        /^( *)# transform:\n( *)# +- replace: \{ pattern: ",", with: "\." \}.*$/m,
        '$1transform:\n$1  - replace: { pattern: ",", with: "." }',
      )
      .replace(
        /^( *)# Total:\n *# +transform:\n *# +- replace: \{ pattern: ",", with: "\." \}.*$/m,
        '$1Total:\n$1  transform:\n$1    - replace: { pattern: ",", with: "." }',
      );
    assert.notEqual(fixed, await readFile(specFile, 'utf8'));
    await writeFile(specFile, fixed);
    const commaRows = records.filter((r) => /"\d+,\d+" is not a number/.test(r.reasons!)).length;
    assert.ok(commaRows > 0, 'some rows were rejected for a decimal comma');

    const replay = await runJivs(['replay', runId, '--json'], { cwd: dir });
    assert.equal(replay.code, 0, describeResult(replay));
    const outcome = parseJson<{
      tables: { table: string; replayed: number; loaded: number; stillRejected: number }[];
    }>(replay);
    const loadedNow = outcome.tables.reduce((n, t) => n + t.loaded, 0);
    assert.ok(loadedNow >= commaRows, `replay loaded ${loadedNow}, ${commaRows} had decimal commas`);
    assert.equal(
      outcome.tables.reduce((n, t) => n + t.replayed, 0),
      total,
    );

    // The run's accounting moved from rejected to loaded, and the target holds exactly that.
    const status = await runJivs(['status', runId, '--json'], { cwd: dir });
    const stored = parseJson<{ report: RunReport }>(status).report;
    assert.equal(stored.totals.loaded, report.totals.loaded + loadedNow);
    assert.equal(stored.totals.rejected, report.totals.rejected - loadedNow);
    assert.ok(stored.accountingBalanced);
    const counts = countRows(join(demo, 'migrated.db'), DEMO_TARGET_TABLES);
    for (const table of stored.tables) assert.equal(counts[table.target], table.loaded, table.target);
    const left = await runJivs(['rejects', runId, '--json', '--limit', '1'], { cwd: dir });
    assert.equal(parseJson<{ total: number }>(left).total, stored.totals.rejected);
  });

  test('an unknown run exits 2 and says where to look', async (t) => {
    const dir = await tempDir('jivs-cli-', t);
    const result = await runJivs(['rejects', 'nosuchrun'], { cwd: dir });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, /no run "nosuchrun": there is no state store at /);
  });
});
