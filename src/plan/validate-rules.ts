/**
 * Checks of the data-quality part of a spec that need more than the schema but not the source: one
 * kind per step, mask and rule; regular expressions that compile; expressions that parse; date options;
 * a masking salt where a mask needs one. Names of columns and tables are checked in planning.
 */
import { parseLogicalType } from '../core/logical-type.ts';
import type { InputProblem } from '../core/errors.ts';
import { columnRuleKinds } from '../rules/column-rules.ts';
import { maskNeedsSalt } from '../rules/compile-mask.ts';
import { checkExpressionSyntax } from '../rules/expression.ts';
import { checkDateParseOptions } from '../rules/parse-date.ts';
import { regexProblem } from '../rules/safe-regex.ts';
import type { ColumnRuleSpec, MaskSpec, TableRuleSpec, TransformStepSpec } from '../spec/rules-schema.ts';
import type { ColumnEntry, RawMigrationSpec, TableEntry } from '../spec/spec-schema.ts';

function exactlyOne(keys: string[], allowed: string, path: string, problems: InputProblem[]): boolean {
  if (keys.length === 1) return true;
  problems.push({
    path,
    message: keys.length
      ? `names ${keys.join(' and ')}; write one per list entry.`
      : `names nothing to do; give one of ${allowed}.`,
  });
  return false;
}

function expressionProblems(text: string, path: string, problems: InputProblem[]): void {
  const problem = checkExpressionSyntax(text);
  if (problem) problems.push({ path, message: `expression does not parse: ${problem}.` });
}

function stepProblems(step: TransformStepSpec, path: string, problems: InputProblem[]): void {
  if (typeof step === 'string') return;
  const keys = Object.keys(step);
  if (
    !exactlyOne(
      keys,
      'default, map, lookup, replace, parseDate, split, expr (or trim, upper, lower, nullIfEmpty)',
      path,
      problems,
    )
  )
    return;
  if (step.replace) {
    const problem = regexProblem(step.replace.pattern, step.replace.flags);
    if (problem) problems.push({ path: `${path}.replace.pattern`, message: problem });
  }
  if (step.lookup && (step.lookup.table === undefined) === (step.lookup.file === undefined)) {
    problems.push({
      path: `${path}.lookup`,
      message: 'give either table (a source table) or file (CSV or JSONL), not both or neither.',
    });
  }
  if (step.parseDate) {
    for (const message of checkDateParseOptions(step.parseDate))
      problems.push({ path: `${path}.parseDate`, message });
  }
  if (step.expr !== undefined) expressionProblems(step.expr, `${path}.expr`, problems);
}

function maskProblems(mask: MaskSpec, path: string, spec: RawMigrationSpec, problems: InputProblem[]): void {
  if (
    typeof mask === 'object' &&
    !exactlyOne(Object.keys(mask), 'hash, tokenize, email, redact, partial', path, problems)
  )
    return;
  if (maskNeedsSalt(mask) && !spec.masking) {
    problems.push({
      path,
      message:
        'hash and tokenize need a secret: add `masking: { salt: "${ENV:JIVS_MASK_SALT}" }` to the spec and export the variable.',
    });
  }
}

function columnRuleProblems(rule: ColumnRuleSpec, path: string, problems: InputProblem[]): void {
  const kinds = columnRuleKinds(rule);
  if (
    !exactlyOne(
      kinds,
      'notNull, parses, min/max, length, pattern, in, format, unique, references, completeness',
      path,
      problems,
    )
  )
    return;
  const [kind] = kinds;
  if (kind === 'parses' && parseLogicalType(rule.parses!) === null) {
    problems.push({
      path: `${path}.parses`,
      message: `"${rule.parses}" is not a portable type (e.g. integer, decimal(12,2), date).`,
    });
  }
  if (kind === 'pattern') {
    const problem = regexProblem(rule.pattern!);
    if (problem) problems.push({ path: `${path}.pattern`, message: problem });
  }
  if (kind === 'range' && rule.min !== undefined && rule.max !== undefined) {
    if (typeof rule.min !== typeof rule.max) {
      problems.push({ path, message: 'min and max must both be numbers or both be text (e.g. dates).' });
    } else if (rule.min > rule.max) {
      problems.push({
        path,
        message: `min (${rule.min}) is greater than max (${rule.max}); no value could pass.`,
      });
    }
  }
  if (kind === 'length' && (rule.length!.min ?? 0) > (rule.length!.max ?? Infinity)) {
    problems.push({ path: `${path}.length`, message: 'min is greater than max; no value could pass.' });
  }
  if (kind === 'length' && rule.length!.min === undefined && rule.length!.max === undefined) {
    problems.push({ path: `${path}.length`, message: 'give min, max or both.' });
  }
  if (rule.country !== undefined && kind !== 'format') {
    problems.push({ path: `${path}.country`, message: 'only applies to format: phone.' });
  }
}

function tableRuleProblems(rule: TableRuleSpec, path: string, problems: InputProblem[]): void {
  const kinds = (['unique', 'check'] as const).filter((k) => rule[k] !== undefined);
  if (!exactlyOne(kinds, 'unique (a list of columns) or check (an expression)', path, problems)) return;
  if (rule.check !== undefined) expressionProblems(rule.check, `${path}.check`, problems);
}

function columnProblems(
  entry: ColumnEntry,
  path: string,
  spec: RawMigrationSpec,
  problems: InputProblem[],
): void {
  entry.transform?.forEach((step, i) => stepProblems(step, `${path}.transform[${i}]`, problems));
  if (entry.mask !== undefined) maskProblems(entry.mask, `${path}.mask`, spec, problems);
  entry.rules?.forEach((rule, i) => columnRuleProblems(rule, `${path}.rules[${i}]`, problems));
  if (entry.skip && (entry.transform || entry.mask || entry.rules)) {
    problems.push({
      path,
      message: 'a skipped column has no transform, mask or rules; remove "skip" or those keys.',
    });
  }
}

/** Every problem of the quality settings of table entry `index`. */
export function tableQualityProblems(
  table: TableEntry,
  index: number,
  spec: RawMigrationSpec,
  columnPath: (column: string) => string,
): InputProblem[] {
  const problems: InputProblem[] = [];
  const base = `tables[${index}]`;
  for (const [column, entry] of Object.entries(table.columns ?? {}))
    columnProblems(entry, columnPath(column), spec, problems);
  for (const [name, computed] of Object.entries(table.computed ?? {})) {
    const path = `${base}.computed.${name}`;
    const kinds = (['value', 'concat', 'expr'] as const).filter((k) => computed[k] !== undefined);
    exactlyOne(kinds, 'value, concat, expr', path, problems);
    if (parseLogicalType(computed.type) === null) {
      problems.push({
        path: `${path}.type`,
        message: `"${computed.type}" is not a portable type (e.g. text, integer, decimal(12,2)).`,
      });
    }
    if (computed.expr !== undefined) expressionProblems(computed.expr, `${path}.expr`, problems);
    if (computed.mask !== undefined) maskProblems(computed.mask, `${path}.mask`, spec, problems);
    computed.rules?.forEach((rule, i) => columnRuleProblems(rule, `${path}.rules[${i}]`, problems));
  }
  if (table.filter !== undefined) expressionProblems(table.filter, `${base}.filter`, problems);
  table.rules?.forEach((rule, i) => tableRuleProblems(rule, `${base}.rules[${i}]`, problems));
  return problems;
}
