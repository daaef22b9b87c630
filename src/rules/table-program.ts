/**
 * Everything a table's spec says about its data, compiled once per run into plain functions: the row
 * filter, each column's transform steps, computed columns, the validation rules with their
 * descriptors (for the quality report), uniqueness and completeness rules, masks, and the key sets the
 * table fills for other tables' references rules. transform.ts and validate.ts run it batch by batch.
 *
 * Compiling reports problems with their spec paths; Planning compiles every table once this way
 * (against an in-memory key index) so that bad expressions, patterns or names stop the run before any
 * data moves.
 */
import type { Row } from '../connectors/connector.ts';
import type { InputProblem } from '../core/errors.ts';
import type { TablePlan } from '../plan/plan-types.ts';
import type { Severity } from '../spec/rules-schema.ts';
import { columnRuleKinds, compileColumnRule, type ValueCheck } from './column-rules.ts';
import { compileMask, type Masker } from './compile-mask.ts';
import {
  compileExpression,
  fromExpressionValue,
  toExpressionValue,
  type CompiledExpression,
  type ExpressionVariable,
} from './expression.ts';
import { uniqueKeyOf, type Key, type KeyIndex } from './key-index.ts';
import type { RuleDescriptor } from './quality.ts';
import { uniqueStrategy, type UniqueStrategy } from './unique-proof.ts';
import { compileValueSteps, type ValueStep } from './value-steps.ts';

/** Indexes of the implicit rules, first in every table's descriptor list. */
export const IMPLICIT_RULES = { filter: 0, transform: 1, cast: 2, constraints: 3, source: 4 } as const;

/** A per-row check over the transformed row. */
export interface RowCheck {
  /** Index into {@link TableProgram.descriptors}. */
  rule: number;
  /** Target column, or null for a rule over the row. */
  column: string | null;
  severity: Severity;
  /** The spec's own message, used instead of the generated one. */
  message: string | undefined;
  /** Expression checks skip rows that already failed a transform or cast (their values are NULL). */
  needsCleanRow: boolean;
  test(row: Row): string | null;
}

export interface UniqueCheck {
  rule: number;
  column: string | null;
  severity: Severity;
  message: string | undefined;
  set: number;
  positions: number[];
  /** For messages: `email_address` or `(order_no, line_no)`. */
  label: string;
  /** Whether the key index keeps it, or the source proves it, or its partitions' key order does. */
  strategy: UniqueStrategy;
}

export interface CompletenessCheck {
  rule: number;
  position: number;
  threshold: number;
  severity: Severity;
}

/** What compiling needs beyond the plan. */
export interface ProgramResources {
  keyIndex: KeyIndex;
  /** Lookup tables by step path (see LookupPlan). */
  lookups: ReadonlyMap<string, ReadonlyMap<string, unknown>>;
  /** The resolved `masking.salt`, or null when the spec sets none. */
  salt: string | null;
}

export interface TableProgram {
  /** Row filter over the raw source row: false → filtered. Throws ExpressionRuntimeError. */
  filter: ((raw: Row) => boolean) | null;
  /** Per read column; null where the column has no steps. */
  steps: (ValueStep | null)[];
  /** Per computed column: its value from the output row so far (read columns cast already). */
  computed: ((row: Row) => unknown)[];
  descriptors: RuleDescriptor[];
  checks: RowCheck[];
  unique: UniqueCheck[];
  completeness: CompletenessCheck[];
  /** Per target column; null where unmasked. */
  masks: (Masker | null)[];
  /** Key sets to fill with the loaded rows' values. */
  keySets: { set: number; position: number }[];
  /** The descriptor index of each repair the source may make (TableSchema.repairs), by its name. */
  repairs: ReadonlyMap<string, number>;
  /**
   * Per read column, the rule that counts its values the source replaced because they held invalid
   * bytes (`invalidText: replace | null`, see connectors/invalid-text.ts); null when the source rejects
   * such rows instead (they count under the implicit `source` rule).
   */
  invalidText: number[] | null;
}

/** The set of a referenced key: shared by the parent that fills it and the children that read it. */
export function keySetName(table: string, column: string): string {
  return `ref:${table}.${column}`;
}

/**
 * Variables of the transformed row: read columns by source name, computed columns by their name. A NOT
 * NULL column is typed (so type mistakes are caught when planning); the target constraint rejects a
 * NULL that arrives there anyway.
 */
function rowVariables(plan: TablePlan, upTo: number): ExpressionVariable[] {
  const read = plan.columns.map((c) => ({
    name: c.source.name,
    type: c.target.type,
    nullable: c.target.nullable,
  }));
  const computed = plan.quality.computed
    .slice(0, upTo)
    .map((c) => ({ name: c.target.name, type: c.target.type, nullable: true }));
  return [...read, ...computed];
}

