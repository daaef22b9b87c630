import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { parse } from 'yaml';
import { demoSpecYaml } from '../../src/demo/demo-spec.ts';
import {
  generateLegacyErp,
  generateLegacyErpSync,
  type LegacyErpSummary,
} from '../../src/demo/generate-legacy-erp.ts';
import { parseSpecText } from '../../src/plan/load-spec.ts';
import { tempDir } from '../support/temp-dir.ts';

const ROWS = 5000;
const SEED = 1234;

const TABLE_KEYS: Record<string, string> = {
  Customers: 'CustNo',
  Products: 'ProdNo',
  Orders: 'OrderNo',
  OrderLines: 'OrderNo, LineNo',
};

/** SQL that finds each dirty kind independently of the generator. */
const DIRTY_SQL: Record<string, string> = {
  'Customers.EMail.malformed-email': `SELECT count(*) FROM Customers
    WHERE EMail NOT GLOB '*?@?*.?*' OR EMail GLOB '*@*@*' OR EMail GLOB '* *'`,
  'Customers.CreditLimit.comma-decimal': `SELECT count(*) FROM Customers
    WHERE typeof(CreditLimit) = 'text' AND CreditLimit GLOB '*[0-9],[0-9][0-9]'`,
  'Customers.IsActive.yes-no-boolean': `SELECT count(*) FROM Customers WHERE IsActive IN ('Y', 'N')`,
  'Orders.CustNo.orphan-reference': `SELECT count(*) FROM Orders o
    LEFT JOIN Customers c ON c.CustNo = o.CustNo WHERE c.CustNo IS NULL`,
  'Orders.OrderDate.odd-date': `SELECT count(*) FROM Orders WHERE OrderDate IS NOT date(OrderDate)`,
  'Orders.ShipDate.odd-date': `SELECT count(*) FROM Orders WHERE ShipDate IS NOT NULL AND ShipDate IS NOT date(ShipDate)`,
  'Orders.Total.comma-decimal': `SELECT count(*) FROM Orders
    WHERE typeof(Total) = 'text' AND Total GLOB '*[0-9],[0-9][0-9]'`,
  'OrderLines.Qty.negative-quantity': `SELECT count(*) FROM OrderLines WHERE Qty < 0`,
  'OrderLines.ProdNo.orphan-reference': `SELECT count(*) FROM OrderLines l
    LEFT JOIN Products p ON p.ProdNo = l.ProdNo WHERE p.ProdNo IS NULL`,
};

