/**
 * Index and foreign-key names in the target: the source's where the target allows it, else the table
 * name in front (then a number), with a note, following each target's namespaces.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TablePlan } from '../../src/plan/plan-types.ts';
import { assignTargetObjectNames } from '../../src/plan/target-object-names.ts';
import { tablePlan } from '../support/table-plan.ts';

/** Two tables that both have an index `idx_code` and a foreign key `fk_parent`, and an index named like a table. */
function tables(): TablePlan[] {
  const make = (name: string) => {
    const plan = tablePlan(name, ['id integer not null', 'code text', 'parent_id integer'], ['id']);
    plan.target = {
      ...plan.target,
      indexes: [
        { name: 'idx_code', columns: ['code'], unique: false },
        { name: 'uq_parent', columns: ['parent_id'], unique: true },
      ],
      foreignKeys: [
        {
          name: 'fk_parent',
          columns: ['parent_id'],
          referencedTable: 'a',
          referencedColumns: ['id'],
          onDelete: 'NO ACTION',
          onUpdate: 'NO ACTION',
        },
      ],
    };
    return plan;
  };
  const a = make('a');
  const b = make('b');
  b.target.indexes.push({ name: 'a', columns: ['code'], unique: false });
  return [a, b];
}

const summary = (plans: TablePlan[]) =>
  plans.map((p) => ({
    indexes: p.target.indexes.map((i) => i.name),
    foreignKeys: p.target.foreignKeys.map((f) => f.name),
  }));

describe('assignTargetObjectNames', () => {
  test('PostgreSQL: index names are schema-wide and differ from table names; foreign keys per table', () => {
    const plans = tables();
    assignTargetObjectNames('postgres', plans);
    assert.deepEqual(summary(plans), [
      { indexes: ['idx_code', 'uq_parent'], foreignKeys: ['fk_parent'] },
      { indexes: ['b_idx_code', 'b_uq_parent', 'b_a'], foreignKeys: ['fk_parent'] },
    ]);
    assert.deepEqual(plans[1]!.notes, [
      'index idx_code is named b_idx_code in the target: its name is taken there.',
      'index uq_parent is named b_uq_parent in the target: its name is taken there.',
      'index a is named b_a in the target: its name is taken there.',
    ]);
  });

  test('MySQL: index names per table; foreign-key names database-wide', () => {
    const plans = tables();
    assignTargetObjectNames('mysql', plans);
    assert.deepEqual(summary(plans), [
      { indexes: ['idx_code', 'uq_parent'], foreignKeys: ['fk_parent'] },
      { indexes: ['idx_code', 'uq_parent', 'a'], foreignKeys: ['fk_b_parent_id'] },
    ]);
  });

  test('a foreign key may not take the name of a unique constraint of its table (PostgreSQL)', () => {
    const plans = tables();
    plans[0]!.target.foreignKeys[0]!.name = 'uq_parent';
    assignTargetObjectNames('postgres', plans);
    assert.deepEqual(
      plans[0]!.target.foreignKeys.map((f) => f.name),
      ['fk_a_parent_id'],
    );
  });

  test('files keep every name', () => {
    const plans = tables();
    assignTargetObjectNames('csv', plans);
    assert.deepEqual(summary(plans)[1], {
      indexes: ['idx_code', 'uq_parent', 'a'],
      foreignKeys: ['fk_parent'],
    });
  });
});
