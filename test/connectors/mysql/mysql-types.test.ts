import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnSchema } from '../../../src/connectors/connector.ts';
import type { LogicalType } from '../../../src/core/logical-type.ts';
import { mysqlDefaultClause, portableDefault } from '../../../src/connectors/mysql/mysql-defaults.ts';
import {
  columnTypes,
  createTableSql,
  shortenMysqlIdentifier,
} from '../../../src/connectors/mysql/mysql-ddl.ts';
import { insertStatements } from '../../../src/connectors/mysql/mysql-sink.ts';
import {
  isUnmappedMysqlType,
  logicalToMysql,
  mysqlToLogical,
  parseNativeType,
  quoteMysqlIdentifier,
  quoteMysqlString,
} from '../../../src/connectors/mysql/mysql-types.ts';
import { literalEncoderFor, toUtcDatetime } from '../../../src/connectors/mysql/mysql-write-values.ts';

const asBoolean = { tinyint1AsBoolean: true };

function column(name: string, type: LogicalType, extra: Partial<ColumnSchema> = {}): ColumnSchema {
  return { name, nativeType: '', type, nullable: true, defaultValue: null, ...extra };
}

describe('mysqlToLogical', () => {
  const cases: [string, LogicalType, { tinyint1AsBoolean: boolean; jsonChecked?: boolean }?][] = [
    ['tinyint(1)', { kind: 'boolean' }],
    ['tinyint(1)', { kind: 'integer', min: -128, max: 127 }, { tinyint1AsBoolean: false }],
    ['tinyint(4)', { kind: 'integer', min: -128, max: 127 }],
    ['tinyint(3) unsigned', { kind: 'integer', min: 0, max: 255 }],
    ['smallint(5) unsigned', { kind: 'integer', min: 0, max: 65535 }],
    ['mediumint(8) unsigned', { kind: 'integer', min: 0, max: 16777215 }],
    ['int(11)', { kind: 'integer' }],
    ['int', { kind: 'integer' }],
    ['int(10) unsigned', { kind: 'bigint', min: 0, max: 4294967295 }],
    ['int unsigned zerofill', { kind: 'bigint', min: 0, max: 4294967295 }],
    ['bigint(20)', { kind: 'bigint' }],
    ['bigint(20) unsigned', { kind: 'decimal', precision: 20, scale: 0, min: 0 }],
    ['decimal(12,2)', { kind: 'decimal', precision: 12, scale: 2 }],
    ['decimal(65,30) unsigned', { kind: 'decimal', precision: 65, scale: 30, min: 0 }],
    ['float', { kind: 'float' }],
    ['double', { kind: 'float' }],
    ['bit(1)', { kind: 'boolean' }],
    ['bit(8)', { kind: 'bigint' }],
    ['bit(64)', { kind: 'decimal', precision: 20, scale: 0 }],
    ["enum('a','b''c','d\\\\e')", { kind: 'text', enumValues: ['a', "b'c", 'd\\e'] }],
    ["enum('x,y','(z)')", { kind: 'text', enumValues: ['x,y', '(z)'] }],
    ["set('a','b')", { kind: 'text', array: true }],
    ['char(4)', { kind: 'text', length: 4 }],
    ['varchar(255)', { kind: 'text', length: 255 }],
    ['tinytext', { kind: 'text' }],
    ['longtext', { kind: 'text' }],
    ['longtext', { kind: 'json' }, { tinyint1AsBoolean: true, jsonChecked: true }],
    ['binary(16)', { kind: 'binary' }],
    ['varbinary(300)', { kind: 'binary' }],
    ['longblob', { kind: 'binary' }],
    ['date', { kind: 'date' }],
    ['datetime(6)', { kind: 'timestamp' }],
    ['timestamp', { kind: 'timestamp' }],
    ['time(3)', { kind: 'time' }],
    ['year(4)', { kind: 'integer' }],
    ['json', { kind: 'json' }],
    ['point', { kind: 'text' }],
    ['geometry', { kind: 'text' }],
    ['uuid', { kind: 'uuid' }],
    ['inet6', { kind: 'text' }],
  ];
  for (const [native, expected, options] of cases) {
    it(`${native} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(mysqlToLogical(native, options ?? asBoolean), expected);
    });
  }

  it('takes COLUMN_TYPE apart', () => {
    assert.deepEqual(parseNativeType('decimal(12,2) unsigned zerofill'), {
      base: 'decimal',
      args: [12, 2],
      unsigned: true,
      members: [],
    });
  });
});

describe('logicalToMysql', () => {
  it('maps every portable type', () => {
    assert.equal(logicalToMysql({ kind: 'boolean' }), 'tinyint(1)');
    assert.equal(logicalToMysql({ kind: 'integer' }), 'int');
    assert.equal(logicalToMysql({ kind: 'bigint' }), 'bigint');
    assert.equal(logicalToMysql({ kind: 'decimal', precision: 12, scale: 2 }), 'decimal(12,2)');
    assert.equal(logicalToMysql({ kind: 'decimal' }), 'decimal(65,30)');
    assert.equal(logicalToMysql({ kind: 'decimal', precision: 100, scale: 40 }), 'decimal(65,30)');
    assert.equal(logicalToMysql({ kind: 'float' }), 'double');
    assert.equal(logicalToMysql({ kind: 'text', length: 40 }), 'varchar(40)');
    assert.equal(logicalToMysql({ kind: 'text', length: 16383 }), 'varchar(16383)');
    assert.equal(logicalToMysql({ kind: 'text', length: 16384 }), 'longtext');
    assert.equal(logicalToMysql({ kind: 'text' }), 'longtext');
    assert.equal(logicalToMysql({ kind: 'text' }, true), 'varchar(768)');
    assert.equal(logicalToMysql({ kind: 'text', enumValues: ['a', "it's"] }), "enum('a','it\\'s')");
    assert.equal(logicalToMysql({ kind: 'text', array: true }), 'json');
    assert.equal(logicalToMysql({ kind: 'date' }), 'date');
    assert.equal(logicalToMysql({ kind: 'time' }), 'time(6)');
    assert.equal(logicalToMysql({ kind: 'timestamp' }), 'datetime(6)');
    assert.equal(logicalToMysql({ kind: 'timestamptz' }), 'datetime(6)');
    assert.equal(logicalToMysql({ kind: 'binary' }), 'longblob');
    assert.equal(logicalToMysql({ kind: 'binary' }, true), 'varbinary(3072)');
    assert.equal(logicalToMysql({ kind: 'json' }), 'json');
    assert.equal(logicalToMysql({ kind: 'uuid' }), 'char(36)');
  });

  it('turns the longest varchars of an over-wide row into longtext, keys excepted', () => {
    const table = {
      name: 'wide',
      columns: [
        column('k', { kind: 'text', length: 10000 }),
        column('a', { kind: 'text', length: 10000 }),
        column('b', { kind: 'text', length: 6000 }),
        column('c', { kind: 'text', length: 100 }),
      ],
      primaryKey: [],
      indexes: [{ name: 'ix', columns: ['k'], unique: false }],
      foreignKeys: [],
    };
    assert.deepEqual(columnTypes(table), ['varchar(10000)', 'longtext', 'varchar(6000)', 'varchar(100)']);
  });
});

describe('identifiers and literals', () => {
  it('quotes identifiers with backticks', () => {
    assert.equal(quoteMysqlIdentifier('order'), '`order`');
    assert.equal(quoteMysqlIdentifier('we`ird'), '`we``ird`');
  });

  it('escapes strings', () => {
    assert.equal(quoteMysqlString(`it's a \\ "x"\n\0\x1a`), `'it\\'s a \\\\ "x"\\n\\0\\Z'`);
  });

  it('shortens long names without collisions', () => {
    const a = shortenMysqlIdentifier(`fk_${'x'.repeat(80)}_a`);
    const b = shortenMysqlIdentifier(`fk_${'x'.repeat(80)}_b`);
    assert.equal(a.length, 64);
    assert.notEqual(a, b);
    assert.equal(shortenMysqlIdentifier('short'), 'short');
  });

  it('encodes canonical values as literals', () => {
    const encode = (type: LogicalType, value: unknown) => literalEncoderFor(column('c', type))(value);
    assert.equal(encode({ kind: 'boolean' }, true), '1');
    assert.equal(encode({ kind: 'bigint' }, 9223372036854775807n), '9223372036854775807');
    assert.equal(encode({ kind: 'binary' }, Buffer.from([0, 255])), "X'00ff'");
    assert.equal(encode({ kind: 'binary' }, Buffer.alloc(0)), "''");
    assert.equal(encode({ kind: 'text', array: true }, ['a', "b'"]), `'["a","b\\'"]'`);
    assert.equal(encode({ kind: 'timestamptz' }, '2024-03-01 01:30:00.25+02:00'), "'2024-02-29 23:30:00.25'");
    assert.throws(() => encode({ kind: 'float' }, NaN), /cannot store the number NaN/);
  });

  it('converts timestamps with time zone to UTC', () => {
    assert.equal(toUtcDatetime('2024-01-01 00:30:00-01:30'), '2024-01-01 02:00:00');
    assert.equal(toUtcDatetime('0001-01-01 00:00:00+00:00'), '0001-01-01 00:00:00');
    assert.equal(toUtcDatetime('0050-06-01 12:00:00.123456+05:00'), '0050-06-01 07:00:00.123456');
  });

  it('splits a batch into INSERTs by rows and by bytes', () => {
    const encoders = [literalEncoderFor(column('a', { kind: 'text' }))];
    const rows = Array.from({ length: 1200 }, (_, i) => [`v${i}`]);
    const statements = [...insertStatements('INSERT INTO t (a) VALUES ', rows, encoders, 1 << 20)];
    assert.equal(statements.length, 3);
    assert.ok(statements[0]!.startsWith("INSERT INTO t (a) VALUES ('v0'),('v1')"));
    const big = [...insertStatements('I ', [['x'.repeat(100)], ['y'.repeat(100)], [null]], encoders, 150)];
    assert.deepEqual(big, [`I ('${'x'.repeat(100)}')`, `I ('${'y'.repeat(100)}'),(NULL)`]);
  });
});

