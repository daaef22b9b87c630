/**
 * SqliteSink.prepareTable: creating, emptying and keeping target tables in a SQLite file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/core/errors.ts';
import { column, tableSchema } from '../../support/table-schema.ts';
import { columnInfo, count, openTarget, PEOPLE } from './sqlite-sink-fixtures.ts';

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
