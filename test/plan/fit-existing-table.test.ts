/**
 * Planning against an existing target table (modes append and truncate): the existing column's type and
 * NOT NULL win, except where the target converts the planned value itself; a column the table lacks is
 * a problem; a NOT NULL column the migration leaves empty is a note.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnSchema, TableSchema } from '../../src/connectors/connector.ts';
import { parseLogicalType, type LogicalType } from '../../src/core/logical-type.ts';
import { fitToExistingTable } from '../../src/plan/fit-existing-table.ts';

function column(name: string, type: string | LogicalType, nullable = true): ColumnSchema {
  const parsed = typeof type === 'string' ? parseLogicalType(type)! : type;
  return { name, nativeType: '', type: parsed, nullable, defaultValue: null };
}

function existing(...columns: ColumnSchema[]): TableSchema {
  return { name: 't', columns, primaryKey: [], indexes: [], foreignKeys: [] };
}

function fit(planned: ColumnSchema[], table: TableSchema, target: 'postgres' | 'mysql' | 'sqlite') {
  return fitToExistingTable({ name: 't', specPath: 'tables[0]', columns: planned }, table, target);
}

describe('fitToExistingTable', () => {
  it('takes the existing types, ranges and NOT NULL, and says so', () => {
    const result = fit(
      [column('v', 'text'), column('small', 'integer'), column('big', 'bigint'), column('amount', 'float')],
      existing(
        column('v', 'varchar(3)', false),
        column('small', { kind: 'integer', min: -32768, max: 32767 }),
        column('big', 'integer'),
        column('amount', 'decimal(5,2)'),
      ),
      'postgres',
    );
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.columns.map((c) => [c.type, c.nullable]),
      [
        [{ kind: 'text', length: 3 }, false],
        [{ kind: 'integer', min: -32768, max: 32767 }, true],
        [{ kind: 'bigint', min: -2147483648, max: 2147483647 }, true],
        [{ kind: 'decimal', precision: 5, scale: 2 }, true],
      ],
    );
    assert.deepEqual(result.notes, [
      'planned against the existing target table, whose limits apply: v varchar(3) (the migration gives text), v NOT NULL, small integer (-32768 to 32767) (the migration gives integer), big bigint (-2147483648 to 2147483647) (the migration gives bigint), amount decimal(5,2) (the migration gives float)',
    ]);
  });

  it('keeps what the MySQL target converts itself: arrays to json, timestamptz to datetime, uuid to char(36)', () => {
    const planned = [
      column('tags', { kind: 'text', array: true }),
      column('at', 'timestamptz'),
      column('id', 'uuid'),
      column('n', 'text'),
    ];
    const table = existing(
      column('tags', 'json'),
      column('at', 'timestamp'),
      column('id', 'varchar(36)'),
      column('n', 'integer'),
    );
    assert.deepEqual(
      fit(planned, table, 'mysql').columns.map((c) => c.type),
      [{ kind: 'text', array: true }, { kind: 'timestamptz' }, { kind: 'uuid' }, { kind: 'integer' }],
    );
    assert.deepEqual(
      fit(planned, table, 'postgres').columns.map((c) => c.type),
      [{ kind: 'json' }, { kind: 'timestamp' }, { kind: 'text', length: 36 }, { kind: 'integer' }],
    );
  });

  it('SQLite keeps any value whatever the declared type: only NOT NULL applies', () => {
    const result = fit(
      [column('v', 'text'), column('n', 'text')],
      existing(column('V', 'varchar(3)', false), column('n', 'integer')),
      'sqlite',
    );
    assert.deepEqual(
      result.columns.map((c) => [c.name, c.type, c.nullable]),
      [
        ['v', { kind: 'text' }, false],
        ['n', { kind: 'text' }, true],
      ],
    );
  });

  it('a column the table lacks is a problem; a NOT NULL column left empty is a note', () => {
    const required = { ...column('code', 'text', false) };
    const withDefault = { ...column('created', 'timestamp', false), defaultValue: 'CURRENT_TIMESTAMP' };
    const result = fit(
      [column('v', 'text'), column('V2', 'text')],
      existing(column('v', 'text'), column('v2', 'text'), required, withDefault),
      'postgres',
    );
    assert.equal(result.problems.length, 1);
    assert.equal(result.problems[0]!.path, 'tables[0]');
    assert.match(result.problems[0]!.message, /existing target table "t" has no column "V2"/);
    assert.deepEqual(result.notes.length, 1);
    assert.match(result.notes[0]!, /column code is NOT NULL, and this migration gives it no value/);
  });
});
