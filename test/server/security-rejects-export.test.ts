/**
 * Issue 11, item 5: CSV formula injection in the rejects export. A table, a column and a value named
 * `=HYPERLINK("http://x","y")` end up in a rejected row; both exports (`jivs rejects --export csv` and
 * `GET /runs/:id/rejects?format=csv`) must write no cell a spreadsheet would run as a formula.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify } from 'yaml';
import { describeResult, parseJson, runJivs } from '../cli/run-jivs.ts';
import { tempDir } from '../support/temp-dir.ts';
import { createSqliteDatabase } from '../support/sqlite-fixture.ts';
import { runThroughApi } from './api-run.ts';
import { startServer } from './server-fixture.ts';

const FORMULA = '=HYPERLINK("http://x","y")';
const quoted = `"${FORMULA.replaceAll('"', '""')}"`;

/** A source whose one table, column and value are a formula; the column's e-mail rule rejects the row. */
function hostileSource(dir: string): Record<string, unknown> {
  createSqliteDatabase(
    join(dir, 'hostile.db'),
    `CREATE TABLE ${quoted} (id INTEGER PRIMARY KEY, ${quoted} TEXT, amount TEXT);
     INSERT INTO ${quoted} VALUES (-5, '${FORMULA}', '-5'), (1, 'a@example.com', '+3');`,
  );
  return {
    source: { type: 'sqlite', path: 'hostile.db' },
    target: { type: 'sqlite', path: 'out.db' },
    tables: [{ name: FORMULA, columns: { [FORMULA]: { rules: [{ format: 'email' }] } } }],
  };
}

/** Every cell of every record; none may start like a formula, and the hostile ones are there, quoted. */
function assertNoFormulaCells(csvText: string): void {
  const records = parseCsv(csvText, { columns: true }) as Record<string, string>[];
  assert.equal(records.length, 1, 'the one rejected row');
  const record = records[0]!;
  for (const [column, cell] of Object.entries(record)) {
    assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `cell ${column} starts like a formula`);
  }
  assert.equal(record.table, `'${FORMULA}`);
  assert.ok(record.rules!.startsWith(`'${FORMULA}`), record.rules);
  assert.ok(record.reasons!.startsWith(`'${FORMULA}`), record.reasons);
  // The values cell is JSON (starts with `{`); the hostile value stays readable inside it.
  assert.equal((JSON.parse(record.values!) as Record<string, unknown>)[FORMULA], FORMULA);
}

describe('the rejects CSV export neutralizes formulas', () => {
  test('jivs rejects --export csv', async (t) => {
    const dir = await tempDir('jivs-cli-', t);
    await writeFile(join(dir, 'spec.yaml'), stringify({ version: 1, ...hostileSource(dir) }));
    const migrate = await runJivs(['migrate', 'spec.yaml', '--json'], { cwd: dir });
    assert.equal(migrate.code, 0, describeResult(migrate));
    const { runId } = parseJson<{ runId: string }>(migrate);
    const exported = await runJivs(['rejects', runId, '--export', 'csv', '-o', 'rejects.csv'], { cwd: dir });
    assert.equal(exported.code, 0, describeResult(exported));
    assertNoFormulaCells(await readFile(join(dir, 'rejects.csv'), 'utf8'));
  });

  test('GET /runs/:id/rejects?format=csv', async (t) => {
    const server = await startServer(t);
    const engineer = await server.tokenFor('engineer');
    const viewer = await server.tokenFor('viewer');
    const runId = await runThroughApi(server, engineer, hostileSource(server.dir));
    const csv = await server.request('GET', `/api/v1/runs/${runId}/rejects?format=csv`, { token: viewer });
    assert.equal(csv.status, 200, csv.text);
    assertNoFormulaCells(csv.text);
  });
});
