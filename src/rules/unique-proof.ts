/**
 * How a `unique` rule is kept: most claim each row's value in the run's on-disk key index, but two kinds
 * of rule need less.
 *
 * - **Proven by the source**: the source enforces a PRIMARY KEY or UNIQUE constraint on (a subset of) the
 *   rule's columns, and those columns reach the rule unchanged (no transform steps, same integer kind at
 *   source and target). No two source rows can then share the rule's value: the rule needs no check at
 *   all (its rows still count as checked and passed in the quality report).
 * - **In-partition**: the rule's single column is the partition key of every partition of the table, again
 *   unchanged. Partitions are disjoint key ranges, each read in key order (`ORDER BY` the key, see
 *   connectors/key-range-clause.ts), so a duplicate can only follow the row it repeats: comparing each
 *   row's key with the last one claimed finds every duplicate, as the key index would.
 *
 * Only integer columns qualify: their canonical values are equal exactly when the source's are, so the
 * source's constraint and its ordering speak about the values the rule compares. Text (collations,
 * replaced invalid bytes) and other kinds keep the key index.
 */
import type { TablePlan } from '../plan/plan-types.ts';

export type UniqueStrategy =
  | { kind: 'key-index' }
  /** `by`: what proves it, e.g. `the source's primary key (id)`. */
  | { kind: 'proven'; by: string }
  /** `keyColumn`: the source name of the partition key. */
  | { kind: 'in-partition'; keyColumn: string };

const KEY_INDEX: UniqueStrategy = { kind: 'key-index' };

/** A read column whose values reach the rules exactly as the source holds them, as integers. */
function unchangedInteger(plan: TablePlan, position: number): boolean {
  const column = plan.columns[position];
  if (!column || plan.quality.columns[position]!.steps.length) return false;
  const { source, target } = column;
  const integer = (kind: string) => kind === 'integer' || kind === 'bigint';
  return (
    integer(source.type.kind) &&
    source.type.kind === target.type.kind &&
    !source.type.array &&
    !target.type.array
  );
}

/** How the unique rule over the row positions `positions` (read columns, then computed) is kept. */
export function uniqueStrategy(plan: TablePlan, positions: readonly number[]): UniqueStrategy {
  if (!positions.every((p) => unchangedInteger(plan, p))) return KEY_INDEX;
  const names = positions.map((p) => plan.columns[p]!.source.name);
  const covers = (columns: readonly string[]) =>
    columns.length > 0 && columns.every((c) => names.includes(c));
  const { source } = plan;
  // A key declared in the spec (a file's primaryKey) is one the source does not enforce.
  if (!source.declaredKey && covers(source.primaryKey)) {
    return { kind: 'proven', by: `the source's primary key (${source.primaryKey.join(', ')})` };
  }
  const index = source.indexes.find((i) => i.unique && covers(i.columns));
  if (index) {
    return {
      kind: 'proven',
      by: `the source's unique constraint ${index.name} (${index.columns.join(', ')})`,
    };
  }
  const [only] = names;
  const keyRanges =
    names.length === 1 &&
    plan.partitions.length > 0 &&
    plan.partitions.every((p) => p.bounds.kind === 'key-range' && p.bounds.keyColumn === only);
  return keyRanges ? { kind: 'in-partition', keyColumn: only! } : KEY_INDEX;
}

/** What `jivs plan` says about how a unique rule is kept. */
export function describeUniqueStrategy(strategy: UniqueStrategy): string {
  switch (strategy.kind) {
    case 'proven':
      return `proven by ${strategy.by}; not checked row by row`;
    case 'in-partition':
      return `checked within each partition: partitions are disjoint ranges of ${strategy.keyColumn} read in key order, so each row is compared with the one before it`;
    default:
      return 'checked against the values loaded before (key index)';
  }
}
