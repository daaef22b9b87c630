import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { LogicalType } from '../../../src/core/logical-type.ts';
import { portableDefault } from '../../../src/connectors/sqlite/sqlite-defaults.ts';
import {
  logicalToSqlite,
  quoteSqliteIdentifier,
  sqliteToLogical,
} from '../../../src/connectors/sqlite/sqlite-types.ts';

describe('sqliteToLogical', () => {
  const cases: [string, LogicalType][] = [
    ['INTEGER', { kind: 'bigint' }],
    ['integer', { kind: 'bigint' }],
    ['BIGINT', { kind: 'bigint' }],
    ['INT8', { kind: 'bigint' }],
    ['INT', { kind: 'integer' }],
    ['SMALLINT', { kind: 'integer' }],
    ['TINYINT(1)', { kind: 'integer' }],
    ['VARCHAR(40)', { kind: 'text', length: 40 }],
    ['varchar( 40 )', { kind: 'text', length: 40 }],
    ['NVARCHAR(255)', { kind: 'text', length: 255 }],
    ['CHAR(2)', { kind: 'text', length: 2 }],
    ['TEXT', { kind: 'text' }],
    ['CLOB', { kind: 'text' }],
    ['DECIMAL(12,2)', { kind: 'decimal', precision: 12, scale: 2 }],
    ['decimal(12, 2)', { kind: 'decimal', precision: 12, scale: 2 }],
    ['NUMERIC(10)', { kind: 'decimal', precision: 10, scale: 0 }],
    ['NUMERIC', { kind: 'decimal' }],
    ['REAL', { kind: 'float' }],
    ['DOUBLE', { kind: 'float' }],
    ['DOUBLE PRECISION', { kind: 'float' }],
    ['FLOAT', { kind: 'float' }],
    ['BOOLEAN', { kind: 'boolean' }],
    ['BOOL', { kind: 'boolean' }],
    ['DATE', { kind: 'date' }],
    ['DATETIME', { kind: 'timestamp' }],
    ['TIMESTAMP', { kind: 'timestamp' }],
    ['TIMESTAMP WITH TIME ZONE', { kind: 'timestamptz' }],
    ['TIMESTAMPTZ', { kind: 'timestamptz' }],
    ['TIME', { kind: 'time' }],
    ['BLOB', { kind: 'binary' }],
    ['VARBINARY(16)', { kind: 'binary' }],
    ['JSON', { kind: 'json' }],
    ['UUID', { kind: 'uuid' }],
    ['', { kind: 'text' }],
    ['   ', { kind: 'text' }],
    ['MONEY', { kind: 'decimal' }],
    ['SOMETHING_ODD', { kind: 'text' }],
  ];
  for (const [declared, expected] of cases) {
    it(`maps ${JSON.stringify(declared)} to ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(sqliteToLogical(declared), expected);
    });
  }
});

describe('logicalToSqlite', () => {
  const types: LogicalType[] = [
    { kind: 'boolean' },
    { kind: 'integer' },
    { kind: 'bigint' },
    { kind: 'decimal' },
    { kind: 'decimal', precision: 12, scale: 2 },
    { kind: 'decimal', precision: 18, scale: 0 },
    { kind: 'decimal', precision: 15, scale: 3 },
    { kind: 'float' },
    { kind: 'text' },
    { kind: 'text', length: 40 },
    { kind: 'date' },
    { kind: 'time' },
    { kind: 'timestamp' },
    { kind: 'timestamptz' },
    { kind: 'binary' },
    { kind: 'json' },
    { kind: 'uuid' },
  ];

  it('covers every logical kind in this table', () => {
    const kinds = new Set(types.map((t) => t.kind));
    assert.equal(kinds.size, 13);
  });

  for (const type of types) {
    it(`round-trips ${JSON.stringify(type)} through sqliteToLogical`, () => {
      assert.deepEqual(sqliteToLogical(logicalToSqlite(type)), type);
    });
  }

  it('round-trips every kind through a real CREATE TABLE and PRAGMA table_info', () => {
    const db = new Database(':memory:');
    try {
      const columns = types.map((t, i) => `c${i} ${logicalToSqlite(t)}`).join(', ');
      db.exec(`CREATE TABLE t (${columns})`);
      const declared = db.prepare('PRAGMA table_info(t)').all() as { type: string }[];
      assert.deepEqual(
        declared.map((c) => sqliteToLogical(c.type)),
        types,
      );
    } finally {
      db.close();
    }
  });

  it('keeps decimals wider than a REAL carries as their exact text, and narrow ones as numbers', () => {
    const db = new Database(':memory:');
    try {
      const wide = { kind: 'decimal', precision: 20, scale: 0 } as const;
      const unbounded = { kind: 'decimal' } as const;
      const narrow = { kind: 'decimal', precision: 12, scale: 2 } as const;
      db.exec(
        `CREATE TABLE t (w ${logicalToSqlite(wide)}, u ${logicalToSqlite(unbounded)}, n ${logicalToSqlite(narrow)})`,
      );
      db.prepare('INSERT INTO t VALUES (?, ?, ?)').run(
        '18446744073709551615',
        '123456789012345678.000000001',
        '1234567890.12',
      );
      assert.deepEqual(db.prepare('SELECT w, typeof(w) AS tw, u, n, typeof(n) AS tn FROM t').get(), {
        w: '18446744073709551615',
        tw: 'text',
        u: '123456789012345678.000000001',
        n: 1234567890.12,
        tn: 'real',
      });
    } finally {
      db.close();
    }
  });
});

describe('portableDefault', () => {
  const kept: [string, string][] = [
    ['0', '0'],
    ['42', '42'],
    ['-1', '-1'],
    ['3.25', '3.25'],
    ['(7)', '7'],
    ["'x'", "'x'"],
    ["'it''s'", "'it''s'"],
    ["''", "''"],
    ["'(not a call)'", "'(not a call)'"],
    ['CURRENT_TIMESTAMP', 'CURRENT_TIMESTAMP'],
    ['current_timestamp', 'CURRENT_TIMESTAMP'],
    ['(CURRENT_DATE)', 'CURRENT_DATE'],
    ['CURRENT_TIME', 'CURRENT_TIME'],
    ['TRUE', 'TRUE'],
  ];
  for (const [sql, expected] of kept) {
    it(`keeps ${sql} as ${expected}`, () => {
      assert.equal(portableDefault(sql), expected);
    });
  }

  const dropped = [
    "(datetime('now'))",
    "datetime('now')",
    'abs(-2)',
    'random()',
    '(1) + (2)',
    '1 + 2',
    "'a' || 'b'",
    "('a') || ('b')",
    '"quoted identifier"',
    'x',
  ];
  for (const sql of dropped) {
    it(`drops ${sql}`, () => {
      assert.equal(portableDefault(sql), null);
    });
  }

  it('returns null for no default', () => {
    assert.equal(portableDefault(null), null);
  });
});

describe('quoteSqliteIdentifier', () => {
  it('wraps a plain name in double quotes', () => {
    assert.equal(quoteSqliteIdentifier('orders'), '"orders"');
  });

  it('doubles embedded quotes', () => {
    assert.equal(quoteSqliteIdentifier('we"ird'), '"we""ird"');
    assert.equal(quoteSqliteIdentifier('"'), '""""');
  });

  it('produces identifiers SQLite accepts and resolves to the original name', () => {
    const db = new Database(':memory:');
    try {
      const names = ['we"ird', 'select', 'with space', '"leading', 'trailing"', "it's"];
      for (const name of names) {
        const quoted = quoteSqliteIdentifier(name);
        db.exec(`CREATE TABLE ${quoted} (${quoteSqliteIdentifier(`${name} col`)} INTEGER)`);
        db.prepare(`INSERT INTO ${quoted} VALUES (1)`).run();
      }
      const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).pluck().all();
      assert.deepEqual([...tables].sort(), [...names].sort());
      const column = db.prepare(`PRAGMA table_info(${quoteSqliteIdentifier('we"ird')})`).get() as {
        name: string;
      };
      assert.equal(column.name, 'we"ird col');
    } finally {
      db.close();
    }
  });
});
