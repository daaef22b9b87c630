import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import type { TableSchema } from '../../../src/connectors/connector.ts';
import { SqliteIntrospector } from '../../../src/connectors/sqlite/sqlite-introspector.ts';
import { tempDir } from '../../support/temp-dir.ts';

/** A fresh database file built from `sql`, and an introspector on it; both removed after the test. */
async function introspect(t: TestContext, sql: string): Promise<SqliteIntrospector> {
  const dir = await tempDir('jivs-sqlite-introspector-', t);
  const db = new Database(join(dir, 'source.db'));
  t.after(async () => {
    db.close();
  });
  db.exec(sql);
  return new SqliteIntrospector(db);
}

function table(tables: TableSchema[], name: string): TableSchema {
  const found = tables.find((t) => t.name === name);
  assert.ok(found, `table ${name} not found among ${tables.map((t) => t.name).join(', ')}`);
  return found;
}

describe('SqliteIntrospector.listTables', () => {
  it('lists user tables only, not sqlite_* internal tables or views', async (t) => {
    const introspector = await introspect(
      t,
      `CREATE TABLE b (id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT);
       CREATE TABLE a (x TEXT);
       CREATE VIEW v AS SELECT * FROM a;
       INSERT INTO b (x) VALUES ('one');
       ANALYZE;`,
    );
    const tables = await introspector.listTables();
    // AUTOINCREMENT creates sqlite_sequence, ANALYZE creates sqlite_stat1.
    assert.deepEqual(
      tables.map((t) => t.name),
      ['a', 'b'],
    );
  });

  it('reads columns with types, nullability and portable defaults', async (t) => {
    const introspector = await introspect(
      t,
      `CREATE TABLE items (
         id INTEGER PRIMARY KEY,
         code CHAR(8) NOT NULL,
         title VARCHAR(40) DEFAULT 'untitled',
         price DECIMAL(12,2) NOT NULL DEFAULT 0,
         weight REAL DEFAULT (-1.5),
         created DATETIME DEFAULT CURRENT_TIMESTAMP,
         touched DATETIME DEFAULT (datetime('now')),
         anything,
         total INT GENERATED ALWAYS AS (price * 2) VIRTUAL
       )`,
    );
    const [items] = await introspector.listTables();
    assert.ok(items);
    assert.deepEqual(items.columns, [
      {
        name: 'id',
        nativeType: 'INTEGER',
        type: { kind: 'bigint' },
        nullable: false,
        defaultValue: null,
        autoIncrement: true,
      },
      {
        name: 'code',
        nativeType: 'CHAR(8)',
        type: { kind: 'text', length: 8 },
        nullable: false,
        defaultValue: null,
      },
      {
        name: 'title',
        nativeType: 'VARCHAR(40)',
        type: { kind: 'text', length: 40 },
        nullable: true,
        defaultValue: "'untitled'",
      },
      {
        name: 'price',
        nativeType: 'DECIMAL(12,2)',
        type: { kind: 'decimal', precision: 12, scale: 2 },
        nullable: false,
        defaultValue: '0',
      },
      { name: 'weight', nativeType: 'REAL', type: { kind: 'float' }, nullable: true, defaultValue: '-1.5' },
      {
        name: 'created',
        nativeType: 'DATETIME',
        type: { kind: 'timestamp' },
        nullable: true,
        defaultValue: 'CURRENT_TIMESTAMP',
      },
      // A function call is not portable: dropped.
      {
        name: 'touched',
        nativeType: 'DATETIME',
        type: { kind: 'timestamp' },
        nullable: true,
        defaultValue: null,
        // An expression: not carried, and listed as not migrated by planning.
        untranslatedDefault: "datetime('now')",
      },
      { name: 'anything', nativeType: '', type: { kind: 'text' }, nullable: true, defaultValue: null },
      // The generated column cannot be inserted into, so it is not listed (listSkippedObjects names it).
    ]);
    assert.deepEqual(items.primaryKey, ['id']);
  });

  it('reads a composite primary key in key order, not column order', async (t) => {
    const introspector = await introspect(
      t,
      `CREATE TABLE lines (line_no INT, qty INT, order_no INT, PRIMARY KEY (order_no, line_no))`,
    );
    const [lines] = await introspector.listTables();
    assert.deepEqual(lines?.primaryKey, ['order_no', 'line_no']);
    // Primary key columns are never nullable.
    assert.deepEqual(
      lines?.columns.map((c) => [c.name, c.nullable]),
      [
        ['line_no', false],
        ['qty', true],
        ['order_no', false],
      ],
    );
  });

  it('lists explicit indexes and UNIQUE constraints, skipping the primary key, expression and partial indexes', async (t) => {
    const introspector = await introspect(
      t,
      `CREATE TABLE people (
         id TEXT PRIMARY KEY,
         email TEXT UNIQUE,
         first TEXT,
         last TEXT,
         deleted INT,
         UNIQUE (last, first)
       );
       CREATE INDEX people_last ON people (last);
       CREATE UNIQUE INDEX people_first_last ON people (first, last);
       CREATE INDEX people_lower_email ON people (lower(email));
       CREATE INDEX people_live ON people (last) WHERE deleted = 0;`,
    );
    const [people] = await introspector.listTables();
    assert.ok(people);
    const indexes = [...people.indexes].sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(indexes, [
      { name: 'people_email_key', columns: ['email'], unique: true },
      { name: 'people_first_last', columns: ['first', 'last'], unique: true },
      { name: 'people_last', columns: ['last'], unique: false },
      { name: 'people_last_first_key', columns: ['last', 'first'], unique: true },
    ]);
  });

  it('reads foreign keys: single, composite, implicit primary key and referential actions', async (t) => {
    const introspector = await introspect(
      t,
      `CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);
       CREATE TABLE orders (
         order_no INT,
         region TEXT,
         customer_id INTEGER REFERENCES customers (id) ON DELETE CASCADE,
         PRIMARY KEY (region, order_no)
       );
       CREATE TABLE order_lines (
         id INTEGER PRIMARY KEY,
         region TEXT,
         order_no INT,
         customer INTEGER REFERENCES customers ON UPDATE SET NULL,
         FOREIGN KEY (region, order_no) REFERENCES orders (region, order_no) ON DELETE RESTRICT
       );
       CREATE TABLE notes (
         id INTEGER PRIMARY KEY,
         region TEXT,
         order_no INT,
         FOREIGN KEY (region, order_no) REFERENCES orders
       );`,
    );
    const tables = await introspector.listTables();
    assert.deepEqual(table(tables, 'customers').foreignKeys, []);
    assert.deepEqual(table(tables, 'orders').foreignKeys, [
      {
        name: 'fk_orders_customer_id',
        columns: ['customer_id'],
        referencedTable: 'customers',
        referencedColumns: ['id'],
        onDelete: 'CASCADE',
        onUpdate: 'NO ACTION',
      },
    ]);
    const lineKeys = [...table(tables, 'order_lines').foreignKeys].sort(
      (a, b) => a.columns.length - b.columns.length,
    );
    assert.deepEqual(
      lineKeys.map(({ name: _name, ...rest }) => rest),
      [
        {
          columns: ['customer'],
          referencedTable: 'customers',
          referencedColumns: ['id'],
          onDelete: 'NO ACTION',
          onUpdate: 'SET NULL',
        },
        {
          columns: ['region', 'order_no'],
          referencedTable: 'orders',
          referencedColumns: ['region', 'order_no'],
          onDelete: 'RESTRICT',
          onUpdate: 'NO ACTION',
        },
      ],
    );
    assert.equal(new Set(lineKeys.map((k) => k.name)).size, 2, 'foreign key names are distinct');
    // The implicit reference to a composite primary key resolves to its columns in key order.
    assert.deepEqual(
      table(tables, 'notes').foreignKeys.map((k) => [k.columns, k.referencedTable, k.referencedColumns]),
      [[['region', 'order_no'], 'orders', ['region', 'order_no']]],
    );
  });

  it('handles table and column names that need quoting', async (t) => {
    const introspector = await introspect(
      t,
      `CREATE TABLE "we""ird table" ("the ""id""" INTEGER PRIMARY KEY, "select" TEXT UNIQUE);
       INSERT INTO "we""ird table" VALUES (5, 'a'), (9, 'b');`,
    );
    const [weird] = await introspector.listTables();
    assert.ok(weird);
    assert.equal(weird.name, 'we"ird table');
    assert.deepEqual(
      weird.columns.map((c) => c.name),
      ['the "id"', 'select'],
    );
    assert.deepEqual(weird.indexes, [{ name: 'we"ird table_select_key', columns: ['select'], unique: true }]);
    assert.deepEqual(await introspector.statistics(weird), {
      rowCount: 2,
      partitionKey: { column: 'the "id"', min: 5, max: 9 },
    });
  });
});

