import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLogicalType } from '../../src/core/logical-type.ts';
import type { TablePlan } from '../../src/plan/plan-types.ts';
import { qualityScore } from '../../src/rules/quality.ts';
import type {
  ColumnRuleSpec,
  ComputedColumnSpec,
  MaskSpec,
  TableRuleSpec,
  TransformStepSpec,
} from '../../src/spec/rules-schema.ts';
import { describeReason } from '../../src/state/run-types.ts';
import { compiledTable, tablePlan } from '../support/table-plan.ts';

interface ColumnSettings {
  steps?: TransformStepSpec[];
  rules?: ColumnRuleSpec[];
  mask?: MaskSpec;
}

/** `plan` with quality settings per source column name, computed columns, a filter and row rules. */
function withQuality(
  plan: TablePlan,
  settings: {
    columns?: Record<string, ColumnSettings>;
    computed?: Record<string, ComputedColumnSpec>;
    filter?: string;
    rules?: TableRuleSpec[];
  },
): TablePlan {
  const computed = Object.entries(settings.computed ?? {}).map(([name, spec]) => ({
    specPath: `tables[0].computed.${name}`,
    target: {
      name,
      nativeType: 'computed',
      type: parseLogicalType(spec.type)!,
      nullable: true,
      defaultValue: null,
    },
    spec,
  }));
  return {
    ...plan,
    specPath: 'tables[0]',
    target: {
      ...plan.target,
      columns: [...plan.columns.map((c) => c.target), ...computed.map((c) => c.target)],
    },
    quality: {
      ...plan.quality,
      columns: plan.columns.map((c) => {
        const s = settings.columns?.[c.source.name] ?? {};
        return {
          specPath: `tables[0].columns.${c.source.name}`,
          steps: s.steps ?? [],
          rules: s.rules ?? [],
          mask: s.mask ?? null,
          personal: Boolean(s.mask),
        };
      }),
      computed,
      filter: settings.filter ?? null,
      rules: settings.rules ?? [],
    },
  };
}

/** Runs `rows` through transform and validation and returns loaded rows and rejects as text. */
function run(plan: TablePlan, rows: unknown[][], lookups?: Map<string, Map<string, unknown>>) {
  const table = compiledTable(plan, lookups);
  const transformed = table.transform(rows);
  const validated = table.validate(rows, transformed);
  return {
    loaded: validated.accepted,
    rejected: validated.rejected.map((r) => [r.index, r.reasons.map(describeReason)]),
    reasons: validated.rejected.flatMap((r) => r.reasons),
    filtered: validated.filtered,
    quality: table.tally.report(),
    table,
  };
}

const base = () =>
  tablePlan('t', ['id integer not null', 'name text', 'day date', 'amount decimal(10,2)'], ['id']);

