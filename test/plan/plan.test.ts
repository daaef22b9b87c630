import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Source } from '../../src/connectors/connector.ts';
import { openSqliteSource } from '../../src/connectors/sqlite/sqlite-source.ts';
import { planMigration } from '../../src/plan/plan.ts';
import { InputError } from '../../src/core/errors.ts';
import { validateSpec } from '../../src/plan/validate-spec.ts';
import { SHOP_SQL, createSqliteDatabase } from '../support/sqlite-fixture.ts';
import { tempDir } from '../support/temp-dir.ts';

let sourcePath: string;
let source: Source;

before(async () => {
  sourcePath = join(await tempDir(), 'shop.db');
  createSqliteDatabase(sourcePath, SHOP_SQL);
  source = await openSqliteSource(sourcePath);
});

function spec(extra: Record<string, unknown>) {
  return validateSpec({
    version: 1,
    source: { type: 'sqlite', path: 'shop.db' },
    target: { type: 'sqlite', path: 'out.db' },
    ...extra,
  });
}

async function planProblems(extra: Record<string, unknown>) {
  const error = await planMigration(spec(extra), source).then(
    () => assert.fail('planning should have failed'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof InputError, String(error));
  return error.problems;
}

describe('planning', () => {
  it('orders tables parents first and maps names with the naming rule', async () => {
    const plan = await planMigration(spec({ naming: 'snake_case' }), source);
    assert.deepEqual(
      plan.tables.map((t) => t.target.name),
      ['customers', 'orders', 'order_items'],
    );
    const orders = plan.tables[1]!;
    assert.deepEqual(
      orders.columns.map((c) => c.target.name),
      ['order_no', 'cust_no', 'order_date', 'total'],
    );
    assert.deepEqual(orders.target.foreignKeys[0]?.referencedTable, 'customers');
    assert.deepEqual(orders.target.foreignKeys[0]?.referencedColumns, ['cust_no']);
    assert.deepEqual(orders.target.indexes, [
      { name: 'ix_orders_cust_no', columns: ['cust_no'], unique: false },
    ]);
    const items = plan.tables[2]!;
    assert.deepEqual(items.target.primaryKey, ['order_no', 'line_no']);
    assert.equal(items.target.foreignKeys[0]?.onDelete, 'CASCADE');
    assert.equal(plan.tables[0]!.estimatedRows, 4);
    assert.deepEqual(plan.tables[0]!.keyPositions, [0]);
  });

  it('applies table targets, column renames, type overrides and skips', async () => {
    const plan = await planMigration(
      spec({
        tables: [
          {
            name: 'Customers',
            target: 'client',
            mode: 'append',
            columns: { EMail: { rename: 'email_address', type: 'text' }, Balance: { skip: true } },
          },
        ],
      }),
      source,
    );
    assert.equal(plan.tables.length, 1, 'an explicit list migrates exactly those tables');
    const client = plan.tables[0]!;
    assert.equal(client.target.name, 'client');
    assert.equal(client.mode, 'append');
    assert.deepEqual(
      client.columns.map((c) => `${c.source.name}->${c.target.name}:${c.target.type.kind}`),
      [
        'CustNo->CustNo:bigint',
        'CustName->CustName:text',
        'EMail->email_address:text',
        'Active->Active:boolean',
      ],
    );
    assert.deepEqual(client.target.indexes[0]?.columns, ['email_address']);
  });

  it('drops foreign keys to tables that are not migrated, and says so', async () => {
    const plan = await planMigration(spec({ include: ['Order*'] }), source);
    const orders = plan.tables.find((t) => t.source.name === 'Orders')!;
    assert.equal(orders.target.foreignKeys.length, 0);
    assert.match(orders.notes.join('\n'), /foreign key to Customers dropped: that table is not migrated/);
  });

  it('selects with include and exclude patterns', async () => {
    const plan = await planMigration(spec({ include: ['*'], exclude: ['Order*'] }), source);
    assert.deepEqual(
      plan.tables.map((t) => t.source.name),
      ['Customers'],
    );
  });

  it('splits large tables into key ranges', async () => {
    const big = join(await tempDir(), 'big.db');
    createSqliteDatabase(
      big,
      `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) INSERT INTO t SELECT i, 'x' FROM n;`,
    );
    const bigSource = await openSqliteSource(big);
    try {
      const plan = await planMigration(spec({ partitionRows: 1000 }), bigSource);
      const partitions = plan.tables[0]!.partitions;
      assert.equal(partitions.length, 5);
      assert.deepEqual(partitions[0]!.bounds, { kind: 'key-range', keyColumn: 'id', from: null, to: 1001 });
      assert.deepEqual(partitions[4]!.bounds, { kind: 'key-range', keyColumn: 'id', from: 4001, to: null });
    } finally {
      await bigSource.close();
    }
  });

  it('reports every unknown table and column together, with their spec paths', async () => {
    const problems = await planProblems({
      tables: [{ name: 'Custmers' }, { name: 'Orders', columns: { OrderDat: { type: 'text' } } }],
    });
    assert.deepEqual(
      problems.map((p) => p.path),
      ['tables[0].name', 'tables[1].columns.OrderDat'],
    );
    assert.match(problems[0]!.message, /no table "Custmers". Did you mean "Customers"\?/);
    assert.match(problems[1]!.message, /no column "OrderDat". Did you mean "OrderDate"\?/);
  });

  it('rejects patterns that match nothing and name clashes', async () => {
    const [noMatch] = await planProblems({ include: ['Invoices*'] });
    assert.equal(noMatch!.path, 'include[0]');
    const [clash] = await planProblems({
      tables: [{ name: 'Customers', columns: { EMail: { rename: 'CustName' } } }],
    });
    assert.equal(clash!.path, 'tables[0].columns.EMail');
    assert.match(clash!.message, /would both become "CustName"/);
    const [tableClash] = await planProblems({
      tables: [
        { name: 'Customers', target: 'x' },
        { name: 'Orders', target: 'X' },
      ],
    });
    assert.equal(tableClash!.path, 'tables[1].target');
  });

  it('refuses a table configured but left out by include', async () => {
    const [problem] = await planProblems({ include: ['Orders'], tables: [{ name: 'Customers' }] });
    assert.equal(problem!.path, 'tables[0].name');
    assert.match(problem!.message, /include\/exclude leave it out/);
  });
});

describe('planning unknown types', () => {
  it('lists columns whose type has no mapping with the override to add', async () => {
    const plan = await planMigration(spec({ tables: [{ name: 'Orders' }] }), {
      ...source,
      introspector: {
        listTables: async () =>
          (await source.introspector.listTables()).map((t) => ({
            ...t,
            columns: t.columns.map((c) =>
              c.name === 'Total' ? { ...c, nativeType: 'money2', typeFallback: true } : c,
            ),
          })),
        statistics: (t) => source.introspector.statistics(t),
      },
    });
    assert.match(
      plan.tables[0]!.notes.join('\n'),
      /column Total has type "money2", which has no mapping; it is loaded as text\. To choose a type, set tables\[0\]\.columns\.Total\.type/,
    );
  });
});