describe('SqliteIntrospector.statistics', () => {
  async function statsOf(t: TestContext, sql: string, name: string) {
    const introspector = await introspect(t, sql);
    return introspector.statistics(table(await introspector.listTables(), name));
  }

  it('uses the INTEGER PRIMARY KEY column as the partition key', async (t) => {
    const stats = await statsOf(
      t,
      `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
       INSERT INTO t VALUES (3, 'a'), (10, 'b'), (250, 'c');`,
      't',
    );
    assert.deepEqual(stats, { rowCount: 3, partitionKey: { column: 'id', min: 3, max: 250 } });
  });

  it('uses rowid for a composite primary key', async (t) => {
    const stats = await statsOf(
      t,
      `CREATE TABLE t (a INT, b INT, PRIMARY KEY (a, b));
       INSERT INTO t VALUES (1, 1), (1, 2), (2, 1), (2, 2);`,
      't',
    );
    assert.deepEqual(stats, { rowCount: 4, partitionKey: { column: 'rowid', min: 1, max: 4 } });
  });

  it('uses rowid for a non-INTEGER single primary key and for a table without one', async (t) => {
    const stats = await statsOf(
      t,
      `CREATE TABLE t (code TEXT PRIMARY KEY);
       INSERT INTO t VALUES ('x'), ('y');`,
      't',
    );
    assert.deepEqual(stats, { rowCount: 2, partitionKey: { column: 'rowid', min: 1, max: 2 } });
  });

  it('gives no partition key for a WITHOUT ROWID table', async (t) => {
    const stats = await statsOf(
      t,
      `CREATE TABLE t (a TEXT, b INT, PRIMARY KEY (a, b)) WITHOUT ROWID;
       INSERT INTO t VALUES ('x', 1), ('y', 2), ('z', 3);`,
      't',
    );
    assert.deepEqual(stats, { rowCount: 3, partitionKey: null });
  });

  it('still uses rowid when "WITHOUT ROWID" only appears inside a default value', async (t) => {
    const stats = await statsOf(
      t,
      `CREATE TABLE t (a TEXT, b INT, note TEXT DEFAULT 'WITHOUT ROWID', PRIMARY KEY (a, b));
       INSERT INTO t (a, b) VALUES ('x', 1), ('y', 2);`,
      't',
    );
    assert.deepEqual(stats, { rowCount: 2, partitionKey: { column: 'rowid', min: 1, max: 2 } });
  });

  it('gives an empty table a row count of 0 and no partition key', async (t) => {
    const stats = await statsOf(t, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);`, 't');
    assert.deepEqual(stats, { rowCount: 0, partitionKey: null });
  });
});
