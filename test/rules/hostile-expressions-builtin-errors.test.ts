/**
 * Errors from built-ins stay ExpressionRuntimeErrors (runtime blow-ups that must run in a child process
 * are in hostile-expressions-isolated.test.ts).
 * The shared rows, helpers and sandbox checks are in hostile-expressions-support.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ROWS,
  type Outcome,
  attempt,
  describeThrown,
  preview,
  assertLocated,
  assertHarmless,
  assertSandboxIntact,
} from './hostile-expressions-support.ts';

describe('hostile expressions: errors from built-ins stay ExpressionRuntimeErrors', () => {
  const cases = [
    '1 / 0',
    '1 % 0',
    '9223372036854775807 + 1',
    '-9223372036854775808 - 1',
    'int("99999999999999999999")',
    'int(1e308 * 10.0)',
    'uint(-1)',
    'double("x")',
    '"abc".substring(5)',
    '"abc".substring(2, 1)',
    '"a".indexOf("a", 100)',
    'b"a".at(5)',
    'timestamp("garbage")',
    'timestamp(-99999999999999)',
    'duration("x")',
    'Doc.a.b.c',
    'Doc[9223372036854775807]',
    '[1][5]',
    '[1][-1]',
    'optional.none()',
    'left(Name, 9223372036854775807) + right(Name, -9223372036854775808)',
    'string(1e308 * 10.0)',
    'double("NaN") == double("NaN")',
    'timestamp("2020-01-01T00:00:00Z").getHours(Name)',
  ];
  for (const text of cases) {
    it(`contains ${preview(text)}`, () => {
      assertSandboxIntact(() => {
        for (const row of ROWS) {
          const outcome = attempt(text, row);
          if (outcome.kind === 'compile') assertLocated(outcome.error, text);
          if (outcome.kind === 'value') assertHarmless(outcome.value);
        }
      });
    });
  }

  /** Errors that used to escape evaluate() as they were: now ExpressionRuntimeErrors with the cause kept. */
  const escaped: { text: string; row: Record<string, unknown>; message: RegExp; cause: ErrorConstructor }[] =
    [
      {
        text: 'timestamp("2020-01-01T00:00:00Z").getHours(Name)',
        row: { Qty: 1, Name: 'Not/AZone' },
        message: /^Invalid time zone specified: Not\/AZone$/,
        cause: RangeError,
      },
      {
        text: 'timestamp("2020-01-01T00:00:00Z").getDayOfWeek(Name) > 0',
        row: { Qty: 1, Name: 'x'.repeat(10_000) },
        message: /^Invalid time zone specified: x+$/,
        cause: RangeError,
      },
    ];
  for (const { text, row, message, cause } of escaped) {
    it(`wraps the ${cause.name} of ${preview(text)} on ${preview(String(row.Name))}`, () => {
      const outcome = attempt(text, row);
      assert.equal(outcome.kind, 'runtime', `${preview(text)} gave ${outcome.kind}`);
      const { error } = outcome as Extract<Outcome, { kind: 'runtime' }>;
      assert.match(error.message, message);
      assert.ok(error.message.length <= 200, `the message is ${error.message.length} characters long`);
      assert.ok(error.cause instanceof cause, `the cause is ${describeThrown(error.cause)}`);
    });
  }
});
