/**
 * A replay checks uniqueness against the run's key index, in no particular row order. Unique rules the run
 * kept in-partition (see rules/unique-proof.ts) claimed nothing there: before a table's rejected rows are
 * replayed, the values those rules' columns hold in the target are claimed in their sets, so a replayed
 * row cannot repeat a loaded one. Rules the source proves need nothing: a replayed row came from the
 * source too, and no other source row shares its value.
 */
import type { Source } from '../connectors/connector.ts';
import type { TablePlan } from '../plan/plan-types.ts';
import { uniqueKeyOf, type Key, type KeyIndex } from '../rules/key-index.ts';
import type { TableProgram } from '../rules/table-program.ts';
import { targetReadSchema } from '../verify/target-table.ts';

/** Whether the table has unique rules whose loaded values the key index lacks. */
export function needsLoadedKeys(program: TableProgram): boolean {
  return program.unique.some((u) => u.strategy.kind === 'in-partition');
}

/** Claims the target's values of the table's in-partition unique rules in the key index. */
export async function claimLoadedKeys(
  target: Source,
  plan: TablePlan,
  program: TableProgram,
  keyIndex: KeyIndex,
  batchSize: number,
): Promise<void> {
  const rules = program.unique.filter((u) => u.strategy.kind === 'in-partition');
  if (!rules.length) return;
  const schema = await targetReadSchema(target, plan.target);
  for (const rule of rules) {
    const column = schema.columns[rule.positions[0]!]!;
    for await (const batch of target.read(schema, [column.name], { kind: 'whole' }, batchSize)) {
      const keys: Key[] = [];
      for (const [value] of batch) if (value !== null && value !== undefined) keys.push(uniqueKeyOf([value]));
      keyIndex.transaction(() => keyIndex.claimMany(rule.set, keys));
    }
  }
}
