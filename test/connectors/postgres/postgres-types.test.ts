import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnSchema } from '../../../src/connectors/connector.ts';
import type { LogicalType } from '../../../src/core/logical-type.ts';
import { portableDefault, postgresDefault } from '../../../src/connectors/postgres/postgres-defaults.ts';
import {
  logicalToPostgres,
  numericTypmod,
  postgresToLogical,
} from '../../../src/connectors/postgres/postgres-types.ts';

const info = (typeName: string, typmod = -1, isArray = false, enumValues: string[] | null = null) => ({
  typeName,
  typmod,
  isArray,
  enumValues,
});

describe('postgresToLogical', () => {
  it('maps the common types', () => {
    const cases: [string, number, LogicalType][] = [
      ['int2', -1, { kind: 'integer', min: -32768, max: 32767 }],
      ['int4', -1, { kind: 'integer' }],
      ['int8', -1, { kind: 'bigint' }],
      ['numeric', (12 << 16) + 2 + 4, { kind: 'decimal', precision: 12, scale: 2 }],
      ['numeric', -1, { kind: 'decimal' }],
      ['float4', -1, { kind: 'float' }],
      ['float8', -1, { kind: 'float' }],
      ['bool', -1, { kind: 'boolean' }],
      ['text', -1, { kind: 'text' }],
      ['varchar', 44, { kind: 'text', length: 40 }],
      ['varchar', -1, { kind: 'text' }],
      ['bpchar', 12, { kind: 'text', length: 8 }],
      ['date', -1, { kind: 'date' }],
      ['time', -1, { kind: 'time' }],
      ['timestamp', 3, { kind: 'timestamp' }],
      ['timestamptz', -1, { kind: 'timestamptz' }],
      ['bytea', -1, { kind: 'binary' }],
      ['json', -1, { kind: 'json' }],
      ['jsonb', -1, { kind: 'json' }],
      ['uuid', -1, { kind: 'uuid' }],
      ['interval', -1, { kind: 'text' }],
      ['inet', -1, { kind: 'text' }],
      ['timetz', -1, { kind: 'text' }],
    ];
    for (const [name, typmod, expected] of cases) {
      assert.deepEqual(postgresToLogical(info(name, typmod)), expected, name);
    }
  });

  it('maps arrays and enums', () => {
    assert.deepEqual(postgresToLogical(info('int4', -1, true)), { kind: 'integer', array: true });
    assert.deepEqual(postgresToLogical(info('mood', -1, false, ['sad', 'ok'])), {
      kind: 'text',
      enumValues: ['sad', 'ok'],
    });
    assert.deepEqual(postgresToLogical(info('mood', -1, true, ['a'])), {
      kind: 'text',
      enumValues: ['a'],
      array: true,
    });
  });

  it('decodes numeric type modifiers, negative scales included', () => {
    assert.deepEqual(numericTypmod((38 << 16) + 10 + 4), { precision: 38, scale: 10 });
    assert.deepEqual(numericTypmod(((5 << 16) | (-2 & 0x7ff)) + 4), { precision: 5, scale: -2 });
    assert.deepEqual(postgresToLogical(info('numeric', ((5 << 16) | (-2 & 0x7ff)) + 4)), { kind: 'decimal' });
    assert.equal(numericTypmod(-1), null);
  });
});

describe('logicalToPostgres', () => {
  it('writes the PostgreSQL type of every portable type', () => {
    const cases: [LogicalType, string][] = [
      [{ kind: 'boolean' }, 'boolean'],
      [{ kind: 'integer' }, 'integer'],
      [{ kind: 'bigint' }, 'bigint'],
      [{ kind: 'decimal', precision: 38, scale: 10 }, 'numeric(38,10)'],
      [{ kind: 'decimal' }, 'numeric'],
      [{ kind: 'decimal', precision: 5000, scale: 2 }, 'numeric'],
      [{ kind: 'float' }, 'double precision'],
      [{ kind: 'text' }, 'text'],
      [{ kind: 'text', length: 40 }, 'varchar(40)'],
      [{ kind: 'text', length: 20_000_000 }, 'text'],
      [{ kind: 'date' }, 'date'],
      [{ kind: 'time' }, 'time'],
      [{ kind: 'timestamp' }, 'timestamp'],
      [{ kind: 'timestamptz' }, 'timestamptz'],
      [{ kind: 'binary' }, 'bytea'],
      [{ kind: 'json' }, 'jsonb'],
      [{ kind: 'uuid' }, 'uuid'],
      [{ kind: 'text', array: true }, 'text[]'],
      [{ kind: 'integer', array: true }, 'integer[]'],
    ];
    for (const [type, expected] of cases) assert.equal(logicalToPostgres(type), expected);
    assert.equal(logicalToPostgres({ kind: 'text', enumValues: ['a'] }, '"s"."t_c_enum"'), '"s"."t_c_enum"');
    assert.equal(logicalToPostgres({ kind: 'text', enumValues: ['a'], array: true }, '"s"."e"'), '"s"."e"[]');
  });
});

