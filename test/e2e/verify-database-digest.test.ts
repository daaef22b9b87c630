/**
 * Issue 13, verification computed where the data is: `jivs verify` of a MariaDB → PostgreSQL migration
 * lets PostgreSQL compute the target's digest per key range (no note says the rows were read back),
 * and MariaDB the meant one where the spec loads a table unchanged and it has no doubles:
 * -0, decimals with trailing zeros, single floats in a double column, a DATETIME compared as the
 * instant a timestamptz holds, NULL and '' and non-BMP text; a changed
 * value is still found and narrowed to its key and column; a table with a json column is read back,
 * and its notes say why.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSpec } from '../../src/plan/load-spec.ts';
import { verifySpec } from '../../src/engine/verify-spec.ts';
import type { StateStore } from '../../src/state/state-store.ts';
import { mysqlEndpoint, postgresEndpoint, type DatabaseEndpoint } from '../support/database-endpoints.ts';
import { runSpec } from '../support/run-spec.ts';
import { tempDir } from '../support/temp-dir.ts';

const ROWS = 4000;

function rows(): string {
  const values: string[] = [];
  for (let i = 1; i <= ROWS; i++) {
    const text = i % 7 === 0 ? 'NULL' : i % 11 === 0 ? "''" : `'name ${i} ü 🍀'`;
    values.push(
      `(${i}, ${text}, ${(i * 37) % 1000}.${i % 2 ? '50' : '00'}, ${i % 5 === 0 ? '-0e0' : `${i}.25e-3`}, ${i}.1,
        '2024-02-${String((i % 28) + 1).padStart(2, '0')} 10:00:0${i % 10}.${i % 3 ? '5' : '0'}', ${i % 2},
        X'${(i % 256).toString(16).padStart(2, '0')}ff', '{"n": ${i}}')`,
    );
  }
  return `INSERT INTO items VALUES ${values.join(',\n')}`;
}

const dir = await tempDir('jivs-verify-db-digest-');
let source: DatabaseEndpoint;
let target: DatabaseEndpoint;
let file: string;
let store: StateStore;

before(async () => {
  source = await mysqlEndpoint();
  target = await postgresEndpoint();
  await source.exec(`CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(10,2),
    ratio DOUBLE, approx FLOAT, placed DATETIME(6), flag TINYINT(1), bytes VARBINARY(8), doc JSON) ENGINE=InnoDB;
    CREATE TABLE plain (id INT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(10,2), placed DATETIME(6),
      ratio DOUBLE, approx FLOAT, flag TINYINT(1), bytes VARBINARY(8)) ENGINE=InnoDB;
    CREATE TABLE exact (id INT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(10,2), placed DATETIME(6),
      flag TINYINT(1), bytes VARBINARY(8)) ENGINE=InnoDB`);
  await source.exec(rows());
  await source.exec(
    `INSERT INTO plain SELECT id, name, amount, placed, ratio, approx, flag, bytes FROM items`,
  );
  await source.exec(`INSERT INTO exact SELECT id, name, amount, placed, flag, bytes FROM items`);
  const run = await runSpec(dir, {
    source: source.spec,
    target: target.spec,
    tables: [
      { name: 'items' },
      { name: 'plain', columns: { placed: { type: 'timestamptz' } } },
      { name: 'exact', columns: { placed: { type: 'timestamptz' } } },
    ],
    partitionRows: 1000,
    batchSize: 200,
  });
  store = run.store;
  file = run.file;
  assert.equal(run.report.status, 'succeeded', run.report.error ?? '');
});

after(async () => {
  await store?.close();
  await source?.drop();
  await target?.drop();
});

describe('jivs verify with digests computed by PostgreSQL', () => {
  it('matches, the table without json verified by the database, the one with json read back with a note', async () => {
    const result = await verifySpec(await loadSpec(file));
    const byName = new Map(result.tables.map((t) => [t.table, t]));
    assert.ok(result.matches, JSON.stringify(result.tables.map((t) => t.notes)));
    const plain = byName.get('plain')!;
    assert.equal(plain.ranges, 4);
    assert.equal(plain.meantRows, ROWS);
    assert.equal(plain.targetRows, ROWS);
    // The target computes its digests; the source cannot spell doubles' bits, so its rows are read.
    assert.deepEqual(plain.notes, [
      "the source's rows are read to be hashed: no exact SQL form for column(s) ratio (double), approx (float)",
    ]);
    // Both databases compute theirs.
    assert.deepEqual(byName.get('exact')!.notes, []);
    assert.equal(byName.get('exact')!.meantRows, ROWS);
    assert.equal(byName.get('exact')!.ranges, 4);
    assert.match(
      byName.get('items')!.notes.join('\n'),
      /the target.s rows are read to be hashed: .*doc \(jsonb\)/,
    );
  });

  it('narrows a changed value to its key and column', async () => {
    await target.exec(`UPDATE plain SET amount = amount + 0.01 WHERE id = 3210;
      UPDATE plain SET ratio = 0 WHERE id = 12`);
    await target.exec(`UPDATE exact SET name = 'changed' WHERE id = 2500`);
    const tables = new Map((await verifySpec(await loadSpec(file))).tables.map((t) => [t.table, t]));
    const [plain, exact] = [tables.get('plain'), tables.get('exact')];
    assert.deepEqual(
      exact!.differences.map((d) => ({ key: d.key, columns: d.columns?.map((c) => c.column) })),
      [{ key: '[2500]', columns: ['name'] }],
    );
    assert.deepEqual(
      plain!.differences.map((d) => ({ key: d.key, kind: d.kind, columns: d.columns?.map((c) => c.column) })),
      [
        { key: '[3210]', kind: 'changed', columns: ['amount'] },
        { key: '[12]', kind: 'changed', columns: ['ratio'] },
      ].reverse(),
    );
    assert.equal(plain!.rangesDiffering, 2);
  });
});
