import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferJsonKind, inferTextKind, widenKind } from '../../../src/connectors/file/type-inference.ts';

describe('type inference', () => {
  it('classifies text values', () => {
    const cases: [string, string][] = [
      ['0', 'integer'],
      ['-42', 'integer'],
      ['2147483647', 'integer'],
      ['-2147483648', 'integer'],
      ['2147483648', 'bigint'],
      ['15713029743', 'bigint'],
      ['9007199254740991', 'bigint'],
      ['9007199254740992', 'bigint'],
      ['-9223372036854775808', 'bigint'],
      ['9223372036854775808', 'decimal'],
      ['007', 'text'],
      ['12.50', 'decimal'],
      ['-0.5', 'decimal'],
      ['01.5', 'text'],
      ['1e10', 'float'],
      ['-2.5E-3', 'float'],
      ['.5', 'float'],
      ['TRUE', 'boolean'],
      ['false', 'boolean'],
      ['yes', 'text'],
      ['2024-02-29', 'date'],
      ['2023-02-29', 'text'],
      ['2024-13-01', 'text'],
      ['2024-01-02 03:04:05', 'timestamp'],
      ['2024-01-02T03:04:05.123456', 'timestamp'],
      ['2024-01-02T24:00:00', 'text'],
      ['2024-01-02T03:04:05Z', 'timestamptz'],
      ['2024-01-02 03:04:05-05:30', 'timestamptz'],
      ['03:04:05', 'time'],
      ['25:00:00', 'text'],
      [' 1', 'text'],
      ['', 'text'],
      ['NaN', 'text'],
    ];
    for (const [value, kind] of cases) assert.equal(inferTextKind(value), kind, value);
  });

  it('classifies JSON values', () => {
    assert.equal(inferJsonKind(1), 'integer');
    assert.equal(inferJsonKind(15713029743), 'bigint');
    assert.equal(inferJsonKind(1.5), 'float');
    assert.equal(inferJsonKind(2 ** 60), 'float');
    assert.equal(inferJsonKind(true), 'boolean');
    assert.equal(inferJsonKind('2024-01-02'), 'date');
    assert.equal(inferJsonKind('42'), 'text');
    assert.equal(inferJsonKind({ a: 1 }), 'json');
    assert.equal(inferJsonKind([1]), 'json');
    assert.equal(inferJsonKind(null), null);
  });

  it('widens kinds', () => {
    assert.equal(widenKind(null, 'integer'), 'integer');
    assert.equal(widenKind('integer', 'bigint'), 'bigint');
    assert.equal(widenKind('decimal', 'integer'), 'decimal');
    assert.equal(widenKind('decimal', 'float'), 'float');
    assert.equal(widenKind('date', 'timestamp'), 'timestamp');
    assert.equal(widenKind('timestamp', 'timestamptz'), 'text');
    assert.equal(widenKind('boolean', 'integer'), 'text');
    assert.equal(widenKind('text', 'integer'), 'text');
  });
});
