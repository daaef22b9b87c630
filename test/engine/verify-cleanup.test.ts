import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSqliteSink } from '../../src/connectors/sqlite/sqlite-sink.ts';
import { finalizeTargetTables } from '../../src/engine/cleanup.ts';
import { verifyTable } from '../../src/engine/verification-phase.ts';
import { tablePlan } from '../support/table-plan.ts';
import { tempDir } from '../support/temp-dir.ts';

async function loadedTable(rows: unknown[][]) {
  const path = join(await tempDir(), 'target.db');
  const sink = await openSqliteSink(path);
  const plan = tablePlan('t', ['id integer not null', 'code text'], ['id']);
  plan.target = { ...plan.target, indexes: [{ name: 'ux_t_code', columns: ['code'], unique: true }] };
  await sink.prepareTable(plan.target, 'create');
  const writer = await sink.openWriter(plan.target);
  await writer.write(rows);
  await writer.close();
  return { path, sink, plan };
}

describe('verification', () => {
  it('passes when the target holds exactly what was loaded', async () => {
    const { sink, plan } = await loadedTable([
      [1, 'a'],
      [2, 'b'],
    ]);
    const result = await verifyTable(sink, plan, { extracted: 3, loaded: 2, rejected: 1, filtered: 0 }, 0);
    assert.deepEqual(result.problems, []);
    assert.equal(result.targetRows, 2);
    await sink.close();
  });

  it('finds rows that appeared or vanished, and unbalanced accounting', async () => {
    const { path, sink, plan } = await loadedTable([[1, 'a']]);
    const other = new Database(path);
    other.prepare(`INSERT INTO t VALUES (99, 'intruder')`).run();
    other.close();
    const result = await verifyTable(sink, plan, { extracted: 3, loaded: 1, rejected: 1, filtered: 0 }, 0);
    assert.equal(result.countsMatch, false);
    assert.equal(result.accountingBalanced, false);
    assert.deepEqual(result.problems, [
      'accounting does not balance: extracted 3 ≠ loaded 1 + rejected 1 + filtered 0',
      'target holds 2 rows, expected 1 (0 before + 1 loaded)',
    ]);
    await sink.close();
  });
});

describe('cleanup', () => {
  it('creates indexes after the data, and reports one that cannot be built without stopping the others', async () => {
    const { path, sink, plan } = await loadedTable([
      [1, 'same'],
      [2, 'same'],
    ]);
    const failures = await finalizeTargetTables(sink, [plan]);
    assert.equal(failures.length, 1);
    assert.match(failures[0]!, /^t: indexes or constraints could not be created: UNIQUE constraint failed/);
    await sink.close();
    const db = new Database(path, { readonly: true });
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n, 2, 'the data stays');
    db.close();
  });
});
