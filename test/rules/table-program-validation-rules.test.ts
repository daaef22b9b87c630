/**
 * The compiled table program: validation rules (column and row rules, uniqueness, references, masks).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeReason } from '../../src/state/run-types.ts';
import { compiledTable, tablePlan } from '../support/table-plan.ts';
import { base, run, withQuality } from './table-program-fixtures.ts';

describe('validation rules', () => {
  const rows = [
    [1, 'ann@example.com', '2024-01-01', '5'],
    [2, 'not-an-email', '2031-01-01', '-1'],
    [3, null, null, null],
  ];

  it('checks every rule of a row in one pass and rejects on critical and major failures', () => {
    const plan = withQuality(base(), {
      columns: {
        name: {
          rules: [
            { notNull: true, severity: 'critical' },
            { format: 'email' },
            { length: { max: 12 }, severity: 'minor' },
          ],
        },
        day: { rules: [{ max: '2030-12-31', severity: 'major' }] },
        amount: { rules: [{ min: 0 }, { parses: 'integer', severity: 'warning' }] },
      },
    });
    const { loaded, rejected, quality } = run(plan, rows);
    assert.deepEqual(
      loaded.map((r) => r[0]),
      [1],
    );
    assert.deepEqual(rejected, [
      [
        1,
        [
          'name: "not-an-email" is not an e-mail address',
          'day: "2031-01-01" is above the maximum 2030-12-31',
          'amount: "-1" is below the minimum 0',
        ],
      ],
      [2, ['name: is NULL']],
    ]);
    const byName = Object.fromEntries(quality.rules.map((r) => [r.name, r]));
    assert.deepEqual(
      [byName['name.length']!.checked, byName['name.length']!.failed],
      [3, 1],
      'a minor failure (ann@example.com is 15 characters) counts but does not reject',
    );
    assert.equal(byName['name.notNull']!.failed, 1);
    assert.equal(quality.bySeverity.critical.failed, 1);
    assert.equal(quality.bySeverity.major.failed, 3);
    assert.ok(quality.score < 100 && quality.score > 0);
  });

  it('pattern, allowed set and custom messages', () => {
    const plan = withQuality(base(), {
      columns: {
        name: {
          rules: [
            { pattern: '^[A-Z]', message: 'must start with a capital' },
            { in: ['Ann', 'Bob'], severity: 'minor' },
          ],
        },
      },
    });
    const { rejected, reasons } = run(plan, [
      [1, 'Ann', null, null],
      [2, 'bob', null, null],
      [3, 'Cid', null, null],
    ]);
    assert.deepEqual(rejected, [
      [1, ['name: must start with a capital', 'name: "bob" is not one of Ann, Bob']],
    ]);
    assert.deepEqual(
      reasons.map((r) => [r.rule, r.severity]),
      [
        ['name.pattern', 'major'],
        ['name.in', 'minor'],
      ],
    );
  });

  it('uniqueness of a column and of a combination, across batches, NULLs never clash, rejected rows claim nothing', () => {
    const plan = withQuality(base(), {
      columns: { name: { rules: [{ unique: true }] }, amount: { rules: [{ min: 0 }] } },
      rules: [{ unique: ['id', 'day'], name: 'one-per-day', severity: 'critical' }],
    });
    const table = compiledTable(plan);
    const batch = (rows: unknown[][]) => {
      const { accepted, rejected } = table.validate(rows, table.transform(rows));
      return {
        loaded: accepted.map((r) => r[0]),
        rejected: rejected.map((r) => r.reasons.map(describeReason)),
      };
    };
    assert.deepEqual(
      batch([
        [1, 'a', '2024-01-01', '-5'],
        [2, 'a', null, null],
        [3, 'a', null, null],
        [4, null, null, null],
        [5, null, null, null],
      ]),
      {
        loaded: [2, 4, 5],
        rejected: [
          ['amount: "-5" is below the minimum 0'],
          ['name: duplicates the value of a row loaded before'],
        ],
      },
    );
    assert.deepEqual(
      batch([
        [6, 'a', null, null],
        [2, 'b', '2024-01-01', null],
        [2, 'c', '2024-01-01', null],
      ]),
      {
        loaded: [2],
        rejected: [
          ['name: duplicates the value of a row loaded before'],
          ['(id, day) duplicates the value of a row loaded before'],
        ],
      },
    );
  });

  it('references: the value must be among the loaded keys of the parent', () => {
    const plan = withQuality(base(), {
      columns: {
        id: { rules: [{ references: { table: 'Parents', column: 'ParentNo' }, message: 'has no parent' }] },
      },
    });
    const table = compiledTable(plan);
    const set = table.keyIndex.set('ref:Parents.ParentNo');
    table.keyIndex.claim(set, '1');
    table.keyIndex.claim(set, '3');
    const rows = [
      [1, null, null, null],
      [2, null, null, null],
      [3, null, null, null],
    ];
    const { accepted, rejected } = table.validate(rows, table.transform(rows));
    assert.deepEqual(
      accepted.map((r) => r[0]),
      [1, 3],
    );
    assert.deepEqual(
      rejected.map((r) => r.reasons.map(describeReason)),
      [['id: has no parent']],
    );
  });

  it('business rules as expressions over the row; rows with failed casts are not evaluated', () => {
    const plan = withQuality(base(), {
      rules: [{ check: 'amount == null || amount < 100.0', name: 'small-amounts' }],
    });
    const { rejected, quality } = run(plan, [
      [1, null, null, '5'],
      [2, null, null, '500'],
      [3, null, null, 'x'],
    ]);
    assert.deepEqual(rejected, [
      [1, ['breaks amount == null || amount < 100.0']],
      [2, ['amount: "x" is not a number (digits with an optional "." decimal point)']],
    ]);
    assert.equal(quality.rules.find((r) => r.name === 'small-amounts')!.checked, 2);
  });

  it('an expression does not read a value longer than 64 KiB: the row is rejected, the run goes on', () => {
    const plan = withQuality(base(), { rules: [{ check: 'name == null || size(name) < 100' }] });
    const { loaded, rejected } = run(plan, [
      [1, 'x'.repeat(70_000), null, null],
      [2, 'short', null, null],
    ]);
    assert.deepEqual(
      loaded.map((r) => r[0]),
      [2],
    );
    assert.match(
      (rejected[0]![1] as string[])[0]!,
      /cannot be evaluated: a value of 70000 characters is more than the 65536 an expression reads$/,
    );
  });

  it('masks after the rules; uniqueness sees the real values', () => {
    const plan = withQuality(
      tablePlan('t', ['id integer not null', 'email varchar(40)', 'iban text'], ['id']),
      {
        columns: {
          email: { rules: [{ format: 'email' }, { unique: true }], mask: 'email' },
          iban: { mask: { partial: { keepLast: 4 } } },
        },
      },
    );
    const { loaded, rejected } = run(plan, [
      [1, 'anna@example.com', 'DE89 3704 0044 0532 0130 00'],
      [2, 'bert@example.com', null],
      [3, 'anna@example.com', null],
    ]);
    assert.deepEqual(loaded, [
      [1, 'a***@example.com', '**** **** **** **** **30 00'],
      [2, 'b***@example.com', null],
    ]);
    assert.deepEqual(rejected, [[2, ['email: duplicates the value of a row loaded before']]]);
  });
});
