/**
 * Expressions in specs (filters, computed columns, `expr` steps, `check` rules) are CEL, the Common
 * Expression Language, evaluated by @marcbachmann/cel-js: not Turing complete, no access to globals,
 * prototypes, `process` or `require`, and type-checked against the table's columns when the spec is
 * planned, so an unknown column or function is reported with its position before any data moves.
 * Each expression is compiled once per spec into a function; size and nesting are capped.
 *
 * Values as an expression sees them: integer → int, decimal and float → double, boolean → bool,
 * binary → bytes, text and the date/time types → string (ISO text, which compares in time order),
 * arrays → list. A nullable column is `dyn`, so `Col == null` can be tested.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { LogicalType } from '../core/logical-type.ts';
import { cachedRegex, regexProblem } from './safe-regex.ts';

/** Caps that keep a hostile or accidental expression from costing more than a few microseconds a row. */
const LIMITS = {
  maxAstNodes: 1000,
  maxDepth: 32,
  maxListElements: 1000,
  maxMapEntries: 100,
  maxCallArguments: 16,
};

/** A variable an expression may use: a column, or `value` in a transform step. */
export interface ExpressionVariable {
  name: string;
  /** The column's type; null when untyped (raw source values, which may be dirty). */
  type: LogicalType | null;
  nullable: boolean;
}

/** An expression that does not parse or type-check; the message points at the position. */
export class ExpressionError extends Error {}

/** A compiled expression: one call per row, with that row's values by variable name. */
export interface CompiledExpression {
  /** The variables it reads, in the order of `variables` given to {@link compileExpression}. */
  readonly variables: readonly ExpressionVariable[];
  /** Evaluates against converted values (see {@link toExpressionValue}); throws ExpressionRuntimeError. */
  evaluate(values: Record<string, unknown>): unknown;
}

/** An expression that failed on one row's values (e.g. `Total > 5` where Total is NULL). */
export class ExpressionRuntimeError extends Error {}

/** What the result of an expression must be. */
export type ExpectedResult = 'bool' | 'any';

/**
 * CEL features refused in migration expressions: comprehensions and `cel.bind` (no evaluation budget
 * bounds them: a short expression can iterate billions of times or build huge lists), and `matches`
 * (a backtracking JavaScript RegExp; `regex(text, pattern)` is the linear-time RE2 replacement).
 */
const REFUSED: Record<string, string> = {
  map: 'comprehensions (map, filter, all, exists, exists_one) are not available: values are single column values',
  filter:
    'comprehensions (map, filter, all, exists, exists_one) are not available: values are single column values',
  all: 'comprehensions (map, filter, all, exists, exists_one) are not available: values are single column values',
  exists:
    'comprehensions (map, filter, all, exists, exists_one) are not available: values are single column values',
  exists_one:
    'comprehensions (map, filter, all, exists, exists_one) are not available: values are single column values',
  bind: 'cel.bind is not available; repeat the sub-expression instead',
  matches: 'matches() is not available (backtracking regex); use regex(text, pattern), which runs on RE2',
  split: 'split() is not available in expressions (it builds lists); use the split transform step',
  join: 'join() is not available in expressions (with split it builds strings quadratic in the input)',
  json: 'json() is not available in expressions (cel-js parses bytes literals wrongly)',
};

/**
 * Longest text or bytes value an expression reads: CEL has no budget at run time, so the size of what
 * goes in bounds what a short expression can build from it (a + chain, a regex scan).
 */
export const MAX_VALUE_LENGTH = 65536;

/** Longest problem summary kept (a 1 MB identifier must not make a 1 MB message). */
const MAX_SUMMARY = 200;

interface AstNode {
  op: string;
  args: unknown;
  pos?: number;
}

/**
 * regex()'s pattern must be a string literal, checked here like a pattern rule's: a pattern taken from
 * the data could cost a compile per row.
 */
function regexArgumentProblem(callArgs: unknown): string | null {
  const pattern = Array.isArray(callArgs) ? (callArgs[1] as AstNode | undefined) : undefined;
  if (!pattern || pattern.op !== 'value' || typeof pattern.args !== 'string') {
    return 'regex() takes its pattern as a string literal, e.g. regex(Code, "^[A-Z]{3}$")';
  }
  const problem = regexProblem(pattern.args);
  return problem && `regex() pattern ${problem}`;
}

