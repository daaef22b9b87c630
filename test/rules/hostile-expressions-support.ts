/**
 * The shared part of the hostile-input corpus for spec expressions (src/rules/expression.ts): nothing an
 * expression author or a row's data can write may reach JavaScript globals or prototypes, throw anything but
 * ExpressionError / ExpressionRuntimeError, or keep the process busy for long. Comprehensions, `cel.bind`,
 * `matches`, `split`, `join` and `json()` are refused at compile time; the cases that used them stay in the
 * corpus as rejections, to show those routes closed.
 *
 * The corpus, one topic a file (test/rules/hostile-expressions-*.test.ts):
 * - hostile-expressions-access: prototype, constructor and global access; what contained cases give back
 * - hostile-expressions-data-values: JSON values with prototype keys, values too long to read
 * - hostile-expressions-column-names: columns named after Object.prototype members
 * - hostile-expressions-size: size and nesting
 * - hostile-expressions-refused-features: comprehensions, cel.bind, matches, split, join, json()
 * - hostile-expressions-builtin-errors: errors from built-ins stay ExpressionRuntimeErrors
 * Cases that actually run and could hang or exhaust memory are in hostile-expressions-isolated.test.ts,
 * in a child process that is killed after a deadline; in the others, a case that could run away is only
 * compiled.
 *
 * Tests marked `todo` document a known escape or hang (see the reason); they assert the wanted behaviour
 * and start passing when it is fixed, after which the `todo` can be removed.
 */
import assert from 'node:assert/strict';
import {
  compileExpression,
  ExpressionError,
  ExpressionRuntimeError,
  toExpressionValue,
  type ExpectedResult,
  type ExpressionVariable,
} from '../../src/rules/expression.ts';

export const VARIABLES: ExpressionVariable[] = [
  { name: 'Qty', type: { kind: 'integer' }, nullable: false },
  { name: 'Name', type: { kind: 'text' }, nullable: true },
  { name: 'Doc', type: { kind: 'json' }, nullable: true },
];

/** The same columns untyped, as filters and expr steps declare them. */
export const UNTYPED: ExpressionVariable[] = VARIABLES.map((v) => ({ ...v, type: null, nullable: true }));

/** Pipeline rows (before toExpressionValue), from harmless to hostile. */
export const ROWS: Record<string, unknown>[] = [
  { Qty: 3, Name: 'Ann', Doc: { a: 1, tags: ['x'] } },
  { Qty: 0, Name: null, Doc: null },
  {
    Qty: -1,
    Name: '"); process.exit(1); ("',
    Doc: JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}'),
  },
  { Qty: 7, Name: '${process.exit(1)}', Doc: JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}') },
  { Qty: 9, Name: '__proto__', Doc: JSON.parse('[{"__proto__": {"polluted": 1}}, {"constructor": null}]') },
];

/** Generous (about 10× the slowest case idle), so a busy machine does not fail it; a catastrophic case takes minutes. */

const TIME_BOUND_MS = 10_000;

export type Outcome =
  | { kind: 'compile'; error: ExpressionError }
  | { kind: 'runtime'; error: ExpressionRuntimeError }
  | { kind: 'value'; value: unknown };

/** The values record as the pipeline builds it (src/rules/table-program.ts): null prototype, usable names only. */
export function values(
  row: Record<string, unknown>,
  variables: readonly ExpressionVariable[] = VARIABLES,
): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const v of variables) out[v.name] = toExpressionValue(row[v.name], v.type);
  return out;
}

/** Compiles; any exception other than ExpressionError fails the test. */
export function compile(
  text: string,
  variables: readonly ExpressionVariable[] = VARIABLES,
  expect: ExpectedResult = 'any',
) {
  try {
    return { compiled: compileExpression(text, variables, expect) } as const;
  } catch (error) {
    if (!(error instanceof ExpressionError)) {
      assert.fail(`compiling ${preview(text)} threw ${describeThrown(error)}, not an ExpressionError`);
    }
    return { error } as const;
  }
}

