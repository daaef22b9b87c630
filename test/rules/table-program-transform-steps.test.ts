/**
 * The compiled table program: transform steps, computed columns and filters.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base, run, withQuality } from './table-program-fixtures.ts';

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
