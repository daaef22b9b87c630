/**
 * The content digest and the normalisation under it: the same datum in the spellings connectors give
 * it hashes the same; a real difference (a changed or rounded value, NULL vs '', a duplicated row, two
 * values swapped between columns) changes the digest; the order of rows does not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnSchema, RowBatch } from '../../src/connectors/connector.ts';
import { parseLogicalType } from '../../src/core/logical-type.ts';
import { ContentDigest, createBatchDigester } from '../../src/verify/content-digest.ts';
import { compareKeys, createRowKeyer } from '../../src/verify/row-key.ts';
import { valueNormalizer } from '../../src/verify/value-normalizer.ts';

function column(type: string, nativeType = type): ColumnSchema {
  const parsed = type.endsWith('[]')
    ? { ...parseLogicalType(type.slice(0, -2))!, array: true }
    : parseLogicalType(type)!;
  return { name: 'c', nativeType, type: parsed, nullable: true, defaultValue: null };
}

function digestOf(columns: ColumnSchema[], rows: RowBatch): ContentDigest {
  const digest = new ContentDigest();
  createBatchDigester(columns)(rows, digest);
  return digest;
}

/** Spellings of one datum, by the target column type they are normalised by. */
const SAME: [string, unknown[], string?][] = [
  ['decimal(12,2)', ['12.5', '12.50', '12.500000', 12.5, '+012.50']],
  ['decimal(12,2)', ['0', '0.00', '-0.00', 0, 0n]],
  ['decimal(30,0)', ['123456789012345678901234567890', 123456789012345678901234567890n]],
  ['integer', [5, 5n, '5', ' 5']],
  ['bigint', [2n ** 60n, String(2n ** 60n)]],
  ['float', [0.1, '0.1', 1e-7, '1e-7'].slice(0, 2)],
  ['float', [-0, 0]],
  ['float', [0.1, Math.fround(0.1)], 'real'],
  ['float', [1 / 3, Math.fround(1 / 3), '0.3333333432674408'], 'float4'],
  ['boolean', [true, 1, '1', 't', 'true', 1n]],
  ['boolean', [false, 0, '0', 'f']],
  ['date', ['2024-02-29', '2024-02-29 00:00:00']],
  ['time', ['10:20:30', '10:20:30.000000', '10:20:30.0']],
  ['time', ['10:20:30.5', '10:20:30.500000']],
  ['timestamp', ['2024-01-02 10:20:30', '2024-01-02 10:20:30.000000', '2024-01-02T10:20:30']],
  ['timestamp', ['2024-01-02 10:20:30.123', '2024-01-02 10:20:30.123000']],
  [
    'timestamptz',
    [
      '2024-01-01 10:00:00+00:00',
      '2024-01-01 12:00:00+02:00',
      '2023-12-31 23:30:00.000-10:30',
      '2024-01-01 10:00:00.000000+00:00',
      '2024-01-01T10:00:00Z',
      '2024-01-01 10:00:00', // MySQL keeps timestamptz as a UTC datetime
    ],
  ],
  ['timestamptz', ['2024-03-01 00:30:00.25+01:00', '2024-02-29 23:30:00.250000+00:00']],
  ['json', ['{"a":1,"b":[1,2,{"d":null,"c":"x"}]}', '{"b": [1, 2, {"c": "x", "d": null}], "a": 1}']],
  ['json', ['"text"', ' "text" ']],
  ['uuid', ['0F8FAD5B-D9CB-469F-A165-70867728950E', '0f8fad5b-d9cb-469f-a165-70867728950e']],
  ['uuid', [Buffer.from('0f8fad5bd9cb469fa16570867728950e', 'hex'), '0f8fad5b-d9cb-469f-a165-70867728950e']],
  ['binary', [Buffer.from([0, 1, 255]), '\\x0001ff', new Uint8Array([0, 1, 255])]],
  ['text', ['Müller 🍀 大野', Buffer.from('Müller 🍀 大野')]],
  ['text[]', [['a', null, 'b'], '["a",null,"b"]']],
  ['integer[]', [[1, 2], ['1', 2n], '[1,2]']],
];

