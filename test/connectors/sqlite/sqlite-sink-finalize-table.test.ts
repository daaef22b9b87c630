/**
 * SqliteSink.finalizeTable: the indexes after the load.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableSchema } from '../../../src/connectors/connector.ts';
import { loadPeople, openTarget, PEOPLE } from './sqlite-sink-fixtures.ts';

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