/** A hash of every row of every table, in key order. */
function contentHash(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    const hash = createHash('sha256');
    for (const [table, key] of Object.entries(TABLE_KEYS)) {
      for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY ${key}`).raw().iterate()) {
        hash.update(
          JSON.stringify(row, (_key, value: unknown) =>
            Buffer.isBuffer(value) ? `blob:${value.toString('hex')}` : value,
          ),
        );
        hash.update('\n');
      }
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

function count(db: Database.Database, sql: string): number {
  return db.prepare(sql).pluck().get() as number;
}

describe('generateLegacyErp', () => {
  let dir: string;
  let path: string;
  let summary: LegacyErpSummary;
  let db: Database.Database;

  before(async () => {
    dir = await tempDir('jivs-demo-');
    path = join(dir, 'legacy-erp.sqlite');
    summary = await generateLegacyErp(path, { rows: ROWS, seed: SEED });
    db = new Database(path, { readonly: true });
  });

  after(async () => {
    db?.close();
  });

  test('writes the four tables with about the requested rows, as the summary says', () => {
    assert.equal(summary.path, path);
    assert.deepEqual(
      summary.tables.map((t) => t.name),
      ['Customers', 'Products', 'Orders', 'OrderLines'],
    );
    for (const { name, rows } of summary.tables) {
      assert.equal(count(db, `SELECT count(*) FROM ${name}`), rows, name);
      assert.ok(rows > 0, name);
    }
    const total = summary.tables.reduce((sum, t) => sum + t.rows, 0);
    assert.equal(summary.totalRows, total);
    assert.ok(Math.abs(total - ROWS) <= ROWS * 0.02, `total ${total}`);
    const share = (name: string) => summary.tables.find((t) => t.name === name)!.rows / total;
    assert.ok(Math.abs(share('Customers') - 0.1) < 0.01);
    assert.ok(Math.abs(share('Products') - 0.02) < 0.01);
    assert.ok(Math.abs(share('Orders') - 0.3) < 0.02);
    assert.ok(Math.abs(share('OrderLines') - 0.58) < 0.02);
  });

  test('counts every kind of dirt, and SQL finds exactly that many rows', () => {
    assert.deepEqual(
      summary.dirty.map((d) => `${d.table}.${d.column}.${d.kind}`).sort(),
      Object.keys(DIRTY_SQL).sort(),
    );
    for (const dirty of summary.dirty) {
      const key = `${dirty.table}.${dirty.column}.${dirty.kind}`;
      assert.ok(dirty.rows > 0, key);
      const tableRows = summary.tables.find((t) => t.name === dirty.table)!.rows;
      assert.ok(dirty.rows <= Math.max(5, tableRows * 0.02), `${key}: ${dirty.rows} of ${tableRows}`);
      assert.equal(count(db, DIRTY_SQL[key]!), dirty.rows, key);
    }
  });

  test('mixes types, NULLs, empty strings and unicode like legacy data', () => {
    assert.ok(
      count(db, `SELECT count(*) FROM Customers WHERE CustName GLOB '*[^ -~]*'`) > 0,
      'non-ASCII names',
    );
    assert.ok(count(db, `SELECT count(*) FROM Customers WHERE Notes GLOB '*[^ -~]*'`) > 0, 'non-ASCII notes');
    for (const column of ['Phone', 'Notes']) {
      assert.ok(count(db, `SELECT count(*) FROM Customers WHERE ${column} IS NULL`) > 0, `${column} NULL`);
      assert.ok(count(db, `SELECT count(*) FROM Customers WHERE ${column} = ''`) > 0, `${column} ''`);
    }
    assert.equal(count(db, `SELECT count(*) FROM Orders WHERE OrderDate IS NULL`), 0);
    assert.equal(
      count(db, `SELECT count(*) FROM Orders WHERE Status = 'OPEN' AND ShipDate = date(ShipDate)`),
      0,
      'open orders have no (valid) ship date',
    );
    assert.ok(count(db, `SELECT count(*) FROM Orders WHERE Status = 'OPEN' AND ShipDate IS NULL`) > 0);
    assert.ok(
      count(
        db,
        `SELECT count(*) FROM Orders WHERE ShipDate GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'`,
      ) > 0,
    );
    assert.ok(count(db, `SELECT count(*) FROM Customers WHERE CreatedAt GLOB '????-??-?? ??:??:??'`) > 0);
    assert.ok(count(db, `SELECT count(*) FROM Products WHERE typeof(Photo) = 'blob'`) > 0, 'some photos');
    assert.ok(count(db, `SELECT count(*) FROM Products WHERE Photo IS NULL`) > 0, 'mostly no photo');
    assert.deepEqual(
      db.prepare(`SELECT DISTINCT typeof(UnitPrice) FROM OrderLines ORDER BY 1`).pluck().all(),
      ['integer', 'real'],
    );
  });

  test('declares the legacy schema: keys, foreign keys and indexes', () => {
    const foreignKeys = (table: string) =>
      db
        .prepare(`PRAGMA foreign_key_list(${table})`)
        .all()
        .map((fk) => {
          const { from, table: parent, to, on_delete } = fk as Record<string, string>;
          return `${from}->${parent}.${to} ${on_delete}`;
        })
        .sort();
    assert.deepEqual(foreignKeys('Orders'), ['CustNo->Customers.CustNo NO ACTION']);
    assert.deepEqual(foreignKeys('OrderLines'), [
      'OrderNo->Orders.OrderNo CASCADE',
      'ProdNo->Products.ProdNo NO ACTION',
    ]);
    const primaryKey = db
      .prepare(`SELECT name FROM pragma_table_info('OrderLines') WHERE pk > 0 ORDER BY pk`)
      .pluck()
      .all();
    assert.deepEqual(primaryKey, ['OrderNo', 'LineNo']);
    const indexes = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'IX_%' ORDER BY name`)
      .pluck()
      .all();
    assert.deepEqual(indexes, [
      'IX_Customers_Country',
      'IX_OrderLines_ProdNo',
      'IX_Orders_CustNo',
      'IX_Orders_OrderDate',
    ]);
    const types = db.prepare(`SELECT name, type FROM pragma_table_info('Customers')`).all();
    assert.deepEqual(types.slice(0, 2), [
      { name: 'CustNo', type: 'INTEGER' },
      { name: 'CustName', type: 'VARCHAR(80)' },
    ]);
  });

  test('is deterministic: same seed, same rows; another seed, other rows', async () => {
    const again = join(dir, 'again.sqlite');
    const other = join(dir, 'other.sqlite');
    const againSummary = generateLegacyErpSync(again, { rows: ROWS, seed: SEED });
    await generateLegacyErp(other, { rows: ROWS, seed: SEED + 1 });
    assert.deepEqual({ ...againSummary, path: path }, summary);
    assert.equal(contentHash(again), contentHash(path));
    assert.notEqual(contentHash(other), contentHash(path));
  });

  test('replaces an existing file', async () => {
    const target = join(dir, 'replace.sqlite');
    await generateLegacyErp(target, { rows: 200, seed: 1 });
    const summary200 = await generateLegacyErp(target, { rows: 100, seed: 2 });
    const check = new Database(target, { readonly: true });
    try {
      assert.equal(count(check, 'SELECT count(*) FROM Customers'), summary200.tables[0]!.rows);
    } finally {
      check.close();
    }
  });

  test('rejects a row count it cannot honour', async () => {
    await assert.rejects(generateLegacyErp(join(dir, 'bad.sqlite'), { rows: 0 }), RangeError);
  });
});

describe('demoSpecYaml', () => {
  const yaml = demoSpecYaml({ sourcePath: 'legacy-erp.sqlite', targetPath: 'migrated.sqlite' });

  test('is YAML with the paths as given', () => {
    const document = parse(yaml) as Record<string, { path?: string }>;
    assert.equal(document.source!.path, 'legacy-erp.sqlite');
    assert.equal(document.target!.path, 'migrated.sqlite');
  });

  test('validates as a migration spec and shows renames and type overrides', () => {
    const spec = parseSpecText(yaml, 'demo.yaml');
    assert.equal(spec.name, 'legacy-erp-demo');
    assert.equal(spec.naming, 'snake_case');
    assert.equal(spec.partitionRows, 20000);
    assert.deepEqual(spec.include, ['*']);
    const customers = spec.tables.find((t) => t.name === 'Customers')!;
    assert.equal(customers.target, 'customer');
    assert.equal(customers.columns!.EMail!.rename, 'email_address');
    assert.deepEqual(customers.columns!.EMail!.rules, [
      { format: 'email', severity: 'major', message: 'is not a valid e-mail address' },
    ]);
    assert.equal(customers.columns!.CreditLimit!.type, 'decimal(14,2)');
    assert.deepEqual(customers.columns!.Phone!.mask, { partial: { keepLast: 4 } });
    assert.deepEqual(
      spec.tables.map((t) => t.name),
      ['Customers', 'Products', 'Orders', 'OrderLines'],
    );
    // The two fixes a replay demonstrates are in the spec, commented out.
    assert.equal(yaml.match(/^ *# .*replace: \{ pattern: ",", with: "\." \}/gm)?.length, 2);
  });

  test('quotes paths that YAML would misread', () => {
    const odd = demoSpecYaml({ sourcePath: 'data: #1.sqlite', targetPath: "C:\\out\\it's new.sqlite" });
    const spec = parseSpecText(odd, 'demo.yaml');
    assert.deepEqual(spec.source, { type: 'sqlite', path: 'data: #1.sqlite' });
    assert.deepEqual(spec.target, { type: 'sqlite', path: "C:\\out\\it's new.sqlite" });
  });
});