/** Evaluates one row; any exception other than ExpressionRuntimeError fails the test. */
export function run(
  compiled: ReturnType<typeof compileExpression>,
  rowValues: Record<string, unknown>,
  text: string,
): Outcome {
  try {
    return { kind: 'value', value: compiled.evaluate(rowValues) };
  } catch (error) {
    if (!(error instanceof ExpressionRuntimeError)) {
      assert.fail(
        `evaluating ${preview(text)} threw ${describeThrown(error)}, not an ExpressionRuntimeError`,
      );
    }
    return { kind: 'runtime', error };
  }
}

export function attempt(
  text: string,
  row: Record<string, unknown> = ROWS[0]!,
  variables: readonly ExpressionVariable[] = VARIABLES,
  expect: ExpectedResult = 'any',
): Outcome {
  const result = compile(text, variables, expect);
  if (result.error) return { kind: 'compile', error: result.error };
  let rowValues: Record<string, unknown>;
  try {
    rowValues = values(row, result.compiled.variables);
  } catch (error) {
    // a value no expression may read (longer than MAX_VALUE_LENGTH): that row's error, as in the pipeline
    if (!(error instanceof ExpressionRuntimeError)) {
      assert.fail(`converting a row for ${preview(text)} threw ${describeThrown(error)}`);
    }
    return { kind: 'runtime', error };
  }
  return run(result.compiled, rowValues, text);
}

