import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import type { StateStore } from '../../src/state/state-store.ts';
import { SHOP_SQL, createSqliteDatabase, queryAll } from '../support/sqlite-fixture.ts';
import { runSpec } from '../support/run-spec.ts';
import { tempDir } from '../support/temp-dir.ts';

let dir: string;
const stores: StateStore[] = [];
after(() => Promise.all(stores.map((s) => s.close())));

before(async () => {
  dir = await tempDir();
  createSqliteDatabase(join(dir, 'shop.db'), SHOP_SQL);
  await writeFile(
    join(dir, 'people.csv'),
    'id;name;born;score\n1;"Zoë; the first";1990-04-01;1.5\n2;"";1985-13-01;2\n3;Ümit;;x\n4;Line\n',
  );
});

async function run(spec: Record<string, unknown>) {
  const result = await runSpec(dir, spec);
  stores.push(result.store);
  return result.report;
}

describe('file migrations', () => {
  it('moves a CSV file into SQLite, rejecting rows that do not fit with reasons', async () => {
    const report = await run({
      source: { type: 'csv', path: 'people.csv', delimiter: ';' },
      target: { type: 'sqlite', path: 'people.db' },
      tables: [{ name: 'people', columns: { born: { type: 'date' }, score: { type: 'decimal(5,2)' } } }],
    });
    assert.equal(report.status, 'succeeded', report.error ?? '');
    const table = report.tables[0]!;
    assert.deepEqual([table.extracted, table.loaded, table.rejected], [4, 1, 3]);
    assert.deepEqual(queryAll(join(dir, 'people.db'), 'SELECT * FROM people'), [
      { id: 1, name: 'Zoë; the first', born: '1990-04-01', score: 1.5 },
    ]);
    const reasons = table.topRejectReasons.map((r) => r.reason).join('\n');
    assert.match(reasons, /born: … is not a valid calendar date/);
    assert.match(reasons, /score: … is not a number/);
    assert.match(reasons, /people\.csv:5: 2 fields, expected 4/);
  });

  it('reports a CSV header that does not match the expected columns before moving data', async () => {
    await assert.rejects(
      run({
        source: {
          type: 'csv',
          path: 'people.csv',
          delimiter: ';',
          columns: ['id', 'name', 'birthday', 'score'],
        },
        target: { type: 'sqlite', path: 'never.db' },
      }),
      (error: unknown) => error instanceof InputError && /birthday/.test(error.message),
    );
  });

  it('writes SQLite tables to CSV and JSONL, and reads them back losslessly', async () => {
    const toCsv = await run({
      source: { type: 'sqlite', path: 'shop.db' },
      target: { type: 'csv', path: 'csv-out' },
    });
    assert.equal(toCsv.status, 'succeeded', toCsv.error ?? '');
    assert.ok(toCsv.verified);
    const csv = await readFile(join(dir, 'csv-out', 'Customers.csv'), 'utf8');
    assert.match(
      csv,
      /^CustNo,CustName,EMail,Balance,Active\n1,Müller,m@example.com,10.5,true\n2,Dvořák,,7,false\n/,
    );

    const toJsonl = await run({
      source: { type: 'sqlite', path: 'shop.db' },
      target: { type: 'jsonl', path: 'jsonl-out' },
    });
    assert.ok(toJsonl.verified);
    const first = JSON.parse(
      (await readFile(join(dir, 'jsonl-out', 'Orders.jsonl'), 'utf8')).split('\n')[0]!,
    );
    assert.deepEqual(first, { OrderNo: 10, CustNo: 1, OrderDate: '2024-01-31', Total: '99.99' });

    const back = await run({
      source: { type: 'jsonl', path: 'jsonl-out' },
      target: { type: 'sqlite', path: 'back.db' },
    });
    assert.equal(back.status, 'succeeded', back.error ?? '');
    assert.equal(back.totals.rejected, 0);
    assert.deepEqual(
      queryAll(join(dir, 'back.db'), 'SELECT OrderNo, OrderDate FROM Orders ORDER BY OrderNo'),
      [
        { OrderNo: 10, OrderDate: '2024-01-31' },
        { OrderNo: 12, OrderDate: '2024-03-01' },
      ],
    );
  });
});