describe('transform steps', () => {
  it('trim, upper, lower, nullIfEmpty and default, in order, with NULL passing through', () => {
    const plan = withQuality(base(), {
      columns: { name: { steps: ['trim', 'nullIfEmpty', { default: 'n/a' }, 'upper'] } },
    });
    const { loaded } = run(plan, [
      [1, '  Ann ', null, null],
      [2, '   ', null, null],
      [3, null, null, null],
    ]);
    assert.deepEqual(
      loaded.map((r) => r[1]),
      ['ANN', 'N/A', 'N/A'],
    );
  });

  it('value maps keep, null or reject values without an entry, optionally ignoring case', () => {
    const values = { a: 'Alpha', b: null };
    const rows = [
      [1, 'a', null, null],
      [2, 'b', null, null],
      [3, 'C', null, null],
    ];
    const keep = run(withQuality(base(), { columns: { name: { steps: [{ map: { values } }] } } }), rows);
    assert.deepEqual(
      keep.loaded.map((r) => r[1]),
      ['Alpha', null, 'C'],
    );
    const nulls = run(
      withQuality(base(), { columns: { name: { steps: [{ map: { values, otherwise: 'null' } }] } } }),
      rows,
    );
    assert.deepEqual(
      nulls.loaded.map((r) => r[1]),
      ['Alpha', null, null],
    );
    const strict = run(
      withQuality(base(), {
        columns: { name: { steps: [{ map: { values, otherwise: 'reject', ignoreCase: true } }] } },
      }),
      [...rows, [4, 'A', null, null]],
    );
    assert.deepEqual(
      strict.loaded.map((r) => r[1]),
      ['Alpha', null, 'Alpha'],
    );
    assert.deepEqual(strict.rejected, [[2, ['name: "C" has no entry in the value map']]]);
  });

  it('lookups replace through a loaded table', () => {
    const plan = withQuality(base(), {
      columns: {
        name: {
          steps: [{ lookup: { table: 'Countries', key: 'code', value: 'name', otherwise: 'reject' } }],
        },
      },
    });
    const lookups = new Map([
      ['tables[0].columns.name.transform[0]', new Map<string, unknown>([['DE', 'Germany']])],
    ]);
    const { loaded, rejected } = run(
      plan,
      [
        [1, 'DE', null, null],
        [2, 'XX', null, null],
      ],
      lookups,
    );
    assert.deepEqual(
      loaded.map((r) => r[1]),
      ['Germany'],
    );
    assert.deepEqual(rejected, [[1, ['name: "XX" has no entry in the lookup table Countries']]]);
  });

  it('regex replace, split and expressions', () => {
    const plan = withQuality(base(), {
      columns: {
        name: {
          steps: [
            { replace: { pattern: '\\s+', with: ' ' } },
            { split: { separator: ',', index: -1 } },
            'trim',
          ],
        },
        amount: {
          steps: [{ replace: { pattern: ',', with: '.' } }, { expr: 'string(double(value) * 2.0)' }],
        },
      },
    });
    const { loaded } = run(plan, [[1, 'Doe,   John', null, '12,25']]);
    assert.deepEqual(loaded, [[1, 'John', null, '24.5']]);
  });

  it('parses dates with explicit formats into the column type and rejects what matches none', () => {
    const plan = withQuality(base(), {
      columns: { day: { steps: [{ parseDate: { formats: ['yyyy-MM-dd', 'dd.MM.yyyy', 'MM/dd/yyyy'] } }] } },
    });
    const { loaded, rejected } = run(plan, [
      [1, null, '31.12.2019', null],
      [2, null, '12/31/2019', null],
      [3, null, '2019-13-01', null],
      [4, null, '2024-02-29', null],
    ]);
    assert.deepEqual(
      loaded.map((r) => r[2]),
      ['2019-12-31', '2019-12-31', '2024-02-29'],
    );
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]![0], 2);
    assert.match((rejected[0]![1] as string[])[0]!, /^day: "2019-13-01" matches none of the date formats/);
  });

  it('computed columns: constants, concatenation and expressions over the cast row', () => {
    const plan = withQuality(base(), {
      computed: {
        origin: { type: 'text', value: 'legacy' },
        label: { type: 'text', concat: { columns: ['name', 'day'], separator: ' / ' } },
        doubled: { type: 'decimal(12,2)', expr: 'amount == null ? dyn(null) : amount * 2.0' },
      },
    });
    const { loaded } = run(plan, [
      [1, 'Ann', '2024-01-02', '10.25'],
      [2, null, null, null],
    ]);
    assert.deepEqual(loaded, [
      [1, 'Ann', '2024-01-02', '10.25', 'legacy', 'Ann / 2024-01-02', '20.5'],
      [2, null, null, null, 'legacy', null, null],
    ]);
  });

  it('filters rows on the source values and counts them', () => {
    const plan = withQuality(base(), { filter: 'name != "skip me"' });
    const { loaded, filtered, quality } = run(plan, [
      [1, 'keep', null, null],
      [2, 'skip me', null, null],
      [3, null, null, null],
    ]);
    assert.deepEqual(
      loaded.map((r) => r[0]),
      [1, 3],
    );
    assert.equal(filtered, 1);
    assert.equal(quality.rowsChecked, 2);
  });

  it('rejects a row whose expression step fails at run time, with the reason, without stopping', () => {
    const plan = withQuality(base(), {
      columns: { amount: { steps: [{ expr: 'string(int(value) + 1)' }] } },
    });
    const { rejected, loaded } = run(plan, [
      [1, null, null, 'abc'],
      [2, null, null, '41'],
    ]);
    assert.deepEqual(loaded, [[2, null, null, '42']]);
    assert.match((rejected[0]![1] as string[])[0]!, /^amount: expression failed: /);
  });
});

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

describe('quality score', () => {
  it('is the pass rate weighted by severity (critical 8, major 4, minor 2, warning 1)', () => {
    const rule = (severity: 'critical' | 'major' | 'minor' | 'warning', checked: number, failed: number) => ({
      name: severity,
      kind: 'x',
      column: null,
      severity,
      checked,
      failed,
      passed: checked - failed,
    });
    assert.equal(qualityScore([]), 100);
    assert.equal(qualityScore([rule('critical', 100, 0), rule('warning', 100, 100)]), 88.89); // 800 / 900
    assert.equal(qualityScore([rule('major', 10, 5), rule('minor', 10, 0)]), 66.67); // (20 + 20) / 60
  });
});
