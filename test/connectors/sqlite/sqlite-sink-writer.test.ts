/**
 * SqliteSink.openWriter: how values are stored, and one transaction per batch.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { column, tableSchema } from '../../support/table-schema.ts';
import { openTarget, PEOPLE } from './sqlite-sink-fixtures.ts';

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
