/**
 * What the table program tests (table-program-*.test.ts) share: a small plan, quality settings on it, and a
 * run of rows through its compiled transform and validation.
 */
import { parseLogicalType } from '../../src/core/logical-type.ts';
import type { TablePlan } from '../../src/plan/plan-types.ts';
import type {
  ColumnRuleSpec,
  ComputedColumnSpec,
  MaskSpec,
  TableRuleSpec,
  TransformStepSpec,
} from '../../src/spec/rules-schema.ts';
import { describeReason } from '../../src/state/run-types.ts';
import { compiledTable, tablePlan } from '../support/table-plan.ts';

export interface ColumnSettings {
  steps?: TransformStepSpec[];
  rules?: ColumnRuleSpec[];
  mask?: MaskSpec;
}

/** `plan` with quality settings per source column name, computed columns, a filter and row rules. */
export function withQuality(
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
export function run(plan: TablePlan, rows: unknown[][], lookups?: Map<string, Map<string, unknown>>) {
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

export const base = () =>
  tablePlan('t', ['id integer not null', 'name text', 'day date', 'amount decimal(10,2)'], ['id']);
