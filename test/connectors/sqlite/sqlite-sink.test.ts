import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import type { ColumnSchema, Sink, TableSchema } from '../../../src/connectors/connector.ts';
import type { LogicalType } from '../../../src/core/logical-type.ts';
import { openSqliteSink } from '../../../src/connectors/sqlite/sqlite-sink.ts';
import { InputError } from '../../../src/core/errors.ts';
import { tempDir } from '../../support/temp-dir.ts';

interface Target {
  sink: Sink;
  /** A second connection to the target file, for looking at what the sink did. */
  db: Database.Database;
}

/** A sink on a new file in a nested, not yet existing directory; closed and removed after the test. */
async function openTarget(t: TestContext): Promise<Target> {
  const dir = await tempDir('jivs-sqlite-sink-');
  const path = join(dir, 'nested', 'deeper', 'target.db');
  const sink = await openSqliteSink(path);
  const db = new Database(path);
  db.defaultSafeIntegers(true);
  t.after(async () => {
    db.close();
    await sink.close();
  });
  return { sink, db };
}

function column(
  name: string,
  type: LogicalType,
  options: { nullable?: boolean; defaultValue?: string | null } = {},
): ColumnSchema {
  return {
    name,
    nativeType: '',
    type,
    nullable: options.nullable ?? true,
    defaultValue: options.defaultValue ?? null,
  };
}

function tableSchema(name: string, columns: ColumnSchema[], extra: Partial<TableSchema> = {}): TableSchema {
  return { name, columns, primaryKey: [], indexes: [], foreignKeys: [], ...extra };
}

const PEOPLE = tableSchema(
  'people',
  [
    column('id', { kind: 'bigint' }, { nullable: false }),
    column('name', { kind: 'text', length: 40 }, { nullable: false, defaultValue: "'anonymous'" }),
    column('score', { kind: 'decimal', precision: 12, scale: 2 }, { defaultValue: '0' }),
    column('active', { kind: 'boolean' }, { defaultValue: 'TRUE' }),
    column('created', { kind: 'timestamp' }, { defaultValue: 'CURRENT_TIMESTAMP' }),
    column('photo', { kind: 'binary' }),
  ],
  { primaryKey: ['id'] },
);

interface ColumnInfo {
  name: string;
  type: string;
  notnull: bigint;
  dflt_value: string | null;
  pk: bigint;
}

function columnInfo(db: Database.Database, table: string): ColumnInfo[] {
  return db.prepare(`PRAGMA table_info("${table}")`).all() as ColumnInfo[];
}

function count(db: Database.Database, table: string): number {
  return Number(db.prepare(`SELECT COUNT(*) FROM "${table}"`).pluck().get());
}

async function loadPeople(sink: Sink, ids: number[]): Promise<void> {
  const writer = await sink.openWriter(PEOPLE);
  await writer.write(ids.map((id) => [id, `p${id}`, '1.50', true, '2024-01-02 03:04:05', null]));
  await writer.close();
}