describe('defaults', () => {
  it('reads MariaDB defaults (SQL) as portable defaults', () => {
    const text: LogicalType = { kind: 'text' };
    assert.equal(portableDefault("'it''s \\\\ x'", '', text, true), "'it''s \\ x'");
    assert.equal(portableDefault('NULL', '', text, true), null);
    assert.equal(portableDefault(null, '', text, true), null);
    assert.equal(
      portableDefault('current_timestamp(6)', '', { kind: 'timestamp' }, true),
      'CURRENT_TIMESTAMP',
    );
    assert.equal(portableDefault('curdate()', '', { kind: 'date' }, true), 'CURRENT_DATE');
    assert.equal(portableDefault('(1 + 1)', '', { kind: 'integer' }, true), null);
    assert.equal(portableDefault('1', '', { kind: 'boolean' }, true), 'TRUE');
    assert.equal(portableDefault("b'0'", '', { kind: 'boolean' }, true), 'FALSE');
    assert.equal(portableDefault("'0000-00-00'", '', { kind: 'date' }, true), null);
    assert.equal(portableDefault("'x,y'", '', { kind: 'text', array: true }, true), null);
  });

  it('reads MySQL defaults (bare values) as portable defaults', () => {
    assert.equal(portableDefault("it's", '', { kind: 'text' }, false), "'it''s'");
    assert.equal(portableDefault('0.00', '', { kind: 'decimal', precision: 5, scale: 2 }, false), '0.00');
    assert.equal(
      portableDefault('CURRENT_TIMESTAMP', 'DEFAULT_GENERATED', { kind: 'timestamp' }, false),
      'CURRENT_TIMESTAMP',
    );
    assert.equal(portableDefault('(`a` + 1)', 'DEFAULT_GENERATED', { kind: 'integer' }, false), null);
    assert.equal(portableDefault('2000-01-01', '', { kind: 'date' }, false), "'2000-01-01'");
  });

  it('writes portable defaults as MySQL DEFAULT clauses', () => {
    const clause = (type: LogicalType, value: string, mysqlType: string, extra: Partial<ColumnSchema> = {}) =>
      mysqlDefaultClause(column('c', type, { defaultValue: value, ...extra }), mysqlType);
    assert.equal(
      clause({ kind: 'timestamp' }, 'CURRENT_TIMESTAMP', 'datetime(6)'),
      ' DEFAULT CURRENT_TIMESTAMP(6)',
    );
    assert.equal(clause({ kind: 'date' }, 'CURRENT_DATE', 'date'), ' DEFAULT (CURRENT_DATE)');
    assert.equal(clause({ kind: 'boolean' }, 'TRUE', 'tinyint(1)'), ' DEFAULT 1');
    assert.equal(clause({ kind: 'text' }, "'a\\b''c'", 'varchar(5)'), " DEFAULT 'a\\\\b\\'c'");
    assert.equal(clause({ kind: 'text' }, "'x'", 'longtext'), " DEFAULT ('x')");
    assert.equal(clause({ kind: 'text' }, 'NULL', 'varchar(5)', { nullable: false }), '');
    assert.equal(clause({ kind: 'text' }, "nextval('s')", 'varchar(5)'), '');
  });

  it('builds CREATE TABLE with keys, AUTO_INCREMENT and comments', () => {
    const sql = createTableSql({
      name: 'order',
      columns: [
        column('id', { kind: 'bigint' }, { nullable: false, autoIncrement: true, comment: 'the key' }),
        column('code', { kind: 'text' }),
      ],
      primaryKey: ['id'],
      indexes: [{ name: 'ux_code', columns: ['code'], unique: true }],
      foreignKeys: [],
      comment: "it's a table",
    });
    assert.equal(
      sql,
      "CREATE TABLE `order` (\n  `id` bigint NOT NULL AUTO_INCREMENT COMMENT 'the key',\n  `code` varchar(768),\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin COMMENT='it\\'s a table'",
    );
  });
});

describe('isUnmappedMysqlType', () => {
  it('flags only types that fall back to text for want of a mapping', () => {
    for (const known of [
      'int(11)',
      'varchar(40)',
      'longtext',
      'blob',
      'point',
      "enum('a')",
      'json',
      'year(4)',
    ]) {
      assert.equal(isUnmappedMysqlType(known), false, known);
    }
    for (const unknown of ['vector(3)', 'inet6', 'xmltype'])
      assert.equal(isUnmappedMysqlType(unknown), true, unknown);
  });
});
