/**
 * PostgresSink.prepareTable: creating, emptying and keeping target tables (modes, schema, quoting,
 * long names).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sink } from '../../../src/connectors/connector.ts';
import { openPostgresSink } from '../../../src/connectors/postgres/index.ts';
import { shortenPostgresIdentifier } from '../../../src/connectors/postgres/postgres-identifiers.ts';
import { InputError } from '../../../src/core/errors.ts';
import { postgresEndpoint, type TestSchema } from './postgres-test-schema.ts';
import { column, tableSchema } from '../../support/table-schema.ts';
import { closeSinkSchema, columnsIn, openSinkSchema, PEOPLE } from './postgres-sink-fixtures.ts';

describe('PostgresSink', () => {
  let schema: TestSchema;
  let sink: Sink;
  before(async () => ({ schema, sink } = await openSinkSchema()));
  after(() => closeSinkSchema({ schema, sink }));

  const columnsOf = (table: string) => columnsIn(schema, table);

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
});
