/**
 * SqliteSink.foreignKeyViolations: counting the rows that point at a missing parent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Sink, TableSchema } from '../../../src/connectors/connector.ts';
import { column, tableSchema } from '../../support/table-schema.ts';
import { loadPeople, openTarget, PEOPLE } from './sqlite-sink-fixtures.ts';

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