/** The identifiers an expression reads, so a row converts only those values. */
function identifiers(node: unknown): Set<string> {
  const names = new Set<string>();
  const stack: unknown[] = [node];
  while (stack.length) {
    const current = stack.pop();
    if (Array.isArray(current)) {
      for (const item of current) stack.push(item);
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    const { op, args } = current as AstNode;
    if (op === 'id' && typeof args === 'string') names.add(args);
    else stack.push(args);
  }
  return names;
}

/** The first refused feature in the parsed expression, with its position. */
function refusedFeature(node: unknown): { message: string; pos: number | undefined } | null {
  const stack: unknown[] = [node];
  while (stack.length) {
    const current = stack.pop();
    if (Array.isArray(current)) {
      stack.push(...current);
      continue;
    }
    if (current === null || typeof current !== 'object' || typeof (current as AstNode).op !== 'string')
      continue;
    const { op, args, pos } = current as AstNode;
    if ((op === 'call' || op === 'rcall') && Array.isArray(args) && typeof args[0] === 'string') {
      const message = Object.hasOwn(REFUSED, args[0]) ? REFUSED[args[0]] : undefined;
      if (message) return { message, pos };
      if (op === 'call' && args[0] === 'regex') {
        const problem = regexArgumentProblem(args[1]);
        if (problem) return { message: problem, pos };
      }
    }
    // Most operators hold a list of operands; the unary ones (`!_`, `-_`) hold a single node.
    stack.push(args);
  }
  return null;
}

const STRING_FUNCTIONS = {
  'upper(string): string': (s: string) => s.toUpperCase(),
  'lower(string): string': (s: string) => s.toLowerCase(),
  'trim(string): string': (s: string) => s.trim(),
  'left(string, int): string': (s: string, n: bigint) => [...s].slice(0, Number(n)).join(''),
  'right(string, int): string': (s: string, n: bigint) => (n > 0n ? [...s].slice(-Number(n)).join('') : ''),
  'regex(string, string): bool': (s: string, pattern: string) => {
    if (s.length > MAX_VALUE_LENGTH)
      throw new Error(`regex() reads at most ${MAX_VALUE_LENGTH} characters, got ${s.length}`);
    return cachedRegex(pattern).test(s);
  },
} as const;

function celType(variable: ExpressionVariable): string {
  const { type } = variable;
  if (type === null || variable.nullable) return 'dyn';
  if (type.array) return 'list';
  switch (type.kind) {
    case 'integer':
    case 'bigint':
      return 'int';
    case 'decimal':
    case 'float':
      return 'double';
    case 'boolean':
      return 'bool';
    case 'binary':
      return 'bytes';
    default:
      return 'string';
  }
}

/** True when `name` can be used as a variable (CEL identifiers, not reserved words). */
function usable(environment: Environment, variable: ExpressionVariable): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable.name)) return false;
  try {
    environment.registerVariable(variable.name, celType(variable));
    return true;
  } catch {
    return false; // a reserved word such as `in`, `if` or `__proto__`
  }
}

/** The first line of a cel-js message and the caret line under the source, for a one-line problem report. */
function describeProblem(error: Error, text: string): string {
  if (error instanceof RangeError) return `nests too deeply (at most ${LIMITS.maxDepth} levels)`;
  const [line] = error.message.split('\n');
  const summary = line!.length > MAX_SUMMARY ? `${line!.slice(0, MAX_SUMMARY)}…` : line;
  const range = (error as { range?: { start?: number } }).range;
  const at = range?.start;
  if (typeof at !== 'number') return summary!;
  return `${summary} at position ${at + 1}: ${JSON.stringify(excerpt(text, at))}`;
}

function excerpt(text: string, at: number): string {
  const from = Math.max(0, at - 20);
  return `${from > 0 ? '…' : ''}${text.slice(from, at)}⟨here⟩${text.slice(at, at + 20)}${at + 20 < text.length ? '…' : ''}`;
}

/**
 * Compiles `text` against `variables`.
 * @throws ExpressionError naming the position of a syntax error, an unknown column or function, a type
 * mismatch, or a result of the wrong type.
 */
