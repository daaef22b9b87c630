import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogicalType } from '../../src/core/logical-type.ts';
import { CoercionError, coercerFor } from '../../src/core/coerce.ts';

function cast(type: LogicalType, value: unknown): unknown {
  return coercerFor(type)(value);
}

function rejects(type: LogicalType, value: unknown, message: RegExp): void {
  assert.throws(
    () => cast(type, value),
    (error: unknown) => error instanceof CoercionError && message.test(error.message),
  );
}

describe('coerce', () => {
  it('casts integers within 32 bits and rejects the rest with advice', () => {
    assert.equal(cast({ kind: 'integer' }, '42'), 42);
    assert.equal(cast({ kind: 'integer' }, 7n), 7);
    assert.equal(cast({ kind: 'integer' }, true), 1);
    assert.equal(cast({ kind: 'integer' }, 3.0), 3);
    rejects({ kind: 'integer' }, 2.5, /not a whole number/);
    rejects({ kind: 'integer' }, '12a', /not a whole number/);
    rejects({ kind: 'integer' }, 2147483648, /override the type to bigint/);
    // The hint names a type that holds the value.
    rejects({ kind: 'integer' }, '18446744073709551596', /integer range; override the type to decimal\(20\)/);
  });

  it('keeps 64-bit integers exact', () => {
    assert.equal(cast({ kind: 'bigint' }, '9007199254740993'), 9007199254740993n);
    assert.equal(cast({ kind: 'bigint' }, 9007199254740993n), 9007199254740993n);
    assert.equal(cast({ kind: 'bigint' }, '-12'), -12);
    rejects({ kind: 'bigint' }, '9223372036854775808', /bigint range; override the type to decimal\(19\)/);
    rejects({ kind: 'bigint' }, -18446744073709551596n, /override the type to decimal\(20\)/);
  });

  it('canonicalises decimals, rounding half away from zero to the scale', () => {
    const money: LogicalType = { kind: 'decimal', precision: 12, scale: 2 };
    assert.equal(cast(money, 59.97000000000001), '59.97');
    assert.equal(cast(money, '12.505'), '12.51');
    assert.equal(cast(money, '-12.505'), '-12.51');
    assert.equal(cast(money, '0.995'), '1');
    assert.equal(cast(money, '007.10'), '7.1');
    assert.equal(cast(money, '-0.001'), '0');
    assert.equal(cast(money, '-0'), '0');
    assert.equal(cast(money, -0), '0');
    assert.equal(cast(money, '-12.5'), '-12.5');
    assert.equal(cast({ kind: 'decimal' }, '123456789012345678901234.5'), '123456789012345678901234.5');
    rejects(money, '12,50', /not a number/);
    rejects(money, '', /not a number/);
    rejects(money, '12345678901', /within decimal\(12,2\)/);
  });

  it('parses booleans the way SQL does', () => {
    for (const yes of [true, 1, '1', 'true', 'T', 'yes', 'Y', 'on'])
      assert.equal(cast({ kind: 'boolean' }, yes), true);
    for (const no of [false, 0, '0', 'false', 'f', 'NO', 'n', 'off'])
      assert.equal(cast({ kind: 'boolean' }, no), false);
    rejects({ kind: 'boolean' }, 2, /boolean/);
    rejects({ kind: 'boolean' }, 'maybe', /boolean/);
  });

  it('accepts only real calendar dates in ISO form', () => {
    assert.equal(cast({ kind: 'date' }, '2020-02-29'), '2020-02-29');
    assert.equal(cast({ kind: 'date' }, '2020-02-29 13:45:00'), '2020-02-29');
    rejects({ kind: 'date' }, '2019-02-29', /valid calendar date/);
    rejects({ kind: 'date' }, '0000-00-00', /valid calendar date/);
    rejects({ kind: 'date' }, '31.12.2019', /ISO form/);
    rejects({ kind: 'date' }, 'N/A', /ISO form/);
    // A number in a date column (SQLite DATETIME holding 0) is not "not text".
    rejects(
      { kind: 'timestamp' },
      0,
      /^0 is not a date\/time in ISO form \(YYYY-MM-DD HH:MM:SS\) \(it is a number\); convert it with a parseDate transform/,
    );
    rejects({ kind: 'date' }, 20240501, /is not a date in ISO form \(YYYY-MM-DD\) \(it is a number\)/);
  });

  it('normalises timestamps, times and time zones', () => {
    assert.equal(cast({ kind: 'timestamp' }, '2024-05-01T10:20'), '2024-05-01 10:20:00');
    assert.equal(cast({ kind: 'timestamp' }, '2024-05-01'), '2024-05-01 00:00:00');
    assert.equal(cast({ kind: 'timestamp' }, '2024-05-01 10:20:30.123'), '2024-05-01 10:20:30.123');
    rejects({ kind: 'timestamp' }, '2024-05-01 25:00:00', /valid time/);
    rejects({ kind: 'timestamp' }, '2024-05-01T10:00:00+02:00', /timestamptz/);
    assert.equal(cast({ kind: 'timestamptz' }, '2024-05-01T10:00:00Z'), '2024-05-01 10:00:00+00:00');
    assert.equal(cast({ kind: 'timestamptz' }, '2024-05-01 10:00:00+0530'), '2024-05-01 10:00:00+05:30');
    assert.equal(cast({ kind: 'time' }, '07:05'), '07:05:00');
    rejects({ kind: 'time' }, '24:00:00', /time of day/);
  });

  it('handles text, binary, json and uuid', () => {
    assert.equal(cast({ kind: 'text' }, 12), '12');
    assert.equal(cast({ kind: 'text' }, 12n), '12');
    assert.equal(cast({ kind: 'text' }, Buffer.from('héllo')), 'héllo');
    assert.deepEqual(cast({ kind: 'binary' }, '\\x0aff'), Buffer.from([0x0a, 0xff]));
    assert.deepEqual(cast({ kind: 'binary' }, Buffer.from([1, 2])), Buffer.from([1, 2]));
    assert.equal(cast({ kind: 'json' }, '{"a":[1,2]}'), '{"a":[1,2]}');
    rejects({ kind: 'json' }, '{a:1}', /valid JSON/);
    assert.equal(
      cast({ kind: 'uuid' }, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'),
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    );
    rejects({ kind: 'uuid' }, 'not-a-uuid', /UUID/);
  });

  it('shortens long values in messages', () => {
    assert.throws(
      () => cast({ kind: 'integer' }, 'x'.repeat(500)),
      (error: Error) => error.message.length < 120 && error.message.includes('…"'),
    );
  });
});

describe('coerce fast paths', () => {
  it('keeps canonical dates and timestamps as they are, and still checks them', () => {
    assert.equal(cast({ kind: 'date' }, '2024-02-29'), '2024-02-29');
    assert.equal(cast({ kind: 'timestamp' }, '2024-02-29 23:59:59'), '2024-02-29 23:59:59');
    assert.equal(cast({ kind: 'timestamp' }, '2024-02-29 23:59:59.123456'), '2024-02-29 23:59:59.123456');
    rejects({ kind: 'date' }, '2023-02-29', /valid calendar date/);
    rejects({ kind: 'timestamp' }, '2023-02-29 10:00:00', /valid calendar date/);
    rejects({ kind: 'timestamp' }, '2024-02-28 24:00:00', /valid time of day/);
    rejects({ kind: 'timestamp' }, '2024-02-28 10:00:00.', /ISO form/);
    rejects({ kind: 'date' }, '2024-1-012', /ISO form/);
    assert.equal(cast({ kind: 'timestamp' }, '2024-02-28T10:00:00'), '2024-02-28 10:00:00');
  });
});