/** Pairs that must hash differently. */
const DIFFERENT: [string, unknown, unknown, string?][] = [
  ['decimal(12,3)', '12.345', '12.35'], // rounded to fewer places than meant
  ['decimal(12,2)', '12.5', '12.51'],
  ['text', '', 'NULL'],
  ['text', 'a', 'A'],
  ['text', 'a ', 'a'],
  ['float', 0.1, Math.fround(0.1), 'double precision'], // no rounding to single precision
  ['integer', 1, 2],
  ['boolean', true, false],
  ['boolean', true, 2],
  ['timestamp', '2024-01-02 10:20:30', '2024-01-02 10:20:31'],
  ['timestamp', '2024-01-02 10:20:30.1', '2024-01-02 10:20:30'],
  ['timestamptz', '2024-01-01 12:00:00+02:00', '2024-01-01 12:00:00+00:00'],
  ['json', '{"a":1}', '{"a":"1"}'],
  ['json', '[1,2]', '[2,1]'],
  ['binary', Buffer.from([1]), Buffer.from([1, 0])],
  ['text[]', ['a', 'b'], ['b', 'a']],
  ['integer', 5, 'five'],
];

describe('value normalisation', () => {
  for (const [type, spellings, nativeType] of SAME) {
    it(`${nativeType ?? type}: ${spellings.map((s) => (Buffer.isBuffer(s) ? 'Buffer' : String(s))).join(' = ')}`, () => {
      const normalize = valueNormalizer(column(type, nativeType));
      const first = normalize(spellings[0]);
      for (const spelling of spellings.slice(1)) assert.equal(normalize(spelling), first, String(spelling));
      const digests = spellings.map((s) => digestOf([column(type, nativeType)], [[s]]).state());
      for (const digest of digests) assert.deepEqual(digest, digests[0]);
    });
  }

  for (const [type, a, b, nativeType] of DIFFERENT) {
    it(`${nativeType ?? type}: ${String(a)} ≠ ${String(b)}`, () => {
      const columns = [column(type, nativeType)];
      assert.notDeepEqual(digestOf(columns, [[a]]).state(), digestOf(columns, [[b]]).state());
    });
  }

  it('keeps NULL apart from every value', () => {
    const normalize = valueNormalizer(column('text'));
    assert.equal(normalize(null), null);
    assert.equal(normalize(undefined), null);
    assert.notEqual(normalize(''), null);
  });
});