describe('portableDefault', () => {
  const read = (expression: string | null, kind: LogicalType['kind'] = 'text') =>
    portableDefault(expression, kind);

  it('keeps literals without their casts', () => {
    assert.deepEqual(read(`'abc'::text`), { defaultValue: `'abc'`, autoIncrement: false });
    assert.deepEqual(read(`'it''s'::character varying`), { defaultValue: `'it''s'`, autoIncrement: false });
    assert.deepEqual(read(`'x::y'::character varying(20)`), { defaultValue: `'x::y'`, autoIncrement: false });
    assert.deepEqual(read(`42`, 'integer'), { defaultValue: '42', autoIncrement: false });
    assert.deepEqual(read(`'-1'::integer`, 'integer'), { defaultValue: '-1', autoIncrement: false });
    assert.deepEqual(read(`'-1.5'::numeric`, 'decimal'), { defaultValue: '-1.5', autoIncrement: false });
    assert.deepEqual(read(`true`, 'boolean'), { defaultValue: 'TRUE', autoIncrement: false });
    assert.deepEqual(read(`'2020-01-01'::date`, 'date'), {
      defaultValue: `'2020-01-01'`,
      autoIncrement: false,
    });
    assert.deepEqual(read(`'ok'::public.mood`), { defaultValue: `'ok'`, autoIncrement: false });
    assert.deepEqual(read(`'{}'::text[]`), { defaultValue: `'{}'`, autoIncrement: false });
  });

  it('maps moving defaults to the portable keywords', () => {
    for (const expression of [
      'now()',
      'CURRENT_TIMESTAMP',
      'CURRENT_TIMESTAMP(3)',
      'LOCALTIMESTAMP',
      'statement_timestamp()',
    ]) {
      assert.equal(read(expression, 'timestamptz').defaultValue, 'CURRENT_TIMESTAMP', expression);
    }
    assert.equal(read('CURRENT_DATE', 'date').defaultValue, 'CURRENT_DATE');
    assert.equal(read(`('now'::text)::date`, 'date').defaultValue, 'CURRENT_DATE');
    assert.equal(read('CURRENT_TIME', 'time').defaultValue, 'CURRENT_TIME');
  });

  it('reads nextval() as an auto-increment column and drops what is not portable', () => {
    assert.deepEqual(read(`nextval('t_id_seq'::regclass)`, 'integer'), {
      defaultValue: null,
      autoIncrement: true,
    });
    assert.deepEqual(read('gen_random_uuid()', 'uuid'), { defaultValue: null, autoIncrement: false });
    assert.deepEqual(read(`NULL::character varying`), { defaultValue: null, autoIncrement: false });
    assert.deepEqual(read(`(1 + 2)`, 'integer'), { defaultValue: null, autoIncrement: false });
    assert.deepEqual(read(null), { defaultValue: null, autoIncrement: false });
  });
});

describe('postgresDefault', () => {
  const column = (type: LogicalType, defaultValue: string | null, extra: Partial<ColumnSchema> = {}) =>
    ({ name: 'c', nativeType: '', type, nullable: true, defaultValue, ...extra }) as ColumnSchema;

  it('turns 0/1 boolean defaults from MySQL and SQLite into false/true', () => {
    assert.equal(postgresDefault(column({ kind: 'boolean' }, '0')), 'false');
    assert.equal(postgresDefault(column({ kind: 'boolean' }, "'1'")), 'true');
    assert.equal(postgresDefault(column({ kind: 'boolean' }, 'TRUE')), 'true');
    assert.equal(postgresDefault(column({ kind: 'boolean' }, "b'0'")), 'false');
    assert.equal(postgresDefault(column({ kind: 'boolean' }, "'maybe'")), null);
  });

  it('keeps portable keywords for date/time columns only', () => {
    assert.equal(postgresDefault(column({ kind: 'timestamp' }, 'CURRENT_TIMESTAMP')), 'CURRENT_TIMESTAMP');
    assert.equal(postgresDefault(column({ kind: 'date' }, 'current_date')), 'CURRENT_DATE');
    assert.equal(postgresDefault(column({ kind: 'integer' }, 'CURRENT_TIMESTAMP')), null);
  });

  it('keeps numbers for numeric columns, quoted literals for the others', () => {
    assert.equal(postgresDefault(column({ kind: 'integer' }, "'5'")), '5');
    assert.equal(postgresDefault(column({ kind: 'decimal' }, '-0.5')), '-0.5');
    assert.equal(postgresDefault(column({ kind: 'integer' }, "'abc'")), null);
    assert.equal(postgresDefault(column({ kind: 'text' }, "'it''s'")), "'it''s'");
    assert.equal(postgresDefault(column({ kind: 'text' }, '7')), "'7'");
    assert.equal(postgresDefault(column({ kind: 'text' }, 'NULL')), null);
    assert.equal(postgresDefault(column({ kind: 'text' }, 'upper(x)')), null);
  });

  it('drops defaults of identity columns and enum defaults outside the values', () => {
    assert.equal(postgresDefault(column({ kind: 'bigint' }, '0', { autoIncrement: true })), null);
    assert.equal(postgresDefault(column({ kind: 'text', enumValues: ['a', 'b'] }, "'b'")), "'b'");
    assert.equal(postgresDefault(column({ kind: 'text', enumValues: ['a', 'b'] }, "'z'")), null);
  });
});
