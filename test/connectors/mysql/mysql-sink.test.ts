import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ColumnSchema, RowBatch, Sink, TableSchema } from '../../../src/connectors/connector.ts';
import type { LogicalType } from '../../../src/core/logical-type.ts';
import { openMysqlSink } from '../../../src/connectors/mysql/index.ts';
import { InputError } from '../../../src/core/errors.ts';
import { createTestDatabase, type TestDatabase } from './mysql-test-database.ts';

let db: TestDatabase;
let sink: Sink;

function column(
  name: string,
  type: LogicalType,
  options: Partial<Pick<ColumnSchema, 'nullable' | 'defaultValue' | 'autoIncrement' | 'comment'>> = {},
): ColumnSchema {
  return { name, nativeType: '', type, nullable: true, defaultValue: null, ...options };
}

function tableSchema(name: string, columns: ColumnSchema[], extra: Partial<TableSchema> = {}): TableSchema {
  return { name, columns, primaryKey: [], indexes: [], foreignKeys: [], ...extra };
}

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const HUGE_TEXT = 'Grüße, 世界! 😀 \\ \' " \n'.repeat(50_000);

const EVERY_TYPE = tableSchema(
  'every type',
  [
    column('id', { kind: 'integer' }, { nullable: false }),
    column('flag', { kind: 'boolean' }),
    column('n', { kind: 'integer' }),
    column('big', { kind: 'bigint' }),
    column('money', { kind: 'decimal', precision: 12, scale: 2 }),
    column('exact', { kind: 'decimal' }),
    column('ratio', { kind: 'float' }),
    column('name', { kind: 'text', length: 20 }),
    column('body', { kind: 'text' }),
    column('mood', { kind: 'text', enumValues: ['happy', "it's"] }),
    column('tags', { kind: 'text', array: true }),
    column('day', { kind: 'date' }),
    column('at', { kind: 'time' }),
    column('stamp', { kind: 'timestamp' }),
    column('stamptz', { kind: 'timestamptz' }),
    column('data', { kind: 'binary' }),
    column('doc', { kind: 'json' }),
    column('uid', { kind: 'uuid' }),
  ],
  { primaryKey: ['id'] },
);

const EXPECTED_COLUMN_TYPES = [
  'int(11)',
  'tinyint(1)',
  'int(11)',
  'bigint(20)',
  'decimal(12,2)',
  'decimal(65,30)',
  'double',
  'varchar(20)',
  'longtext',
  "enum('happy','it''s')",
  'longtext', // MariaDB's JSON
  'date',
  'time(6)',
  'datetime(6)',
  'datetime(6)',
  'longblob',
  'longtext', // MariaDB's JSON
  'char(36)',
];

