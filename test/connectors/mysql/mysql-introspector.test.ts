import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Source, TableSchema } from '../../../src/connectors/connector.ts';
import { openMysqlSource } from '../../../src/connectors/mysql/index.ts';
import { createTestDatabase, type TestDatabase } from './mysql-test-database.ts';

let db: TestDatabase;
let source: Source;
let tables: TableSchema[];

const SCHEMA = `
CREATE TABLE \`order\` (
  \`select\` int NOT NULL AUTO_INCREMENT COMMENT 'order number',
  \`we\`\`ird\` varchar(20) NOT NULL DEFAULT 'n/a',
  region char(2) NOT NULL,
  created timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated datetime(3) NULL DEFAULT NULL,
  qty smallint NOT NULL DEFAULT -1,
  price decimal(8,2) DEFAULT 0.50,
  note text,
  active tinyint(1) NOT NULL DEFAULT 1,
  PRIMARY KEY (\`select\`),
  UNIQUE KEY ux_weird (\`we\`\`ird\`, region),
  KEY ix_created (created),
  KEY ix_note_prefix (note(20)),
  FULLTEXT KEY ft_note (note)
) COMMENT 'all orders';
CREATE TABLE region (
  code char(2) NOT NULL,
  country char(2) NOT NULL,
  name varchar(40),
  PRIMARY KEY (country, code)
);
CREATE TABLE order_line (
  order_id int NOT NULL,
  line int NOT NULL,
  country char(2),
  region char(2),
  PRIMARY KEY (order_id, line),
  CONSTRAINT fk_line_order FOREIGN KEY (order_id) REFERENCES \`order\` (\`select\`) ON DELETE CASCADE,
  CONSTRAINT fk_line_region FOREIGN KEY (country, region) REFERENCES region (country, code)
    ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE TABLE no_key (v varchar(5));
CREATE TABLE empty_keyed (id bigint unsigned NOT NULL PRIMARY KEY);
CREATE VIEW order_view AS SELECT \`select\` FROM \`order\`;
INSERT INTO \`order\` (\`we\`\`ird\`, region) VALUES ('a', 'BY'), ('b', 'BY'), ('c', 'NW');
INSERT INTO no_key VALUES ('x'), ('y');
`;

function table(name: string): TableSchema {
  const found = tables.find((t) => t.name === name);
  assert.ok(found, `no table ${name} among ${tables.map((t) => t.name).join(', ')}`);
  return found;
}

before(async () => {
  db = await createTestDatabase();
  await db.exec(SCHEMA);
  source = await openMysqlSource(db.endpoint, db.description);
  tables = await source.introspector.listTables();
});

after(async () => {
  await source?.close();
  await db?.drop();
});

describe('MySQL introspector', { timeout: 30_000 }, () => {
  it('lists base tables only, by name', () => {
    assert.deepEqual(
      tables.map((t) => t.name),
      ['empty_keyed', 'no_key', 'order', 'order_line', 'region'],
    );
  });

  it('reads columns with types, NOT NULL, defaults, auto_increment and comments', () => {
    const order = table('order');
    assert.equal(order.comment, 'all orders');
    assert.deepEqual(order.columns, [
      {
        name: 'select',
        nativeType: 'int(11)',
        type: { kind: 'integer' },
        nullable: false,
        defaultValue: null,
        autoIncrement: true,
        comment: 'order number',
      },
      {
        name: 'we`ird',
        nativeType: 'varchar(20)',
        type: { kind: 'text', length: 20 },
        nullable: false,
        defaultValue: "'n/a'",
      },
      {
        name: 'region',
        nativeType: 'char(2)',
        type: { kind: 'text', length: 2 },
        nullable: false,
        defaultValue: null,
      },
      {
        name: 'created',
        nativeType: 'timestamp',
        type: { kind: 'timestamp' },
        nullable: false,
        defaultValue: 'CURRENT_TIMESTAMP',
      },
      {
        name: 'updated',
        nativeType: 'datetime(3)',
        type: { kind: 'timestamp' },
        nullable: true,
        defaultValue: null,
      },
      {
        name: 'qty',
        nativeType: 'smallint(6)',
        type: { kind: 'integer', min: -32768, max: 32767 },
        nullable: false,
        defaultValue: '-1',
      },
      {
        name: 'price',
        nativeType: 'decimal(8,2)',
        type: { kind: 'decimal', precision: 8, scale: 2 },
        nullable: true,
        defaultValue: '0.50',
      },
      { name: 'note', nativeType: 'text', type: { kind: 'text' }, nullable: true, defaultValue: null },
      {
        name: 'active',
        nativeType: 'tinyint(1)',
        type: { kind: 'boolean' },
        nullable: false,
        defaultValue: 'TRUE',
      },
    ]);
  });

  it('reads the primary key and portable indexes (prefix and fulltext indexes left out)', () => {
    const order = table('order');
    assert.deepEqual(order.primaryKey, ['select']);
    assert.deepEqual(order.indexes, [
      { name: 'ix_created', columns: ['created'], unique: false },
      { name: 'ux_weird', columns: ['we`ird', 'region'], unique: true },
    ]);
    assert.deepEqual(table('region').primaryKey, ['country', 'code']);
    assert.deepEqual(table('no_key').primaryKey, []);
  });

  it('reads foreign keys, composite ones in column order, with their actions', () => {
    assert.deepEqual(table('order_line').foreignKeys, [
      {
        name: 'fk_line_order',
        columns: ['order_id'],
        referencedTable: 'order',
        referencedColumns: ['select'],
        onDelete: 'CASCADE',
        onUpdate: 'RESTRICT',
      },
      {
        name: 'fk_line_region',
        columns: ['country', 'region'],
        referencedTable: 'region',
        referencedColumns: ['country', 'code'],
        onDelete: 'SET NULL',
        onUpdate: 'CASCADE',
      },
    ]);
    // The foreign key's own index is listed like any other index.
    assert.deepEqual(table('order_line').indexes, [
      { name: 'fk_line_region', columns: ['country', 'region'], unique: false },
    ]);
  });

  it('counts rows exactly and offers a single integer primary key for partitions', async () => {
    assert.deepEqual(await source.introspector.statistics(table('order')), {
      rowCount: 3,
      partitionKey: { column: 'select', min: 1, max: 3 },
    });
    assert.deepEqual(await source.introspector.statistics(table('no_key')), {
      rowCount: 2,
      partitionKey: null,
    });
    assert.deepEqual(await source.introspector.statistics(table('order_line')), {
      rowCount: 0,
      partitionKey: null,
    });
    assert.deepEqual(await source.introspector.statistics(table('empty_keyed')), {
      rowCount: 0,
      partitionKey: null,
    });
  });
});