/**
 * Binds an expression to the positions of a row (read columns by source name, then computed columns),
 * reusing one context object; values are converted by the variables' types.
 */
function bindToRow(expression: CompiledExpression, plan: TablePlan): (row: Row) => unknown {
  const positions = expression.variables.map((v) => {
    const read = plan.columns.findIndex((c) => c.source.name === v.name);
    return read >= 0
      ? read
      : plan.columns.length + plan.quality.computed.findIndex((c) => c.target.name === v.name);
  });
  const names = expression.variables.map((v) => v.name);
  const types = expression.variables.map((v) => v.type);
  const values: Record<string, unknown> = Object.create(null);
  return (row) => {
    for (let i = 0; i < names.length; i++)
      values[names[i]!] = toExpressionValue(row[positions[i]!], types[i]!);
    return expression.evaluate(values);
  };
}

/** Collects problems instead of throwing when `problems` is given (planning); throws otherwise. */
function attempt<T>(problems: InputProblem[] | undefined, path: string, work: () => T): T | null {
  try {
    return work();
  } catch (error) {
    if (!problems) throw error;
    problems.push({ path, message: (error as Error).message });
    return null;
  }
}

/** Compiles the table's program; with `problems`, records every problem and compiles what it can. */
export function compileTableProgram(
  plan: TablePlan,
  resources: ProgramResources,
  problems?: InputProblem[],
): TableProgram {
  const { quality } = plan;
  const base = plan.specPath ?? 'tables';
  const sourceNames = plan.columns.map((c) => c.source.name);
  const descriptors: RuleDescriptor[] = [
    { name: 'filter', kind: 'filter', column: null, severity: 'critical' },
    { name: 'transform', kind: 'transform', column: null, severity: 'critical' },
    { name: 'cast', kind: 'cast', column: null, severity: 'critical' },
    { name: 'target constraints', kind: 'constraint', column: null, severity: 'critical' },
    // A row the source could not give whole (a CSV record with too many fields, a JSON line with unknown keys,
    // text with invalid bytes under invalidText: reject).
    { name: 'source', kind: 'source', column: null, severity: 'critical' },
  ];
  // Rows the source changed at the spec's request (a CSV row padded under raggedRows: pad) load, and count.
  const repairs = new Map(
    (plan.source.repairs ?? []).map((name) => [
      name,
      descriptors.push({ name, kind: 'repair', column: null, severity: 'warning' }) - 1,
    ]),
  );

  let filter: TableProgram['filter'] = null;
  if (quality.filter !== null) {
    const text = quality.filter;
    filter = attempt(problems, `${base}.filter`, () => {
      // Raw source values, untyped: legacy data may be dirty.
      const variables = sourceNames.map((name) => ({ name, type: null, nullable: true }));
      const evaluate = bindToRow(compileExpression(text, variables, 'bool'), plan);
      return (raw: Row) => evaluate(raw) === true;
    });
  }

  const steps = plan.columns.map((column, c) => {
    const settings = quality.columns[c]!;
    if (!settings.steps.length) return null;
    const path = `${settings.specPath}.transform`;
    return attempt(problems, path, () =>
      compileValueSteps(settings.steps, {
        targetType: column.target.type,
        sourceColumns: sourceNames,
        lookups: resources.lookups,
        path,
      }),
    );
  });

  const computed = quality.computed.map((column, k) => {
    const { spec } = column;
    if (spec.value !== undefined) {
      const constant = spec.value;
      return () => constant;
    }
    if (spec.concat) {
      const positions = spec.concat.columns.map((n) => sourceNames.indexOf(n));
      const separator = spec.concat.separator ?? '';
      return (row: Row) => {
        const parts: string[] = [];
        for (const p of positions) {
          const v = row[p];
          if (v !== null && v !== undefined) parts.push(String(v));
        }
        return parts.length ? parts.join(separator) : null;
      };
    }
    const compiled = attempt(problems, `${column.specPath}.expr`, () =>
      compileExpression(spec.expr!, rowVariables(plan, k), 'any'),
    );
    if (!compiled) return () => null;
    const evaluate = bindToRow(compiled, plan);
    return (row: Row) => fromExpressionValue(evaluate(row));
  });

  const checks: RowCheck[] = [];
  const unique: UniqueCheck[] = [];
  const completeness: CompletenessCheck[] = [];
  const columnRules = [
    ...plan.columns.map((c, i) => ({
      target: c.target,
      rules: quality.columns[i]!.rules,
      path: quality.columns[i]!.specPath,
    })),
    ...quality.computed.map((c) => ({ target: c.target, rules: c.spec.rules ?? [], path: c.specPath })),
  ];
  columnRules.forEach(({ target, rules, path }, position) => {
    rules.forEach((rule, i) => {
      const kind = columnRuleKinds(rule)[0]!;
      const severity = rule.severity ?? 'major';
      const index =
        descriptors.push({
          name: rule.name ?? `${target.name}.${kind}`,
          kind,
          column: target.name,
          severity,
        }) - 1;
      if (kind === 'unique') {
        unique.push({
          rule: index,
          column: target.name,
          severity,
          message: rule.message,
          set: resources.keyIndex.set(`unique:${plan.target.name}.${target.name}`),
          positions: [position],
          label: target.name,
          strategy: uniqueStrategy(plan, [position]),
        });
        return;
      }
      if (kind === 'completeness') {
        completeness.push({ rule: index, position, threshold: rule.completeness!, severity });
        return;
      }
      let reference = null;
      if (kind === 'references') {
        const parent = rule.references!;
        const name = keySetName(parent.table, parent.column);
        reference = {
          keyIndex: resources.keyIndex,
          set: resources.keyIndex.set(name),
          label: `${parent.table}.${parent.column}`,
        };
      }
      const check = attempt(problems, `${path}.rules[${i}]`, () => compileColumnRule(rule, kind, reference));
      if (!check) return;
      checks.push(
        valueRowCheck(index, target.name, severity, rule.message, position, check, kind === 'notNull'),
      );
    });
  });

  quality.rules.forEach((rule, i) => {
    const severity = rule.severity ?? 'major';
    const path = `${base}.rules[${i}]`;
    if (rule.unique) {
      const positions = rule.unique.map((n) => sourceNames.indexOf(n));
      const targets = positions.map((p) => plan.columns[p]!.target.name);
      const label = `(${targets.join(', ')})`;
      const index =
        descriptors.push({ name: rule.name ?? `unique${label}`, kind: 'unique', column: null, severity }) - 1;
      unique.push({
        rule: index,
        column: null,
        severity,
        message: rule.message,
        set: resources.keyIndex.set(`unique:${plan.target.name}${label}`),
        positions,
        label,
        strategy: uniqueStrategy(plan, positions),
      });
      return;
    }
    const text = rule.check!;
    const index =
      descriptors.push({ name: rule.name ?? `check ${text}`, kind: 'check', column: null, severity }) - 1;
    const compiled = attempt(problems, `${path}.check`, () =>
      compileExpression(text, rowVariables(plan, quality.computed.length), 'bool'),
    );
    if (!compiled) return;
    const evaluate = bindToRow(compiled, plan);
    checks.push({
      rule: index,
      column: null,
      severity,
      message: rule.message,
      needsCleanRow: true,
      test: (row) => {
        try {
          return evaluate(row) === true ? null : `breaks ${text}`;
        } catch (error) {
          return `${text} cannot be evaluated: ${(error as Error).message}`;
        }
      },
    });
  });

  const masks: (Masker | null)[] = [
    ...quality.columns.map((c) => c.mask),
    ...quality.computed.map((c) => c.spec.mask ?? null),
  ].map((mask) => (mask === null ? null : compileMask(mask, resources.salt)));

  const keySets = quality.keySets.map(({ name, position }) => ({
    set: resources.keyIndex.set(name),
    position,
  }));
  // Warnings: the spec asked for the replacement, but the value is not what the source holds.
  const invalidText =
    quality.invalidText === 'replace' || quality.invalidText === 'null'
      ? plan.columns.map(
          ({ target }) =>
            descriptors.push({
              name: `${target.name}.invalidText`,
              kind: 'invalidText',
              column: target.name,
              severity: 'warning',
            }) - 1,
        )
      : null;
  return {
    filter,
    steps,
    computed,
    descriptors,
    checks,
    unique,
    completeness,
    masks,
    keySets,
    repairs,
    invalidText,
  };
}

function valueRowCheck(
  rule: number,
  column: string,
  severity: Severity,
  message: string | undefined,
  position: number,
  check: ValueCheck,
  seesNull: boolean,
): RowCheck {
  return {
    rule,
    column,
    severity,
    message,
    needsCleanRow: false,
    test: seesNull
      ? (row) => check(row[position])
      : (row) => {
          const value = row[position];
          return value === null || value === undefined ? null : check(value);
        },
  };
}

/** The key text of a unique check's values in `row`, or null when one of them is NULL (NULLs never clash). */
export function uniqueKey(check: UniqueCheck, row: Row): Key | null {
  const values = check.positions.map((p) => row[p]);
  return values.some((v) => v === null || v === undefined) ? null : uniqueKeyOf(values);
}