const ROWS: RowBatch = [
  [1, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
  [
    2,
    true,
    2147483647,
    9223372036854775807n,
    '-9999999999.99',
    '12345678901234567890123456789012345.123456789012345678901234567891',
    1.7976931348623157e308,
    '😀 漢字 \\ \' "x"',
    HUGE_TEXT,
    "it's",
    ['a', 'b,c', "d'"],
    '2024-02-29',
    '23:59:59.999999',
    '9999-12-31 23:59:59.999999',
    '2024-03-01 01:30:00.25+02:00',
    ALL_BYTES,
    '{"a": [1, 2.5, "x"], "b": null}',
    '123e4567-e89b-12d3-a456-426614174000',
  ],
  [
    3,
    false,
    -2147483648,
    -9223372036854775808n,
    '0',
    '-0.000000000000000000000000000001',
    -0.5,
    '',
    '',
    'happy',
    [],
    '0001-01-01',
    '00:00:00',
    '1000-01-01 00:00:00',
    '2024-01-01 00:00:00-01:30',
    Buffer.alloc(0),
    '[]',
    '00000000-0000-0000-0000-000000000000',
  ],
];

const EXPECTED_READ_BACK = [
  [1, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
  [
    2,
    1,
    2147483647,
    '9223372036854775807',
    '-9999999999.99',
    '12345678901234567890123456789012345.123456789012345678901234567891',
    1.7976931348623157e308,
    '😀 漢字 \\ \' "x"',
    HUGE_TEXT,
    "it's",
    '["a","b,c","d\'"]',
    '2024-02-29',
    '23:59:59.999999',
    '9999-12-31 23:59:59.999999',
    '2024-02-29 23:30:00.250000',
    ALL_BYTES,
    '{"a": [1, 2.5, "x"], "b": null}',
    '123e4567-e89b-12d3-a456-426614174000',
  ],
  [
    3,
    0,
    -2147483648,
    '-9223372036854775808',
    '0.00',
    '-0.000000000000000000000000000001',
    -0.5,
    '',
    '',
    'happy',
    '[]',
    '0001-01-01',
    '00:00:00.000000',
    '1000-01-01 00:00:00.000000',
    '2024-01-01 01:30:00.000000',
    Buffer.alloc(0),
    '[]',
    '00000000-0000-0000-0000-000000000000',
  ],
];

async function load(table: TableSchema, rows: RowBatch, mode: 'create' | 'append' = 'create'): Promise<void> {
  await sink.prepareTable(table, mode);
  const writer = await sink.openWriter(table);
  try {
    await writer.write(rows);
  } finally {
    await writer.close();
  }
}

async function readBack(table: string, orderBy = 'id'): Promise<unknown[][]> {
  const [rows] = await db.admin.query({
    sql: `SELECT * FROM \`${table}\` ORDER BY \`${orderBy}\``,
    rowsAsArray: true,
  });
  return rows as unknown[][];
}

before(async () => {
  db = await createTestDatabase();
  sink = await openMysqlSink(db.endpoint, db.description);
});

after(async () => {
  await sink?.close();
  await db?.drop();
});

describe('MySQL sink: values', { timeout: 60_000 }, () => {
  it('creates every portable type as its MySQL type', async () => {
    await sink.prepareTable(EVERY_TYPE, 'create');
    const columns = await db.query<{ type: string }>(
      `SELECT COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
       AND TABLE_NAME = 'every type' ORDER BY ORDINAL_POSITION`,
    );
    assert.deepEqual(
      columns.map((c) => c.type),
      EXPECTED_COLUMN_TYPES,
    );
  });

  it('writes canonical values of every type exactly', async () => {
    await load(EVERY_TYPE, ROWS);
    const rows = await readBack('every type');
    assert.equal(rows.length, EXPECTED_READ_BACK.length);
    rows.forEach((row, r) =>
      row.forEach((value, c) =>
        assert.deepEqual(value, EXPECTED_READ_BACK[r]![c], `row ${r + 1}, ${EVERY_TYPE.columns[c]!.name}`),
      ),
    );
    assert.equal(await sink.countRows('every type'), 3);
  });

  it('rolls a failing batch back completely', async () => {
    const table = tableSchema(
      'strict',
      [column('id', { kind: 'integer' }), column('v', { kind: 'text', length: 3 })],
      {
        primaryKey: ['id'],
      },
    );
    await sink.prepareTable(table, 'create');
    const writer = await sink.openWriter(table);
    const batch = Array.from({ length: 1200 }, (_, i) => [i, 'ok']);
    batch.push([5000, 'too long']);
    await assert.rejects(writer.write(batch), /Data too long/);
    assert.equal(await sink.countRows('strict'), 0);
    await writer.write(batch.slice(0, 1200));
    assert.equal(await sink.countRows('strict'), 1200);
  });

  it('lets several writers load one table at once', async () => {
    const table = tableSchema('parallel', [column('id', { kind: 'bigint' }, { nullable: false })], {
      primaryKey: ['id'],
    });
    await sink.prepareTable(table, 'create');
    const writers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => sink.openWriter(table)));
    await Promise.all(
      writers.map(async (writer, w) => {
        for (let b = 0; b < 5; b++) {
          await writer.write(Array.from({ length: 300 }, (_, i) => [w * 10_000 + b * 1000 + i]));
        }
        await writer.close();
      }),
    );
    assert.equal(await sink.countRows('parallel'), 6 * 5 * 300);
  });
});

