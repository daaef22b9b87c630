/**
 * A column's transform steps (trim, upper/lower, default, value map, lookup, regex replace, date parsing,
 * split, expression), compiled once into one function from the source value to the value that is then
 * cast to the target type. A value a step cannot handle throws TransformError: the row is rejected with
 * that message.
 */
import type { LogicalType } from '../core/logical-type.ts';
import type { TransformStepSpec } from '../spec/rules-schema.ts';
import { compileDateParser } from './parse-date.ts';
import {
  compileExpression,
  fromExpressionValue,
  toExpressionValue,
  type ExpressionVariable,
} from './expression.ts';
import { compileRegex } from './safe-regex.ts';
import { TransformError } from './transform-error.ts';

/** `value` → new value; `raw` is the whole source row, for expression steps. */
export type ValueStep = (value: unknown, raw: readonly unknown[]) => unknown;

/** What compiling a column's steps needs to know. */
export interface StepContext {
  /** The target type the value is cast to afterwards (date parsing produces its form). */
  targetType: LogicalType;
  /** The source columns, for expressions (raw values: untyped, since legacy data may be dirty). */
  sourceColumns: readonly string[];
  /** Lookup tables by the spec path of their step, loaded before the run. */
  lookups: ReadonlyMap<string, ReadonlyMap<string, unknown>>;
  /** Spec path of the step list (`tables[0].columns.Country.transform`). */
  path: string;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text);
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

/** A value map or lookup: entries by text, and what to do with a value that has none. */
function mapStep(
  entries: ReadonlyMap<string, unknown>,
  otherwise: 'keep' | 'null' | 'reject' | undefined,
  ignoreCase: boolean,
  what: string,
): ValueStep {
  const table = ignoreCase ? new Map([...entries].map(([k, v]) => [k.toLowerCase(), v])) : entries;
  return (value) => {
    const key = ignoreCase ? textOf(value).toLowerCase() : textOf(value);
    const found = table.get(key);
    if (found !== undefined || table.has(key)) return found;
    if (otherwise === 'null') return null;
    if (otherwise === 'reject') throw new TransformError(`${show(value)} has no entry in the ${what}`);
    return value;
  };
}

function dateOutput(type: LogicalType): 'date' | 'timestamp' | 'timestamptz' | 'time' {
  if (
    type.kind === 'date' ||
    type.kind === 'timestamp' ||
    type.kind === 'timestamptz' ||
    type.kind === 'time'
  )
    return type.kind;
  return 'timestamp';
}

/** One step; NULL passes through every step except `default` (and `expr`, which decides itself). */
function compileStep(
  step: TransformStepSpec,
  context: StepContext,
  path: string,
): { fn: ValueStep; nulls: boolean } {
  if (typeof step === 'string') {
    switch (step) {
      case 'trim':
        return { fn: (v) => (typeof v === 'string' ? v.trim() : v), nulls: false };
      case 'upper':
        return { fn: (v) => (typeof v === 'string' ? v.toUpperCase() : v), nulls: false };
      case 'lower':
        return { fn: (v) => (typeof v === 'string' ? v.toLowerCase() : v), nulls: false };
      case 'nullIfEmpty':
        return { fn: (v) => (typeof v === 'string' && v.trim() === '' ? null : v), nulls: false };
    }
  }
  if (step.default !== undefined) {
    const fallback = step.default;
    return { fn: (v) => v ?? fallback, nulls: true };
  }
  if (step.map) {
    const entries = new Map(Object.entries(step.map.values));
    return {
      fn: mapStep(entries, step.map.otherwise, step.map.ignoreCase ?? false, 'value map'),
      nulls: false,
    };
  }
  if (step.lookup) {
    const entries = context.lookups.get(path);
    if (!entries) throw new Error(`internal: lookup ${path} was not loaded`);
    const from = step.lookup.table ? `lookup table ${step.lookup.table}` : `lookup file ${step.lookup.file}`;
    return { fn: mapStep(entries, step.lookup.otherwise, false, from), nulls: false };
  }
  if (step.replace) {
    const pattern = compileRegex(step.replace.pattern, step.replace.flags);
    const replacement = step.replace.with;
    return { fn: (v) => (typeof v === 'string' ? pattern.replaceAll(v, replacement) : v), nulls: false };
  }
  if (step.parseDate) {
    const parse = compileDateParser({ ...step.parseDate, output: dateOutput(context.targetType) });
    return { fn: (v) => parse(v), nulls: false };
  }
  if (step.split) {
    const { separator, index } = step.split;
    return {
      fn: (v) => {
        const pieces = textOf(v).split(separator);
        return pieces.at(index) ?? null;
      },
      nulls: false,
    };
  }
  if (step.expr !== undefined) {
    const variables: ExpressionVariable[] = [
      { name: 'value', type: null, nullable: true },
      ...context.sourceColumns
        .filter((n) => n !== 'value')
        .map((name) => ({ name, type: null, nullable: true })),
    ];
    const expression = compileExpression(step.expr, variables, 'any');
    const names = expression.variables.map((v) => v.name);
    const positions = names.map((n) => (n === 'value' ? -1 : context.sourceColumns.indexOf(n)));
    const values: Record<string, unknown> = Object.create(null);
    return {
      fn: (v, raw) => {
        for (let i = 0; i < names.length; i++) {
          values[names[i]!] = toExpressionValue(positions[i] === -1 ? v : raw[positions[i]!], null);
        }
        try {
          return fromExpressionValue(expression.evaluate(values));
        } catch (error) {
          throw new TransformError(`expression failed: ${(error as Error).message}`);
        }
      },
      nulls: true,
    };
  }
  throw new Error(`internal: unknown transform step at ${path}`);
}

/** Compiles a column's steps into one function; null when there are none. Throws on a bad expression. */
export function compileValueSteps(
  steps: readonly TransformStepSpec[],
  context: StepContext,
): ValueStep | null {
  if (!steps.length) return null;
  const compiled = steps.map((step, i) => compileStep(step, context, `${context.path}[${i}]`));
  if (compiled.length === 1) {
    const [{ fn, nulls }] = compiled as [{ fn: ValueStep; nulls: boolean }];
    return nulls ? fn : (v, raw) => (v === null || v === undefined ? v : fn(v, raw));
  }
  return (value, raw) => {
    let v = value;
    for (const { fn, nulls } of compiled) {
      if (nulls || (v !== null && v !== undefined)) v = fn(v, raw);
    }
    return v;
  };
}
