/**
 * What every target dialect's Sink does alike, run once per dialect (SQLite, PostgreSQL, MySQL):
 * the four table modes, counting rows, a failing batch rolled back whole, several writers on one
 * table. Dialect-specific behaviour (types, DDL, indexes, foreign keys) stays in each dialect's folder.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ColumnSchema, Sink, TableSchema } from '../../src/connectors/connector.ts';
import type { LogicalType } from '../../src/core/logical-type.ts';
import { openMysqlSink } from '../../src/connectors/mysql/index.ts';
import { openPostgresSink } from '../../src/connectors/postgres/index.ts';
import { openSqliteSink } from '../../src/connectors/sqlite/sqlite-sink.ts';
import { InputError } from '../../src/core/errors.ts';
import { postgresDescription } from '../support/databases.ts';
import { tempDir } from '../support/temp-dir.ts';
import { createTestDatabase } from './mysql/mysql-test-database.ts';
import { createTestSchema, postgresEndpoint } from './postgres/postgres-test-schema.ts';

/** A target dialect: opens a sink on a fresh, empty place of its own and later removes it. */
interface Dialect {
  name: string;
  open(): Promise<{ sink: Sink; cleanup(): Promise<void> }>;
}

const DIALECTS: Dialect[] = [
  {
    name: 'SQLite',
    async open() {
      const sink = await openSqliteSink(join(await tempDir('jivs-sink-'), 'target.db'));
      return { sink, cleanup: () => sink.close() };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const schema = await createTestSchema('jivs_sink');
      const sink = await openPostgresSink(postgresEndpoint(schema.name), postgresDescription());
      return {
        sink,
        cleanup: async () => {
          await sink.close();
          await schema.drop();
        },
      };
    },
  },
  {
    name: 'MySQL',
    async open() {
      const db = await createTestDatabase();
      const sink = await openMysqlSink(db.endpoint, db.description);
      return {
        sink,
        cleanup: async () => {
          await sink.close();
          await db.drop();
        },
      };
    },
  },
];

function column(name: string, type: LogicalType, nullable = true): ColumnSchema {
  return { name, nativeType: '', type, nullable, defaultValue: null };
}

/** A small keyed table named `name`: id (bigint, key) and a NOT NULL label. */
function people(name: string): TableSchema {
  return {
    name,
    columns: [column('id', { kind: 'bigint' }, false), column('label', { kind: 'text', length: 40 }, false)],
    primaryKey: ['id'],
    indexes: [],
    foreignKeys: [],
  };
}

async function load(sink: Sink, table: TableSchema, ids: number[]): Promise<void> {
  const writer = await sink.openWriter(table);
  await writer.write(ids.map((id) => [id, `p${id}`]));
  await writer.close();
}

for (const dialect of DIALECTS) {
  describe(`Sink behaviour shared by every target: ${dialect.name}`, { timeout: 60_000 }, () => {
    let sink: Sink;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ sink, cleanup } = await dialect.open());
    });
    after(() => cleanup());

    it('create makes a table, and drops and recreates an existing one empty', async () => {
      const table = people('made_by_create');
      assert.deepEqual(await sink.prepareTable(table, 'create'), { rowsBefore: 0 });
      await load(sink, table, [1, 2]);
      assert.deepEqual(await sink.prepareTable(table, 'create'), { rowsBefore: 0 });
      assert.equal(await sink.countRows(table.name), 0);
    });

    it('append keeps the rows and reports how many there were; truncate empties the table', async () => {
      const table = people('kept_rows');
      await sink.prepareTable(table, 'create');
      await load(sink, table, [1, 2, 3]);
      assert.deepEqual(await sink.prepareTable(table, 'append'), { rowsBefore: 3 });
      await load(sink, table, [4]);
      assert.equal(await sink.countRows(table.name), 4);
      assert.deepEqual(await sink.prepareTable(table, 'truncate'), { rowsBefore: 0 });
      assert.equal(await sink.countRows(table.name), 0);
    });

    it('truncate and append create a table that does not exist yet', async () => {
      assert.equal(await sink.tableExists('made_by_truncate'), false);
      assert.deepEqual(await sink.prepareTable(people('made_by_truncate'), 'truncate'), { rowsBefore: 0 });
      assert.deepEqual(await sink.prepareTable(people('made_by_append'), 'append'), { rowsBefore: 0 });
      assert.equal(await sink.tableExists('made_by_truncate'), true);
      assert.equal(await sink.tableExists('made_by_append'), true);
    });

    it('fail-if-exists refuses an existing table with an InputError naming it and keeps its rows; creates a missing one', async () => {
      const table = people('taken');
      await sink.prepareTable(table, 'create');
      await load(sink, table, [1]);
      await assert.rejects(sink.prepareTable(table, 'fail-if-exists'), (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.match(error.message, /"taken" already exists/);
        return true;
      });
      assert.equal(await sink.countRows(table.name), 1);
      assert.deepEqual(await sink.prepareTable(people('fresh'), 'fail-if-exists'), { rowsBefore: 0 });
      assert.equal(await sink.tableExists('fresh'), true);
    });

    it('counts the rows a table holds, as a number', async () => {
      const table = people('counted');
      await sink.prepareTable(table, 'create');
      assert.equal(await sink.countRows(table.name), 0);
      await load(sink, table, [1, 2, 3, 4, 5]);
      const rows = await sink.countRows(table.name);
      assert.equal(rows, 5);
      assert.equal(typeof rows, 'number');
    });

    it('rolls a failing batch back whole, and the writer goes on', async () => {
      const table = people('rolled_back');
      await sink.prepareTable(table, 'create');
      const writer = await sink.openWriter(table);
      await writer.write([
        [1, 'a'],
        [2, 'b'],
      ]);
      await assert.rejects(
        writer.write([
          [3, 'c'],
          [4, null],
          [5, 'e'],
        ]),
      );
      assert.equal(await sink.countRows(table.name), 2);
      await writer.write([[6, 'f']]);
      await writer.close();
      assert.equal(await sink.countRows(table.name), 3);
    });

    it('lets several writers load one table at once', async () => {
      const table = people('shared');
      await sink.prepareTable(table, 'create');
      const [a, b] = await Promise.all([sink.openWriter(table), sink.openWriter(table)]);
      await Promise.all([a.write([[1, 'a']]), b.write([[2, 'b']])]);
      await Promise.all([a.close(), b.close()]);
      assert.equal(await sink.countRows(table.name), 2);
    });
  });
}