describe('MySQL sink: modes and schema objects', { timeout: 60_000 }, () => {
  const PARENT = tableSchema(
    'parent',
    [
      column('id', { kind: 'bigint' }, { nullable: false, autoIncrement: true, comment: 'the key' }),
      column('code', { kind: 'text' }, { nullable: false }),
      column('label', { kind: 'text', length: 40 }, { defaultValue: "'it''s \\ new'" }),
      column('active', { kind: 'boolean' }, { nullable: false, defaultValue: 'TRUE' }),
      column('created', { kind: 'timestamp' }, { defaultValue: 'CURRENT_TIMESTAMP' }),
      column('tags', { kind: 'text', array: true }, { defaultValue: "'{}'" }),
    ],
    {
      primaryKey: ['id'],
      indexes: [
        { name: 'ux_parent_code', columns: ['code'], unique: true },
        { name: `ix_${'very_long_name_'.repeat(6)}`, columns: ['label'], unique: false },
      ],
      comment: 'parents',
    },
  );
  const CHILD = tableSchema(
    'child',
    [
      column('id', { kind: 'integer' }, { nullable: false }),
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
          onDelete: 'CASCADE',
          onUpdate: 'NO ACTION',
        },
        {
          name: 'fk_child_parent_code',
          columns: ['parent_code'],
          referencedTable: 'parent',
          referencedColumns: ['code'],
          onDelete: 'SET DEFAULT',
          onUpdate: 'CASCADE',
        },
      ],
    },
  );

  before(async () => {
    await load(PARENT, [
      [1, 'A', 'first', true, '2024-01-01 00:00:00', ['x']],
      [7, 'B', null, false, null, []],
    ]);
    // Rows 3 and 4 reference missing parents; row 5's key is NULL and does not count.
    await load(CHILD, [
      [1, 1, 'A'],
      [2, 7, 'B'],
      [3, 99, 'A'],
      [4, 1, 'Z'],
      [5, null, null],
    ]);
  });

  it('counts rows referencing a missing parent before constraints exist', async () => {
    assert.equal(await sink.foreignKeyViolations!(CHILD), 2);
    assert.equal(await sink.foreignKeyViolations!(PARENT), 0);
  });

  it('adds indexes, foreign keys and the AUTO_INCREMENT counter after the load, even with orphans', async () => {
    await sink.finalizeTable(PARENT);
    await sink.finalizeTable(CHILD);
    await sink.addForeignKeys!(CHILD);
    const indexes = await db.query<{ name: string; unique: string; columns: string }>(
      `SELECT INDEX_NAME AS name, MIN(NON_UNIQUE) AS \`unique\`, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS columns
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'parent'
       GROUP BY INDEX_NAME ORDER BY INDEX_NAME`,
    );
    assert.deepEqual(
      indexes.map((i) => [i.name, Number(i.unique), i.columns]),
      [
        [indexes[0]!.name, 1, 'label'],
        ['PRIMARY', 0, 'id'],
        ['ux_parent_code', 0, 'code'],
      ],
    );
    assert.match(indexes[0]!.name, /^ix_very_long_name_very_long_name_.*_[0-9a-f]{8}$/);
    assert.equal(indexes[0]!.name.length, 64);
    const keys = await db.query<{ name: string; del: string; upd: string; parent: string }>(
      `SELECT CONSTRAINT_NAME AS name, DELETE_RULE AS del, UPDATE_RULE AS upd, REFERENCED_TABLE_NAME AS parent
       FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY CONSTRAINT_NAME`,
    );
    assert.deepEqual(keys, [
      { name: 'fk_child_parent_code', del: 'NO ACTION', upd: 'CASCADE', parent: 'parent' },
      { name: 'fk_child_parent_id', del: 'CASCADE', upd: 'NO ACTION', parent: 'parent' },
    ]);
    // The next generated id follows the highest loaded one; defaults apply.
    await db.exec(`INSERT INTO parent (code) VALUES ('C')`);
    const [row] = await db.query<Record<string, unknown>>(`SELECT * FROM parent WHERE code = 'C'`);
    assert.equal(row!.id, '8');
    assert.equal(row!.label, "it's \\ new");
    assert.equal(row!.active, 1);
    assert.equal(row!.tags, null);
    assert.match(String(row!.created), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    const [comment] = await db.query<{ c: string; t: string }>(
      `SELECT c.COLUMN_COMMENT AS c, t.TABLE_COMMENT AS t FROM information_schema.COLUMNS c
       JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
       WHERE c.TABLE_SCHEMA = DATABASE() AND c.TABLE_NAME = 'parent' AND c.COLUMN_NAME = 'id'`,
    );
    assert.deepEqual(comment, { c: 'the key', t: 'parents' });
    // Finalizing again (a truncate or append run) keeps what exists.
    await sink.finalizeTable(PARENT);
    await sink.finalizeTable(CHILD);
    await sink.addForeignKeys!(CHILD);
  });

  it('appends (counting the rows before), truncates, recreates, and refuses fail-if-exists', async () => {
    assert.equal(await sink.tableExists('parent'), true);
    assert.equal(await sink.tableExists('nope'), false);
    assert.deepEqual(await sink.prepareTable(PARENT, 'append'), { rowsBefore: 3 });
    await assert.rejects(
      sink.prepareTable(PARENT, 'fail-if-exists'),
      (error: unknown) => error instanceof InputError && /already exists/.test(error.message),
    );
    // A parent referenced by a foreign key can still be truncated and dropped.
    assert.deepEqual(await sink.prepareTable(PARENT, 'truncate'), { rowsBefore: 0 });
    assert.equal(await sink.countRows('parent'), 0);
    await load(PARENT, [[1, 'A', null, true, null, null]]);
    assert.equal(await sink.countRows('parent'), 1);
    assert.deepEqual(await sink.prepareTable({ ...PARENT, name: 'brand new' }, 'fail-if-exists'), {
      rowsBefore: 0,
    });
    assert.equal(await sink.tableExists('brand new'), true);
  });
});