describe('ContentDigest', () => {
  const columns = [column('integer'), column('text'), column('text')];
  const rows: RowBatch = [
    [1, 'a', 'b'],
    [2, 'c', null],
    [3, '', 'NULL'],
  ];

  it('does not depend on the order of rows', () => {
    assert.ok(digestOf(columns, rows).equals(digestOf(columns, [...rows].reverse())));
    assert.equal(digestOf(columns, rows).rows, 3);
  });

  it('changes with a changed value, NULL vs empty text, a duplicated row, or two swapped values', () => {
    const base = digestOf(columns, rows);
    const variants: RowBatch[] = [
      [
        [1, 'a', 'b'],
        [2, 'c', null],
        [3, '', 'NULL!'],
      ],
      [
        [1, 'a', 'b'],
        [2, 'c', ''],
        [3, '', 'NULL'],
      ],
      [
        [1, 'a', 'b'],
        [2, 'c', 'NULL'],
        [3, '', 'NULL'],
      ],
      [
        [1, 'b', 'a'],
        [2, 'c', null],
        [3, '', 'NULL'],
      ],
      [
        [1, 'a', 'b'],
        [2, 'c', null],
        [3, 'NULL', ''],
      ],
      [
        [1, 'ab', ''],
        [2, 'c', null],
        [3, '', 'NULL'],
      ],
    ];
    for (const variant of variants)
      assert.ok(!digestOf(columns, variant).equals(base), JSON.stringify(variant));
    const duplicated = digestOf(columns, [...rows, rows[0]!]);
    assert.ok(!duplicated.equals(base));
    // A row twice does not cancel out (as it would with XOR): twice a row is not "no row".
    const twice = digestOf(columns, [rows[0]!, rows[0]!]);
    assert.ok(!twice.equals(new ContentDigest()));
    assert.notEqual(twice.state().sum, '0000000000000000');
  });

  it('merges partitions into the digest of the whole, and survives its JSON state', () => {
    const whole = digestOf(columns, rows);
    const merged = digestOf(columns, rows.slice(0, 1));
    merged.merge(digestOf(columns, rows.slice(1)));
    assert.ok(merged.equals(whole));
    const state = JSON.parse(JSON.stringify(whole.state())) as { rows: number; sum: string };
    assert.match(state.sum, /^[0-9a-f]{16}$/);
    assert.ok(new ContentDigest(state).equals(whole));
    assert.throws(() => new ContentDigest({ rows: 1, sum: 'xyz' }), /not a content digest state/);
  });

  it('adds up modulo 2^64', () => {
    const digest = new ContentDigest({ rows: 1, sum: 'ffffffffffffffff' });
    digest.addHash(2n);
    assert.deepEqual(digest.state(), { rows: 2, sum: '0000000000000001' });
    const carry = new ContentDigest({ rows: 0, sum: '00000000ffffffff' });
    carry.addHash(1n);
    assert.equal(carry.state().sum, '0000000100000000');
  });

  it('takes rows away again: rows the target refused after they were digested', () => {
    const columns = [column('integer'), column('text')];
    const rows: RowBatch = Array.from({ length: 50 }, (_, i) => [i, `row ${i}`]);
    const all = digestOf(columns, rows);
    all.subtract(digestOf(columns, [rows[7]!, rows[31]!]));
    assert.ok(
      all.equals(
        digestOf(
          columns,
          rows.filter((_row, i) => i !== 7 && i !== 31),
        ),
      ),
    );
    const borrow = new ContentDigest({ rows: 2, sum: '0000000100000000' });
    borrow.subtract(new ContentDigest({ rows: 1, sum: '0000000000000001' }));
    assert.deepEqual(borrow.state(), { rows: 1, sum: '00000000ffffffff' });
    const wrap = new ContentDigest({ rows: 1, sum: '0000000000000001' });
    wrap.subtract(new ContentDigest({ rows: 1, sum: '0000000000000002' }));
    assert.deepEqual(wrap.state(), { rows: 0, sum: 'ffffffffffffffff' });
  });
});

describe('row keys', () => {
  it('spell keys like RejectedRow.key, the same from either side', () => {
    const columns = [column('bigint'), column('uuid'), column('text')];
    const one = createRowKeyer(columns, [0]);
    assert.equal(one([5, null, 'x']), '[5]');
    assert.equal(one([5n, null, 'x']), '[5]');
    assert.equal(one(['5', null, 'x']), '[5]');
    assert.equal(one([2n ** 60n, null, 'x']), `["${2n ** 60n}"]`);
    const two = createRowKeyer(columns, [1, 2]);
    assert.equal(
      two([0, '0F8FAD5B-D9CB-469F-A165-70867728950E', 'x']),
      '["0f8fad5b-d9cb-469f-a165-70867728950e","x"]',
    );
  });

  it('sort numerically, then as text', () => {
    const keys = ['[10]', '[9]', '["12345678901234567890"]', '[-1]'];
    assert.deepEqual(keys.sort(compareKeys), ['[-1]', '[9]', '[10]', '["12345678901234567890"]']);
    assert.deepEqual(['["b",1]', '["a",2]', '["a",10]'].sort(compareKeys), [
      '["a",2]',
      '["a",10]',
      '["b",1]',
    ]);
  });
});
