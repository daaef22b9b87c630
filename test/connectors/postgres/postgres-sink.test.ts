import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ColumnSchema, Sink, TableSchema } from '../../../src/connectors/connector.ts';
import type { LogicalType } from '../../../src/core/logical-type.ts';
import { openPostgresSink } from '../../../src/connectors/postgres/index.ts';
import { shortenPostgresIdentifier } from '../../../src/connectors/postgres/postgres-identifiers.ts';
import { InputError } from '../../../src/core/errors.ts';
import { createTestSchema, postgresEndpoint, type TestSchema } from './postgres-test-schema.ts';
import { postgresDescription } from '../../support/databases.ts';

function column(name: string, type: LogicalType, options: Partial<ColumnSchema> = {}): ColumnSchema {
  return { name, nativeType: '', type, nullable: true, defaultValue: null, ...options };
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
    column('active', { kind: 'boolean' }, { defaultValue: '1' }),
    column('created', { kind: 'timestamp' }, { defaultValue: 'CURRENT_TIMESTAMP' }),
    column('born', { kind: 'date' }, { defaultValue: "'0000-00-00'" }),
    column('wakes', { kind: 'date' }, { defaultValue: 'CURRENT_TIME' }),
  ],
  { primaryKey: ['id'] },
);

describe('PostgresSink', () => {
  let schema: TestSchema;
  let sink: Sink;
  before(async () => {
    schema = await createTestSchema('jivs_sink');
    sink = await openPostgresSink(postgresEndpoint(schema.name), postgresDescription());
  });
  after(async () => {
    await sink.close();
    await schema.drop();
  });

  const columnsOf = (table: string) =>
    schema.sql<{ name: string; type: string; not_null: boolean; default: string | null }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
              pg_get_expr(d.adbin, d.adrelid) AS default
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [`"${schema.name}"."${table}"`],
    );

  describe('prepareTable', () => {
    it('creates the table with mapped types, NOT NULL and portable defaults, and the primary key after the load', async () => {
      assert.equal(await sink.tableExists('people'), false);
      assert.deepEqual(await sink.prepareTable(PEOPLE, 'create'), { rowsBefore: 0 });
      assert.equal(await sink.tableExists('people'), true);
      assert.deepEqual(await columnsOf('people'), [
        { name: 'id', type: 'bigint', not_null: true, default: null },
        {
          name: 'name',
          type: 'character varying(40)',
          not_null: true,
          default: "'anonymous'::character varying",
        },
        { name: 'score', type: 'numeric(12,2)', not_null: false, default: '0' },
        { name: 'active', type: 'boolean', not_null: false, default: 'true' },
        {
          name: 'created',
          type: 'timestamp without time zone',
          not_null: false,
          default: 'CURRENT_TIMESTAMP',
        },
        // A MySQL zero date is no date: the default is left out rather than failing the table.
        { name: 'born', type: 'date', not_null: false, default: null },
        // CURRENT_TIME has no cast to date.
        { name: 'wakes', type: 'date', not_null: false, default: null },
      ]);
      const primaryKey = () =>
        schema.sql<{ def: string }>(
          `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'people'::regclass AND contype = 'p'`,
        );
      assert.deepEqual(await primaryKey(), [], 'the primary key waits for the data');
      await sink.finalizeTable(PEOPLE);
      assert.deepEqual(await primaryKey(), [{ def: 'PRIMARY KEY (id)' }]);
    });

    it('create drops an existing table; truncate empties it; append keeps it and counts its rows', async () => {
      await sink.prepareTable(PEOPLE, 'create');
      await schema.sql(`INSERT INTO people (id) VALUES (1), (2), (3)`);
      assert.deepEqual(await sink.prepareTable(PEOPLE, 'append'), { rowsBefore: 3 });
      assert.equal(await sink.countRows('people'), 3);
      assert.deepEqual(await sink.prepareTable(PEOPLE, 'truncate'), { rowsBefore: 0 });
      assert.equal(await sink.countRows('people'), 0);
      await schema.sql(`INSERT INTO people (id) VALUES (1)`);
      await schema.sql(`ALTER TABLE people ADD COLUMN extra int`);
      await sink.prepareTable(PEOPLE, 'create');
      assert.equal(await sink.countRows('people'), 0);
      assert.equal((await columnsOf('people')).length, PEOPLE.columns.length);
    });

    it('fail-if-exists refuses an existing table with an InputError and leaves it alone', async () => {
      await sink.prepareTable(PEOPLE, 'create');
      await schema.sql(`INSERT INTO people (id) VALUES (1)`);
      await assert.rejects(sink.prepareTable(PEOPLE, 'fail-if-exists'), (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.match(error.message, /"people" already exists/);
        return true;
      });
      assert.equal(await sink.countRows('people'), 1);
      const fresh = tableSchema('fresh_one', [column('x', { kind: 'integer' })]);
      assert.deepEqual(await sink.prepareTable(fresh, 'fail-if-exists'), { rowsBefore: 0 });
    });

    it('creates the target schema when it does not exist yet', async () => {
      const other = `${schema.name}_new`;
      const otherSink = await openPostgresSink(postgresEndpoint(other), 'test');
      try {
        await otherSink.prepareTable(tableSchema('t', [column('x', { kind: 'integer' })]), 'create');
        assert.equal(await otherSink.tableExists('t'), true);
      } finally {
        await otherSink.close();
        await schema.sql(`DROP SCHEMA IF EXISTS "${other}" CASCADE`);
      }
    });

    it('quotes reserved words: table "order" with column "user"', async () => {
      const order = tableSchema(
        'order',
        [column('user', { kind: 'text' }), column('select', { kind: 'integer' }, { nullable: false })],
        { primaryKey: ['select'], indexes: [{ name: 'where', columns: ['user'], unique: false }] },
      );
      await sink.prepareTable(order, 'create');
      const writer = await sink.openWriter(order);
      await writer.write([
        ['alice', 1],
        ['bob', 2],
      ]);
      await writer.close();
      await sink.finalizeTable(order);
      assert.equal(await sink.countRows('order'), 2);
      assert.deepEqual(await schema.sql(`SELECT "user" FROM "order" ORDER BY "select"`), [
        { user: 'alice' },
        { user: 'bob' },
      ]);
    });

    it('shortens a 70-byte table name and two 70-byte column names sharing a prefix, consistently', async () => {
      const tableName = `t${'x'.repeat(69)}`;
      const first = `c${'y'.repeat(65)}_one`;
      const second = `c${'y'.repeat(65)}_two`;
      const long = tableSchema(
        tableName,
        [
          column(first, { kind: 'integer' }, { nullable: false, autoIncrement: true, comment: 'first' }),
          column(second, { kind: 'text', enumValues: ['a', 'b', 'c'] }),
        ],
        {
          primaryKey: [first],
          indexes: [{ name: `idx_${'z'.repeat(70)}`, columns: [second], unique: true }],
          comment: 'a long table',
        },
      );
      for (const name of [tableName, first, second]) assert.equal(Buffer.byteLength(name), 70);
      await sink.prepareTable(long, 'create');
      assert.equal(await sink.tableExists(tableName), true);
      const writer = await sink.openWriter(long);
      await writer.write([
        [1, 'a'],
        [2, 'b'],
      ]);
      await sink.finalizeTable(long);
      assert.equal(await sink.countRows(tableName), 2);
      const short = shortenPostgresIdentifier(tableName);
      const names = (await columnsOf(short)).map((c) => c.name);
      assert.deepEqual(names, [shortenPostgresIdentifier(first), shortenPostgresIdentifier(second)]);
      assert.notEqual(names[0], names[1]);
      // The identity sequence moved past the loaded keys.
      await schema.sql(`INSERT INTO "${short}" ("${names[1]}") VALUES ('c')`);
      assert.equal(await sink.countRows(tableName), 3);
      // Preparing again (truncate) and finalizing again finds the same objects.
      await sink.prepareTable(long, 'truncate');
      await sink.finalizeTable(long);
    });
  });

  describe('openWriter', () => {
    it('loads batches with COPY; several writers on one table in parallel', async () => {
      const numbers = tableSchema(
        'numbers',
        [column('id', { kind: 'integer' }, { nullable: false }), column('label', { kind: 'text' })],
        { primaryKey: ['id'] },
      );
      await sink.prepareTable(numbers, 'create');
      const writers = await Promise.all([0, 1, 2, 3].map(() => sink.openWriter(numbers)));
      await Promise.all(
        writers.map(async (writer, w) => {
          for (let b = 0; b < 5; b++) {
            const batch = Array.from({ length: 2000 }, (_, i) => {
              const id = w * 10_000 + b * 2000 + i;
              return [id, `row ${id}\twith tab`];
            });
            await writer.write(batch);
          }
          await writer.close();
        }),
      );
      assert.equal(await sink.countRows('numbers'), 40_000);
      const [check] = await schema.sql<{ n: string; s: string }>(
        `SELECT count(DISTINCT id) AS n, sum(id) AS s FROM numbers WHERE label = 'row ' || id || E'\\twith tab'`,
      );
      assert.deepEqual(check, { n: '40000', s: String(((4 * 10_000 - 1) * 4 * 10_000) / 2) });
    });

    it('rolls a failing batch back completely and names the row in the error', async () => {
      const strict = tableSchema('strict_rows', [
        column('id', { kind: 'integer' }, { nullable: false }),
        column('name', { kind: 'text' }, { nullable: false }),
      ]);
      await sink.prepareTable(strict, 'create');
      const writer = await sink.openWriter(strict);
      await writer.write([[0, 'before']]);
      const batch = Array.from({ length: 100 }, (_, i) => [i + 1, i === 41 ? null : `n${i}`]);
      await assert.rejects(writer.write(batch), (error: Error) => {
        assert.match(error.message, /null value in column "name"/);
        assert.match(error.message, /line 42/);
        assert.match(error.message, /strict_rows/);
        return true;
      });
      assert.equal(await sink.countRows('strict_rows'), 1);
      // The writer (and the pool) still work after the failure.
      await writer.write([[200, 'after']]);
      assert.equal(await sink.countRows('strict_rows'), 2);
      const bad = [
        [1, 'x'],
        ['not a number', 'y'],
      ];
      await assert.rejects(writer.write(bad), /invalid input syntax for type integer.*line 2/s);
    });

    it('reports an error early in a large batch (many chunks) and rolls it back', async () => {
      const wide = tableSchema('large_batch', [
        column('id', { kind: 'integer' }, { nullable: false }),
        column('t', { kind: 'text' }, { nullable: false }),
      ]);
      await sink.prepareTable(wide, 'create');
      const writer = await sink.openWriter(wide);
      const text = 'x'.repeat(500);
      for (const bad of [3, 39_999]) {
        const batch = Array.from({ length: 40_000 }, (_, i) => [i, i === bad ? null : text]);
        await assert.rejects(writer.write(batch), new RegExp(`line ${bad + 1}\\b`));
      }
      // A row that is not a row at all fails while encoding: the COPY is aborted.
      const broken: unknown[][] = Array.from({ length: 40_000 }, (_, i) => [i, text]);
      (broken as unknown[])[30_000] = null;
      await assert.rejects(writer.write(broken), /loading 40000 rows into "large_batch" failed/);
      assert.equal(await sink.countRows('large_batch'), 0);
      await writer.write([[1, 'fine']]);
      assert.equal(await sink.countRows('large_batch'), 1);
    });

    it('fails a write whose backend is terminated, and the next write works', async () => {
      const killed = tableSchema('killed_writes', [
        column('id', { kind: 'integer' }),
        column('t', { kind: 'text' }),
      ]);
      await sink.prepareTable(killed, 'create');
      const writer = await sink.openWriter(killed);
      // Block the COPY on a lock so the backend is still busy when it is terminated.
      const locker = await schema.admin.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE killed_writes IN ACCESS EXCLUSIVE MODE');
        // The assertion is attached at once: the write may fail while the loop below still runs.
        // Depending on timing the driver sees the server's message or the broken socket.
        const failed = assert.rejects(
          writer.write([[1, 'a']]),
          /loading 1 rows into "killed_writes" failed: .*(terminat|EPIPE|ECONNRESET)/i,
        );
        let terminated = false;
        while (!terminated) {
          const rows = await schema.sql<{ done: boolean }>(
            `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
              WHERE application_name = 'jivs-migrate target' AND query LIKE 'COPY %killed_writes%'`,
          );
          terminated = rows.length > 0;
        }
        await failed;
      } finally {
        await locker.query('ROLLBACK');
        locker.release();
      }
      await writer.write([[2, 'b']]);
      assert.deepEqual(await schema.sql(`SELECT id FROM killed_writes`), [{ id: 2 }]);
    });

    it('writes an empty batch as nothing', async () => {
      const empty = tableSchema('empty_batches', [column('x', { kind: 'integer' })]);
      await sink.prepareTable(empty, 'create');
      const writer = await sink.openWriter(empty);
      await writer.write([]);
      assert.equal(await sink.countRows('empty_batches'), 0);
    });
  });

  describe('finalizeTable', () => {
    const parent = tableSchema(
      'parent',
      [
        column('id', { kind: 'integer' }, { nullable: false, autoIncrement: true }),
        column('code', { kind: 'text' }, { nullable: false }),
      ],
      { primaryKey: ['id'], indexes: [{ name: 'parent_code_key', columns: ['code'], unique: true }] },
    );
    const child = tableSchema(
      'child',
      [
        column('id', { kind: 'bigint' }, { nullable: false, autoIncrement: true }),
        column('parent_id', { kind: 'integer' }),
        column('parent_code', { kind: 'text' }),
      ],
      {
        primaryKey: ['id'],
        indexes: [{ name: 'idx_parent', columns: ['parent_id'], unique: false }],
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
            onDelete: 'NO ACTION',
            onUpdate: 'NO ACTION',
          },
        ],
      },
    );

    it('creates indexes, unique constraints and foreign keys; orphans keep a key NOT VALID', async () => {
      await sink.prepareTable(parent, 'create');
      await sink.prepareTable(child, 'create');
      const parentWriter = await sink.openWriter(parent);
      const childWriter = await sink.openWriter(child);
      // Children may arrive before their parents: nothing is enforced while loading.
      await childWriter.write([
        [1, 1, 'a'],
        [2, 2, 'b'],
        [3, 99, 'a'], // orphan by id
        [4, 98, 'zz'], // orphan by both keys: counted once
        [5, null, null], // no reference at all
        [6, 1, 'zz'], // orphan by code
      ]);
      await parentWriter.write([
        [1, 'a'],
        [2, 'b'],
      ]);
      assert.equal(await sink.foreignKeyViolations!(child), 3);
      await sink.finalizeTable(parent);
      await sink.finalizeTable(child);
      await sink.addForeignKeys!(child);
      const constraints = await schema.sql<{ name: string; type: string; validated: boolean; def: string }>(
        `SELECT conname AS name, contype::text AS type, convalidated AS validated, pg_get_constraintdef(oid) AS def
           FROM pg_constraint WHERE conrelid IN ('parent'::regclass, 'child'::regclass) ORDER BY conname`,
      );
      assert.deepEqual(
        constraints.map((c) => [c.name, c.type, c.validated]),
        [
          ['child_pkey', 'p', true],
          ['fk_child_parent_code', 'f', false],
          ['fk_child_parent_id', 'f', false],
          ['parent_code_key', 'u', true],
          ['parent_pkey', 'p', true],
        ],
      );
      assert.match(constraints[2]!.def, /REFERENCES .*parent\(id\) ON DELETE CASCADE NOT VALID/);
      const indexes = await schema.sql<{ name: string }>(
        `SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`,
        [schema.name],
      );
      assert.ok(indexes.some((i) => i.name === 'idx_parent'));
      // NOT VALID still checks new rows.
      await assert.rejects(
        schema.sql(`INSERT INTO child (parent_id) VALUES (12345)`),
        /violates foreign key/,
      );
      // Identity sequences continue after the loaded keys.
      const [next] = await schema.sql<{ id: number }>(`INSERT INTO parent (code) VALUES ('c') RETURNING id`);
      assert.equal(next?.id, 3);
      const [nextChild] = await schema.sql<{ id: string }>(
        `INSERT INTO child (parent_id) VALUES (1) RETURNING id`,
      );
      // 7 went to the rejected insert above.
      assert.equal(nextChild?.id, '8');
      assert.equal(await sink.foreignKeyViolations!(child), 3);
    });

    it('validates foreign keys when every row has its parent', async () => {
      await sink.prepareTable(parent, 'create');
      await sink.prepareTable(child, 'create');
      await (await sink.openWriter(parent)).write([[1, 'a']]);
      await (await sink.openWriter(child)).write([[1, 1, 'a']]);
      assert.equal(await sink.foreignKeyViolations!(child), 0);
      await sink.finalizeTable(parent);
      await sink.finalizeTable(child);
      await sink.addForeignKeys!(child);
      const rows = await schema.sql<{ validated: boolean }>(
        `SELECT convalidated AS validated FROM pg_constraint WHERE conrelid = 'child'::regclass AND contype = 'f'`,
      );
      assert.deepEqual(rows, [{ validated: true }, { validated: true }]);
    });

    it('re-runs with truncate and append: foreign keys dropped for the load and added back', async () => {
      for (const [mode, id] of [
        ['truncate', 100],
        ['append', 101],
      ] as const) {
        await sink.prepareTable(parent, mode);
        await sink.prepareTable(child, mode);
        // The child's keys are gone while loading, so a child row may come first.
        await (await sink.openWriter(child)).write([[id, id, `p${id}`]]);
        await (await sink.openWriter(parent)).write([[id, `p${id}`]]);
        await sink.finalizeTable(parent);
        await sink.finalizeTable(child);
        await sink.addForeignKeys!(child);
        const keys = await schema.sql<{ name: string }>(
          `SELECT conname AS name FROM pg_constraint WHERE conrelid = 'child'::regclass AND contype = 'f' ORDER BY 1`,
        );
        assert.deepEqual(
          keys.map((k) => k.name),
          ['fk_child_parent_code', 'fk_child_parent_id'],
          mode,
        );
      }
      assert.equal(await sink.countRows('parent'), 2);
    });

    it('prefixes an index name already used by another table (index names are schema-wide)', async () => {
      const a = tableSchema('t_a', [column('x', { kind: 'integer' })], {
        indexes: [{ name: 'idx_x', columns: ['x'], unique: false }],
      });
      const b = tableSchema('t_b', [column('x', { kind: 'integer' })], {
        indexes: [{ name: 'idx_x', columns: ['x'], unique: true }],
      });
      for (const table of [a, b]) {
        await sink.prepareTable(table, 'create');
        await sink.finalizeTable(table);
      }
      // Finalizing again (a rerun in append mode) creates nothing twice.
      await sink.finalizeTable(b);
      const rows = await schema.sql<{ table: string; name: string }>(
        `SELECT tablename AS table, indexname AS name FROM pg_indexes
          WHERE schemaname = $1 AND tablename IN ('t_a', 't_b') ORDER BY 1, 2`,
        [schema.name],
      );
      assert.deepEqual(rows, [
        { table: 't_a', name: 'idx_x' },
        { table: 't_b', name: 't_b_idx_x' },
      ]);
    });

    it('writes table and column comments', async () => {
      const commented = tableSchema(
        'commented',
        [column('x', { kind: 'integer' }, { comment: "the x's value" }), column('y', { kind: 'text' })],
        { comment: 'A table\nwith a comment' },
      );
      await sink.prepareTable(commented, 'create');
      const [row] = await schema.sql<{ t: string; x: string; y: string | null }>(
        `SELECT obj_description('commented'::regclass, 'pg_class') AS t,
                col_description('commented'::regclass, 1) AS x, col_description('commented'::regclass, 2) AS y`,
      );
      assert.deepEqual(row, { t: 'A table\nwith a comment', x: "the x's value", y: null });
    });
  });

  describe('enum columns', () => {
    const statusTable = tableSchema('tickets', [
      column('id', { kind: 'integer' }),
      column(
        'status',
        { kind: 'text', enumValues: ['open', 'closed', "won't fix", ''] },
        { defaultValue: "'open'" },
      ),
      column('tags', { kind: 'text', enumValues: ['a', 'b'], array: true }),
    ]);

    it('become text with a CHECK by default', async () => {
      await sink.prepareTable(statusTable, 'create');
      const writer = await sink.openWriter(statusTable);
      await writer.write([
        [1, "won't fix", ['a', 'b']],
        [2, '', []],
        [3, null, null],
      ]);
      await assert.rejects(writer.write([[4, 'bogus', null]]), /check constraint/);
      await assert.rejects(writer.write([[5, 'open', ['c']]]), /check constraint/);
      const types = await columnsOf('tickets');
      assert.equal(types[1]!.type, 'text');
      assert.equal(types[1]!.default, "'open'::text");
      assert.equal(await sink.countRows('tickets'), 3);
    });

    it('become an enum type per table and column with enums: enum-type', async () => {
      const enumSink = await openPostgresSink(postgresEndpoint(schema.name, { enums: 'enum-type' }), 'test');
      try {
        for (let run = 0; run < 2; run++) await enumSink.prepareTable(statusTable, 'create');
        const writer = await enumSink.openWriter(statusTable);
        await writer.write([[1, 'closed', ['b']]]);
        await assert.rejects(writer.write([[2, 'bogus', null]]), /invalid input value for enum/);
        const types = await columnsOf('tickets');
        assert.equal(types[1]!.type, 'tickets_status_enum');
        assert.equal(types[2]!.type, 'tickets_tags_enum[]');
        const labels = await schema.sql<{ label: string }>(
          `SELECT enumlabel AS label FROM pg_enum WHERE enumtypid = 'tickets_status_enum'::regtype ORDER BY enumsortorder`,
        );
        assert.deepEqual(
          labels.map((l) => l.label),
          ['open', 'closed', "won't fix", ''],
        );
        const [row] = await schema.sql(`SELECT status::text, tags::text FROM tickets`);
        assert.deepEqual(row, { status: 'closed', tags: '{b}' });
      } finally {
        await enumSink.close();
      }
    });
  });
});
