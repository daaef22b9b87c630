import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markRowDefect } from '../../src/connectors/row-defect.ts';
import { describeReason } from '../../src/state/run-types.ts';
import { compiledTable, tablePlan } from '../support/table-plan.ts';

const plan = tablePlan('t', [
  'id integer not null',
  'name varchar(5) not null',
  'price decimal(6,2)',
  'day date',
]);
const { transform, validate } = compiledTable(plan);

describe('transformation', () => {
  it('casts every value to its target type and keeps failures per row', () => {
    const result = transform([
      ['1', 'Ann', 1.5, '2024-01-02 00:00:00'],
      [2, 'Bob', 'abc', '2024-02-30'],
      [3, null, null, null],
    ]);
    assert.deepEqual(result.rows[0], [1, 'Ann', '1.5', '2024-01-02']);
    assert.equal(result.failures[0], undefined);
    assert.deepEqual(result.failures[1]!.map(describeReason), [
      'price: "abc" is not a number (digits with an optional "." decimal point)',
      'day: "2024-02-30" is not a valid calendar date (YYYY-MM-DD)',
    ]);
    assert.deepEqual(result.rows[2], [3, null, null, null]);
  });
});

describe('validation', () => {
  it('splits a batch into accepted and rejected rows with every reason', () => {
    const source = [
      ['1', 'Ann', 1.5, null],
      [2, 'Bob', 'abc', null],
      [3, null, null, null],
      [4, 'Żaneta', null, null],
      [5, 'Ünal', null, null],
    ];
    const { accepted, rejected } = validate(source, transform(source));
    assert.deepEqual(accepted, [
      [1, 'Ann', '1.5', null],
      [5, 'Ünal', null, null],
    ]);
    assert.deepEqual(
      rejected.map((r) => [r.index, r.reasons.map(describeReason)]),
      [
        [1, ['price: "abc" is not a number (digits with an optional "." decimal point)']],
        [2, ['name: is NULL but the target column is NOT NULL']],
        [3, ['name: is 6 characters, longer than varchar(5)']],
      ],
    );
    assert.equal(rejected[0]!.sourceRow, source[1], 'the original row is kept for the quarantine');
  });

  it('does not report a failed cast twice as NOT NULL', () => {
    const source = [['x', 'Ann', null, null]];
    const { rejected } = validate(source, transform(source));
    assert.deepEqual(rejected[0]!.reasons.map(describeReason), ['id: "x" is not a whole number']);
  });

  it('rejects rows the source marked as read approximately', () => {
    const row = [1, 'Ann', null, null];
    markRowDefect(row, 'data.csv:3: 5 fields, expected 4');
    const { accepted, rejected } = validate([row], transform([row]));
    assert.equal(accepted.length, 0);
    assert.deepEqual(rejected[0]!.reasons.map(describeReason), ['data.csv:3: 5 fields, expected 4']);
  });
});
