/**
 * PostgresSink.finalizeTable: indexes, unique constraints, foreign keys (NOT VALID for orphans) and
 * comments, after the load.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sink } from '../../../src/connectors/connector.ts';
import type { TestSchema } from './postgres-test-schema.ts';
import { column, tableSchema } from '../../support/table-schema.ts';
import { closeSinkSchema, openSinkSchema } from './postgres-sink-fixtures.ts';

describe('PostgresSink', () => {
  let schema: TestSchema;
  let sink: Sink;
  before(async () => ({ schema, sink } = await openSinkSchema()));
  after(() => closeSinkSchema({ schema, sink }));

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
});