export function compileExpression(
  text: string,
  variables: readonly ExpressionVariable[],
  expect: ExpectedResult,
): CompiledExpression {
  const environment = new Environment({ limits: LIMITS, homogeneousAggregateLiterals: false });
  for (const [signature, handler] of Object.entries(STRING_FUNCTIONS)) {
    environment.registerFunction(signature, handler as (...args: never[]) => unknown);
  }
  const known = variables.filter((v) => usable(environment, v));
  const unusable = variables.filter((v) => !known.includes(v)).map((v) => v.name);
  let program: (values: Record<string, unknown>) => unknown;
  try {
    const checked = environment.check(text);
    if (!checked.valid) throw checked.error;
    if (expect === 'bool' && checked.type !== 'bool' && checked.type !== 'dyn') {
      throw new ExpressionError(`must be true or false, but gives ${checked.type}`);
    }
    program = environment.parse(text) as unknown as (values: Record<string, unknown>) => unknown;
    const refused = refusedFeature((program as unknown as { ast: unknown }).ast);
    if (refused) {
      const where =
        refused.pos === undefined
          ? ''
          : ` at position ${refused.pos + 1}: ${JSON.stringify(excerpt(text, refused.pos))}`;
      throw new ExpressionError(`${refused.message}${where}`);
    }
  } catch (error) {
    if (error instanceof ExpressionError) throw error;
    let message = describeProblem(error as Error, text);
    if (/Unknown variable/.test(message)) {
      const names = known.map((v) => v.name).join(', ');
      message += `. Known columns: ${names || '(none)'}${unusable.length ? `; not usable in expressions (not identifiers): ${unusable.join(', ')}` : ''}`;
    } else if (/matching overload/.test(message)) {
      message += `. Functions beyond CEL's own: ${Object.keys(STRING_FUNCTIONS).join(', ')}`;
    }
    throw new ExpressionError(message, { cause: error });
  }
  const used = identifiers((program as unknown as { ast: unknown }).ast);
  return {
    variables: known.filter((v) => used.has(v.name)),
    evaluate(values) {
      try {
        return program(values);
      } catch (error) {
        // Whatever a row makes an expression throw (cel-js's EvaluationError, a RangeError of a too
        // long string, a SyntaxError of bytes.json()) is that row's problem, never the run's.
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        throw new ExpressionRuntimeError(message.slice(0, MAX_SUMMARY), { cause: error });
      }
    },
  };
}

/** Only the syntax, for spec validation before the source's columns are known. */
export function checkExpressionSyntax(text: string): string | null {
  const environment = new Environment({
    limits: LIMITS,
    unlistedVariablesAreDyn: true,
    homogeneousAggregateLiterals: false,
  });
  try {
    environment.parse(text);
    return null;
  } catch (error) {
    return describeProblem(error as Error, text);
  }
}

/**
 * Characters (or bytes) of a text, binary, array or JSON value, counting everything inside it; walked
 * without recursion, so a value nested 100,000 deep costs no stack. Stops counting past the limit.
 */
function valueLength(value: unknown): number {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value.length;
  if (value === null || typeof value !== 'object') return 0;
  let length = 0;
  const stack: unknown[] = [value];
  while (stack.length && length <= MAX_VALUE_LENGTH) {
    const current = stack.pop();
    if (typeof current === 'string' || Buffer.isBuffer(current)) length += current.length;
    else if (Array.isArray(current)) for (const item of current) stack.push(item);
    else if (current !== null && typeof current === 'object') {
      for (const key of Object.keys(current)) {
        length += key.length;
        stack.push((current as Record<string, unknown>)[key]);
      }
    }
  }
  return length;
}

/** A canonical pipeline value as an expression sees it (see the module comment). */
export function toExpressionValue(value: unknown, type: LogicalType | null): unknown {
  if (value === null || value === undefined) return null;
  const length = valueLength(value);
  if (length > MAX_VALUE_LENGTH) {
    throw new ExpressionRuntimeError(
      `a value of ${length} characters is more than the ${MAX_VALUE_LENGTH} an expression reads`,
    );
  }
  if (type === null) {
    if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
    return value;
  }
  switch (type.array ? 'array' : type.kind) {
    case 'integer':
    case 'bigint':
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
      return value;
    case 'decimal':
      return typeof value === 'string' ? Number(value) : value;
    default:
      return value;
  }
}

/** An expression's result back in pipeline form: safe integers as numbers, bytes as Buffer. */
export function fromExpressionValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    const small = Number(value);
    return Number.isSafeInteger(small) ? small : value;
  }
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value);
  return value;
}