export function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.constructor.name}: ${error.message.slice(0, 200)}` : String(error);
}

export function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

/** A compile error a user can act on: it names where (`at position N`) or which limit. */
export function assertLocated(error: Error, text: string): void {
  assert.match(
    error.message,
    /at position \d+|Exceeded max\w+ \(\d+\)|^nests too deeply \(at most \d+ levels\)$/,
    `${preview(text)}: "${error.message.slice(0, 200)}" names neither a position nor a limit`,
  );
}

export function assertRejected(outcome: Outcome, text: string, pattern?: RegExp): ExpressionError {
  assert.equal(outcome.kind, 'compile', `${preview(text)} should be rejected at compile time`);
  const { error } = outcome as Extract<Outcome, { kind: 'compile' }>;
  assertLocated(error, text);
  if (pattern) assert.match(error.message, pattern);
  return error;
}

/** The messages of the refused features (see REFUSED in src/rules/expression.ts). */
export const COMPREHENSION =
  /^comprehensions \(map, filter, all, exists, exists_one\) are not available: values are single column values at position \d+: /;
export const BIND = /^cel\.bind is not available; repeat the sub-expression instead at position \d+: /;
export const MATCHES =
  /^matches\(\) is not available \(backtracking regex\); use regex\(text, pattern\), which runs on RE2 at position \d+: /;
export const SPLIT =
  /^split\(\) is not available in expressions \(it builds lists\); use the split transform step at position \d+: /;
export const JOIN =
  /^join\(\) is not available in expressions \(with split it builds strings quadratic in the input\) at position \d+: /;
export const JSON_METHOD =
  /^json\(\) is not available in expressions \(cel-js parses bytes literals wrongly\) at position \d+: /;

const HOST_OBJECTS = new Set<unknown>([
  globalThis,
  process,
  process.env,
  Object,
  Function,
  Object.prototype,
  Function.prototype,
  Array.prototype,
  String.prototype,
  Number.prototype,
  BigInt.prototype,
  Map.prototype,
]);

/** A value an expression may hand back: data only, no functions, accessors or host objects. */
export function assertHarmless(value: unknown, path = 'result', depth = 0): void {
  if (value === null || value === undefined) return;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'bigint' || type === 'boolean') return;
  assert.notEqual(type, 'function', `${path} is a function`);
  assert.ok(!HOST_OBJECTS.has(value), `${path} is a host object`);
  if (value instanceof Uint8Array || value instanceof Date) return;
  assert.ok(depth < 8, `${path} nests too deep`);
  for (const key of Reflect.ownKeys(value as object)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    assert.ok(!descriptor.get && !descriptor.set, `${path}.${String(key)} is an accessor`);
    assertHarmless(descriptor.value, `${path}.${String(key)}`, depth + 1);
  }
}

const PROTOTYPES: [string, object][] = [
  ['Object', Object.prototype],
  ['Array', Array.prototype],
  ['String', String.prototype],
  ['Function', Function.prototype],
  ['Number', Number.prototype],
  ['BigInt', BigInt.prototype],
  ['Boolean', Boolean.prototype],
  ['Map', Map.prototype],
  ['Date', Date.prototype],
  ['RegExp', RegExp.prototype],
  ['Uint8Array', Uint8Array.prototype],
];
const WATCHED_GLOBALS = [
  'process',
  'Object',
  'Function',
  'Array',
  'String',
  'JSON',
  'Reflect',
  'Proxy',
  'eval',
  'setTimeout',
  'structuredClone',
  'require',
  'module',
  'exports',
  'constructor',
  'polluted',
  'x',
  'Name',
  'Qty',
  'Doc',
];
const MARKERS = ['polluted', 'x', 'Name', 'Qty', 'Doc', 'a'];

interface Snapshot {
  prototypeKeys: string[];
  globals: unknown[];
  globalNames: string;
  env: string;
  exitCode: unknown;
}

function snapshot(): Snapshot {
  return {
    prototypeKeys: PROTOTYPES.map(
      ([name, proto]) =>
        `${name}: ${Reflect.ownKeys(proto).map(String).sort().join(',')} / ${String(Object.getPrototypeOf(proto) === null)}`,
    ),
    globals: WATCHED_GLOBALS.map((key) => (globalThis as Record<string, unknown>)[key]),
    globalNames: Reflect.ownKeys(globalThis).map(String).sort().join(','),
    env: JSON.stringify(process.env),
    exitCode: process.exitCode,
  };
}

/** Runs `body` and asserts afterwards that no prototype, watched global, process.env or exit code changed. */
export function assertSandboxIntact(body: () => void): void {
  const before = snapshot();
  body();
  const after = snapshot();
  assert.deepEqual(after.prototypeKeys, before.prototypeKeys, 'a built-in prototype gained or lost keys');
  WATCHED_GLOBALS.forEach((key, i) =>
    assert.ok(Object.is(after.globals[i], before.globals[i]), `globalThis.${key} changed`),
  );
  assert.equal(after.globalNames, before.globalNames, 'globalThis gained or lost keys');
  assert.equal(after.env, before.env, 'process.env changed');
  assert.equal(after.exitCode, before.exitCode, 'process.exitCode changed');
  const probe: Record<string, unknown> = {};
  for (const marker of MARKERS) assert.equal(probe[marker], undefined, `({}).${marker} is now defined`);
  assert.equal(([] as unknown as Record<string, unknown>).polluted, undefined, '[].polluted is now defined');
}

/** Fails if `body` takes longer than the time bound. */
export function timed<T>(label: string, body: () => T): T {
  const start = performance.now();
  const result = body();
  const elapsed = performance.now() - start;
  assert.ok(elapsed < TIME_BOUND_MS, `${label} took ${elapsed.toFixed(0)} ms (bound ${TIME_BOUND_MS} ms)`);
  return result;
}

export const range = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(', ')}]`;

/** `cel.bind(v0, seed, cel.bind(v1, v0 + v0 + …, …))`: each level multiplies the size of the seed by `fan`. */
export function bindBlowup(
  seed: string,
  levels: number,
  fan: number,
  body: (last: string) => string,
): string {
  let text = `cel.bind(v0, ${seed}, `;
  for (let i = 1; i <= levels; i++)
    text += `cel.bind(v${i}, ${Array(fan)
      .fill(`v${i - 1}`)
      .join(' + ')}, `;
  return text + body(`v${levels}`) + ')'.repeat(levels + 1);
}
