/**
 * Rows a run rejected are not meant to be in the target: `jivs verify --run <id>` leaves them out of
 * the meant side (by their quarantine key, with or without a primary key) and finds no difference;
 * without --run they are what the spec would load, so they show up as missing.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyCommand } from '../../src/cli/verify-command.ts';
import { InputError } from '../../src/core/errors.ts';
import { loadSpec } from '../../src/plan/load-spec.ts';
import type { StateStore } from '../../src/state/state-store.ts';
import { verifySpec } from '../../src/engine/verify-spec.ts';
import type { ContentVerification } from '../../src/verify/verify-table-content.ts';
import { describeResult, parseJson, runJivs } from '../cli/run-jivs.ts';
import { mysqlEndpoint, postgresEndpoint, type DatabaseEndpoint } from '../support/database-endpoints.ts';
import { runSpec } from '../support/run-spec.ts';
import { tempDir } from '../support/temp-dir.ts';

/** Amounts below zero fail the rule; 5 of 60 items, 2 of 20 notes. */
const NEGATIVE_ITEMS = [3, 17, 18, 40, 59];

function items(): string {
  const rows = Array.from({ length: 60 }, (_, i) => {
    const id = i + 1;
    return `(${id}, ${NEGATIVE_ITEMS.includes(id) ? -id : id}.25, 'item ${id}')`;
  });
  return `INSERT INTO items (id, amount, label) VALUES ${rows.join(', ')}`;
}

function notes(): string {
  const rows = Array.from({ length: 20 }, (_, i) => `(${i === 4 || i === 11 ? -1 : i}, 'note ${i}')`);
  return `INSERT INTO notes (amount, body) VALUES ${rows.join(', ')}`;
}

describe('jivs verify --run leaves out the rows the run rejected', () => {
  let dir: string;
  let file: string;
  let runId: string;
  let sourceDb: DatabaseEndpoint;
  let targetDb: DatabaseEndpoint;
  let store: StateStore;
  const state = () => join(dir, 'state.db');

  before(async () => {
    dir = await tempDir('jivs-verify-quarantine-');
    sourceDb = await mysqlEndpoint();
    targetDb = await postgresEndpoint();
    await sourceDb.exec(`CREATE TABLE items (id INT PRIMARY KEY, amount DECIMAL(8,2), label VARCHAR(20)) ENGINE=InnoDB;
      CREATE TABLE notes (amount INT, body VARCHAR(20)) ENGINE=InnoDB;`);
    await sourceDb.exec(`${items()}; ${notes()}`);
    const rule = { check: 'amount >= 0', name: 'no-negative-amounts', severity: 'major' };
    const run = await runSpec(dir, {
      source: sourceDb.spec,
      target: targetDb.spec,
      tables: [
        { name: 'items', rules: [rule] },
        { name: 'notes', rules: [rule] },
      ],
    });
    store = run.store;
    file = run.file;
    runId = run.report.runId;
    const rejected = Object.fromEntries(run.report.tables.map((t) => [t.target, t.rejected]));
    assert.deepEqual(rejected, { items: NEGATIVE_ITEMS.length, notes: 2 });
  });

  after(async () => {
    await store?.close();
    await Promise.allSettled([sourceDb?.drop(), targetDb?.drop()]);
  });

  it('with --run: no difference (exit 0)', async () => {
    const result = await runJivs(['verify', file, '--run', runId, '--state', state(), '--json'], {
      cwd: dir,
    });
    assert.equal(result.code, 0, describeResult(result));
    const parsed = parseJson<{ runId: string; matches: boolean; tables: ContentVerification[] }>(result);
    assert.equal(parsed.runId, runId);
    assert.ok(parsed.matches);
    const byTable = Object.fromEntries(parsed.tables.map((t) => [t.table, t]));
    assert.deepEqual(
      [
        byTable.items!.meantRows,
        byTable.items!.targetRows,
        byTable.notes!.meantRows,
        byTable.notes!.targetRows,
      ],
      [55, 55, 18, 18],
    );
  });

  it('without --run: the rejected rows are missing (exit 1); a table without a key is counted', async () => {
    const result = await runJivs(['verify', file, '--json'], { cwd: dir });
    assert.equal(result.code, 1, describeResult(result));
    const parsed = parseJson<{ tables: ContentVerification[] }>(result);
    const byTable = Object.fromEntries(parsed.tables.map((t) => [t.table, t]));
    assert.deepEqual(
      byTable.items!.differences,
      NEGATIVE_ITEMS.map((id) => ({ key: `[${id}]`, kind: 'missing' })),
    );
    assert.equal(byTable.notes!.differencesTotal, 2);
    assert.deepEqual(byTable.notes!.differences, []);
    assert.match(byTable.notes!.notes.join('\n'), /no primary key.*\(a lower bound\)/);
  });

  it('append mode: content is not compared, and the result says why', async () => {
    const loaded = await loadSpec(file);
    const result = await verifySpec({ ...loaded, spec: { ...loaded.spec, mode: 'append' } });
    assert.deepEqual(
      result.tables.map((t) => [t.table, t.ranges, /^mode append: /.test(t.skipped ?? '')]),
      [
        ['items', 0, true],
        ['notes', 0, true],
      ],
    );
    assert.ok(result.matches);
  });

  it('an unknown run is bad input', async () => {
    await assert.rejects(
      verifyCommand(file, { run: 'no-such-run', state: state() }),
      (error: Error) => error instanceof InputError && /no run "no-such-run"/.test(error.message),
    );
  });
});
