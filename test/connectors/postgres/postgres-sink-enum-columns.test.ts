/**
 * PostgresSink: enum columns, as text with a CHECK or as an enum type.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sink } from '../../../src/connectors/connector.ts';
import { openPostgresSink } from '../../../src/connectors/postgres/index.ts';
import { postgresEndpoint, type TestSchema } from './postgres-test-schema.ts';
import { column, tableSchema } from '../../support/table-schema.ts';
import { closeSinkSchema, columnsIn, openSinkSchema } from './postgres-sink-fixtures.ts';

describe('PostgresSink', () => {
  let schema: TestSchema;
  let sink: Sink;
  before(async () => ({ schema, sink } = await openSinkSchema()));
  after(() => closeSinkSchema({ schema, sink }));

  const columnsOf = (table: string) => columnsIn(schema, table);

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