describe('SqliteSink.prepareTable', () => {
  it('creates the table with types, NOT NULL, defaults and the primary key', async (t) => {
    const { sink, db } = await openTarget(t);
    assert.equal(await sink.tableExists('people'), false);
    assert.deepEqual(await sink.prepareTable(PEOPLE, 'create'), { rowsBefore: 0 });
    assert.equal(await sink.tableExists('people'), true);
    assert.deepEqual(
      columnInfo(db, 'people').map((c) => [c.name, c.type, Number(c.notnull), c.dflt_value, Number(c.pk)]),
      [
        ['id', 'INTEGER', 1, null, 1],
        ['name', 'VARCHAR(40)', 1, "'anonymous'", 0],
        ['score', 'DECIMAL(12,2)', 0, '0', 0],
        ['active', 'BOOLEAN', 0, 'TRUE', 0],
        ['created', 'DATETIME', 0, 'CURRENT_TIMESTAMP', 0],
        ['photo', 'BLOB', 0, null, 0],
      ],
    );
    // The defaults work: a row given only its key gets them all.
    db.prepare('INSERT INTO people (id) VALUES (1)').run();
    const row = db.prepare('SELECT name, score, active, created FROM people').get() as Record<
      string,
      unknown
    >;
    assert.equal(row.name, 'anonymous');
    assert.equal(row.score, 0n);
    assert.equal(row.active, 1n);
    assert.match(String(row.created), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('creates a composite primary key and declares foreign keys', async (t) => {
    const { sink, db } = await openTarget(t);
    const lines = tableSchema(
      'lines',
      [
        column('order_no', { kind: 'integer' }, { nullable: false }),
        column('line_no', { kind: 'integer' }, { nullable: false }),
        column('person', { kind: 'bigint' }),
      ],
      {
        primaryKey: ['order_no', 'line_no'],
        foreignKeys: [
          {
            name: 'fk_lines_person',
            columns: ['person'],
            referencedTable: 'people',
            referencedColumns: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      },
    );
    await sink.prepareTable(lines, 'create');
    assert.deepEqual(
      columnInfo(db, 'lines').map((c) => [c.name, Number(c.pk)]),
      [
        ['order_no', 1],
        ['line_no', 2],
        ['person', 0],
      ],
    );
    const fks = db.prepare('PRAGMA foreign_key_list(lines)').all() as Record<string, unknown>[];
    assert.deepEqual(
      fks.map((f) => [f.table, f.from, f.to, f.on_delete]),
      [['people', 'person', 'id', 'CASCADE']],
    );
  });

  it('create drops an existing table and recreates it from the schema', async (t) => {
    const { sink, db } = await openTarget(t);
    db.exec(`CREATE TABLE people (id INTEGER, legacy TEXT); INSERT INTO people VALUES (1, 'x'), (2, 'y');`);
    assert.deepEqual(await sink.prepareTable(PEOPLE, 'create'), { rowsBefore: 0 });
    assert.equal(count(db, 'people'), 0);
    assert.deepEqual(
      columnInfo(db, 'people').map((c) => c.name),
      PEOPLE.columns.map((c) => c.name),
    );
  });

  it('truncate empties an existing table but keeps it as it is', async (t) => {
    const { sink, db } = await openTarget(t);
    db.exec(`CREATE TABLE people (id INTEGER, name TEXT, legacy TEXT);
             CREATE INDEX people_legacy ON people (legacy);
             INSERT INTO people VALUES (1, 'x', 'l'), (2, 'y', 'l');`);
    assert.deepEqual(await sink.prepareTable(PEOPLE, 'truncate'), { rowsBefore: 0 });
    assert.equal(count(db, 'people'), 0);
    assert.deepEqual(
      columnInfo(db, 'people').map((c) => c.name),
      ['id', 'name', 'legacy'],
    );
    assert.equal(
      db.prepare(`SELECT COUNT(*) FROM sqlite_schema WHERE name = 'people_legacy'`).pluck().get(),
      1n,
    );
  });

  it('fail-if-exists refuses an existing table with an InputError naming it, and touches nothing', async (t) => {
    const { sink, db } = await openTarget(t);
    db.exec(`CREATE TABLE people (id INTEGER); INSERT INTO people VALUES (1);`);
    await assert.rejects(sink.prepareTable(PEOPLE, 'fail-if-exists'), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /"people" already exists/);
      return true;
    });
    assert.equal(count(db, 'people'), 1);
    assert.deepEqual(
      columnInfo(db, 'people').map((c) => c.name),
      ['id'],
    );
  });

  it('quotes table and column names', async (t) => {
    const { sink, db } = await openTarget(t);
    const weird = tableSchema('we"ird table', [
      column('the "id"', { kind: 'integer' }),
      column('select', { kind: 'text' }),
    ]);
    await sink.prepareTable(weird, 'create');
    const writer = await sink.openWriter(weird);
    await writer.write([[1, 'a']]);
    assert.equal(await sink.countRows('we"ird table'), 1);
    assert.deepEqual(
      columnInfo(db, 'we""ird table').map((c) => c.name),
      ['the "id"', 'select'],
    );
  });
});

describe('SqliteSink.openWriter', () => {
  it('stores booleans as 1/0, Buffers as BLOBs and bigints exactly', async (t) => {
    const { sink, db } = await openTarget(t);
    const table = tableSchema('values_table', [
      column('id', { kind: 'bigint' }),
      column('flag', { kind: 'boolean' }),
      column('data', { kind: 'binary' }),
      column('amount', { kind: 'decimal', precision: 15, scale: 2 }),
      column('ratio', { kind: 'float' }),
      column('note', { kind: 'text' }),
    ]);
    await sink.prepareTable(table, 'create');
    const writer = await sink.openWriter(table);
    const blob = Buffer.from([0, 1, 254, 255]);
    await writer.write([
      [9007199254740993n, true, blob, '1234567890123.45', 0.5, 'héllo'],
      [-9223372036854775808n, false, Buffer.alloc(0), '0', -1e300, null],
      [1, null, null, null, null, ''],
    ]);
    await writer.close();
    const rows = db
      .prepare(
        'SELECT id, typeof(id) AS t_id, flag, typeof(flag) AS t_flag, data, typeof(data) AS t_data, CAST(amount AS TEXT) AS amount, ratio, note FROM values_table ORDER BY rowid',
      )
      .all() as Record<string, unknown>[];
    assert.deepEqual(rows, [
      {
        id: 9007199254740993n,
        t_id: 'integer',
        flag: 1n,
        t_flag: 'integer',
        data: blob,
        t_data: 'blob',
        amount: '1234567890123.45',
        ratio: 0.5,
        note: 'héllo',
      },
      {
        id: -9223372036854775808n,
        t_id: 'integer',
        flag: 0n,
        t_flag: 'integer',
        data: Buffer.alloc(0),
        t_data: 'blob',
        amount: '0',
        ratio: -1e300,
        note: null,
      },
      {
        id: 1n,
        t_id: 'integer',
        flag: null,
        t_flag: 'null',
        data: null,
        t_data: 'null',
        amount: null,
        ratio: null,
        note: '',
      },
    ]);
  });

  it('writes a batch in one transaction: a batch with a NOT NULL violation writes none of its rows', async (t) => {
    const { sink, db } = await openTarget(t);
    await sink.prepareTable(PEOPLE, 'create');
    const writer = await sink.openWriter(PEOPLE);
    await writer.write([
      [1, 'a', null, null, null, null],
      [2, 'b', null, null, null, null],
    ]);
    await assert.rejects(
      writer.write([
        [3, 'c', null, null, null, null],
        [4, 'd', null, null, null, null],
        [5, null, null, null, null, null],
        [6, 'f', null, null, null, null],
      ]),
      /NOT NULL/,
    );
    assert.deepEqual(db.prepare('SELECT id FROM people ORDER BY id').pluck().all(), [1n, 2n]);
    // The writer is still usable after a failed batch.
    await writer.write([[7, 'g', null, null, null, null]]);
    assert.equal(await sink.countRows('people'), 3);
  });
});

describe('SqliteSink.finalizeTable', () => {
  const INDEXED: TableSchema = {
    ...PEOPLE,
    indexes: [
      { name: 'people_name', columns: ['name'], unique: false },
      { name: 'people_name_score_key', columns: ['name', 'score'], unique: true },
    ],
  };

  it('creates the indexes; a unique one enforces uniqueness afterwards', async (t) => {
    const { sink, db } = await openTarget(t);
    await sink.prepareTable(INDEXED, 'create');
    assert.equal(
      (db.prepare('PRAGMA index_list(people)').all() as { origin: string }[]).filter((i) => i.origin === 'c')
        .length,
      0,
      'no secondary index before finalizeTable',
    );
    await loadPeople(sink, [1, 2]);
    await sink.finalizeTable(INDEXED);
    const indexes = db.prepare('PRAGMA index_list(people)').all() as { name: string; unique: bigint }[];
    assert.deepEqual(
      indexes
        .filter((i) => i.name.startsWith('people_'))
        .map((i) => [i.name, Number(i.unique)])
        .sort(),
      [
        ['people_name', 0],
        ['people_name_score_key', 1],
      ],
    );
    const writer = await sink.openWriter(INDEXED);
    await assert.rejects(writer.write([[3, 'p1', '1.50', true, null, null]]), /UNIQUE constraint failed/);
    await writer.write([[4, 'p1', '2.50', true, null, null]]);
    // Finalizing again (e.g. after a resumed run) is harmless.
    await sink.finalizeTable(INDEXED);
    assert.equal(await sink.countRows('people'), 3);
  });

  it('throws when a unique index is built over duplicate data', async (t) => {
    const { sink } = await openTarget(t);
    const table: TableSchema = {
      ...PEOPLE,
      indexes: [{ name: 'people_name_key', columns: ['name'], unique: true }],
    };
    await sink.prepareTable(table, 'create');
    const writer = await sink.openWriter(table);
    await writer.write([
      [1, 'same', null, null, null, null],
      [2, 'same', null, null, null, null],
    ]);
    await assert.rejects(sink.finalizeTable(table), /UNIQUE constraint failed/);
  });
});

describe('SqliteSink.foreignKeyViolations', () => {
  const PARENT = tableSchema(
    'parent',
    [column('id', { kind: 'bigint' }, { nullable: false }), column('code', { kind: 'text' })],
    { primaryKey: ['id'], indexes: [{ name: 'parent_code_key', columns: ['code'], unique: true }] },
  );
  const CHILD = tableSchema(
    'child',
    [
      column('id', { kind: 'bigint' }, { nullable: false }),
      column('parent_id', { kind: 'bigint' }),
      column('parent_code', { kind: 'text' }),
    ],
    {
      primaryKey: ['id'],
      foreignKeys: [
        {
          name: 'fk_child_parent_id',
          columns: ['parent_id'],
          referencedTable: 'parent',
          referencedColumns: ['id'],
          onDelete: 'NO ACTION',
          onUpdate: 'NO ACTION',
        },
        {
          name: 'fk_child_parent_code',
          columns: ['parent_code'],
          referencedTable: 'parent',
          referencedColumns: ['code'],
          onDelete: 'NO ACTION',
          onUpdate: 'NO ACTION',
        },
      ],
    },
  );

  async function load(sink: Sink, table: TableSchema, rows: unknown[][]): Promise<void> {
    await sink.prepareTable(table, 'create');
    const writer = await sink.openWriter(table);
    await writer.write(rows);
    await writer.close();
  }

  it('counts the rows that point at a missing parent, before indexes are finalized', async (t) => {
    const { sink } = await openTarget(t);
    // Children load before their parents would be allowed to: constraints are not enforced while loading.
    await load(sink, CHILD, [
      [1, 10, 'a'], // fine
      [2, 99, 'a'], // orphan by id
      [3, 10, 'zz'], // orphan by code
      [4, 98, 'zz'], // orphan by both: still one row
      [5, null, null], // no reference at all
    ]);
    await load(sink, PARENT, [
      [10, 'a'],
      [11, 'b'],
    ]);
    assert.equal(await sink.foreignKeyViolations!(CHILD), 3);
    assert.equal(await sink.foreignKeyViolations!(PARENT), 0);
    await sink.finalizeTable(PARENT);
    await sink.finalizeTable(CHILD);
    assert.equal(await sink.foreignKeyViolations!(CHILD), 3);
  });

  it('counts a composite foreign key as violated only when every column is set', async (t) => {
    const { sink } = await openTarget(t);
    const orders = tableSchema(
      'orders',
      [
        column('region', { kind: 'text' }, { nullable: false }),
        column('no', { kind: 'integer' }, { nullable: false }),
      ],
      { primaryKey: ['region', 'no'] },
    );
    const lines = tableSchema(
      'lines',
      [
        column('id', { kind: 'integer' }),
        column('region', { kind: 'text' }),
        column('no', { kind: 'integer' }),
      ],
      {
        foreignKeys: [
          {
            name: 'fk_lines_orders',
            columns: ['region', 'no'],
            referencedTable: 'orders',
            referencedColumns: ['region', 'no'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      },
    );
    await load(sink, orders, [
      ['eu', 1],
      ['us', 1],
    ]);
    await load(sink, lines, [
      [1, 'eu', 1],
      [2, 'eu', 2], // orphan
      [3, 'asia', 1], // orphan
      [4, null, 7], // partially null: not checked
      [5, 'us', 1],
    ]);
    assert.equal(await sink.foreignKeyViolations!(lines), 2);
  });

  it('reports 0 for a table without foreign keys', async (t) => {
    const { sink } = await openTarget(t);
    await sink.prepareTable(PEOPLE, 'create');
    await loadPeople(sink, [1]);
    assert.equal(await sink.foreignKeyViolations!(PEOPLE), 0);
  });
});
