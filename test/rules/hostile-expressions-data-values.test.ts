/**
 * Hostile row data: JSON values with prototype keys, and text, binary and nested values too long to read.
 * The shared rows, helpers and sandbox checks are in hostile-expressions-support.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_VALUE_LENGTH, toExpressionValue, type ExpressionVariable } from '../../src/rules/expression.ts';
import {
  VARIABLES,
  UNTYPED,
  ROWS,
  attempt,
  assertRejected,
  COMPREHENSION,
  assertHarmless,
  assertSandboxIntact,
  timed,
} from './hostile-expressions-support.ts';

describe('hostile data in JSON values', () => {
  const protoDoc = () => JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}');

  it('reads a JSON "__proto__" key as the row\'s own data, never as a prototype', () => {
    assertSandboxIntact(() => {
      const row = { ...ROWS[0], Doc: protoDoc() };
      assert.deepEqual(attempt('Doc.a', row), { kind: 'value', value: 1 });
      assert.deepEqual(attempt('Doc.__proto__.polluted', row), { kind: 'value', value: 1 });
      assert.deepEqual(attempt('has(Doc.polluted)', row), { kind: 'value', value: false });
      assert.deepEqual(attempt('"polluted" in Doc', row), { kind: 'value', value: false });
      assert.deepEqual(attempt('size(Doc)', row), { kind: 'value', value: 2n });
      const missing = attempt('Doc.polluted', row);
      assert.equal(missing.kind, 'runtime');
    });
  });

  it('passes a hostile JSON value through toExpressionValue unchanged and without pollution', () => {
    assertSandboxIntact(() => {
      const doc = protoDoc();
      assert.equal(toExpressionValue(doc, { kind: 'json' }), doc);
      assert.equal(toExpressionValue(doc, null), doc);
      const nested = JSON.parse('[{"__proto__": {"polluted": 1}}]');
      assert.equal(toExpressionValue(nested, { kind: 'json', array: true }), nested);
    });
  });

  const awkwardDocs = [
    '{"constructor": null}',
    '{"constructor": "Map"}',
    '{"constructor": {"name": "Map", "prototype": {"polluted": 1}}}',
    '{"toString": 1, "valueOf": 2, "hasOwnProperty": 3}',
    '{"a": {"__proto__": {"polluted": 1}}}',
    '[{"__proto__": {"polluted": 1}}, {"constructor": null}]',
    '{"__proto__": null}',
    '{"__proto__": []}',
  ];
  const probes = [
    'Doc',
    'Doc.a',
    'Doc.constructor',
    'Doc.__proto__',
    'Doc.toString',
    'Doc.hasOwnProperty',
    'Doc[0]',
    'Doc[1].constructor',
    'has(Doc.a)',
    '"a" in Doc',
    'size(Doc)',
    'Doc == Doc',
    'Doc == {"constructor": null}',
    'Doc[0] == Doc[1]',
    '[Doc, Doc].size()',
    'string(Doc)',
  ];
  /** Iterating the value's keys would reach them all: refused before any row is seen. */
  const refusedProbes = ['Doc.map(k, k)', 'Doc.all(k, true)', 'Doc.exists(k, Doc[k] == null)'];
  for (const doc of awkwardDocs) {
    it(`contains every probe on Doc = ${doc}`, () => {
      assertSandboxIntact(() => {
        for (const text of probes) {
          const outcome = attempt(text, { ...ROWS[0], Doc: JSON.parse(doc) });
          assert.notEqual(outcome.kind, 'compile', `${text} should compile`);
          if (outcome.kind === 'value') assertHarmless(outcome.value);
        }
        for (const text of refusedProbes) {
          const error = assertRejected(attempt(text, { ...ROWS[0], Doc: JSON.parse(doc) }), text);
          assert.match(error.message, COMPREHENSION);
        }
      });
    });
  }

  it('gives an ExpressionRuntimeError for a JSON value nested 100,000 deep', () => {
    // the value's type is worked out recursively: a RangeError of the stack, which must stay the row's
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    for (const text of ['Doc == Doc', 'size(Doc)', 'Doc[0][0] == [[]]', 'Doc != null']) {
      const outcome = timed(text, () => attempt(text, { ...ROWS[0], Doc: deep }));
      assert.equal(outcome.kind, 'runtime', `${text} gave ${outcome.kind}`);
      assert.match((outcome as { error: Error }).error.message, /Maximum call stack size exceeded/);
    }
  });

  it('gives own data keys named like Object.prototype members', () => {
    const row = { ...ROWS[0], Doc: JSON.parse('{"toString": 1, "valueOf": 2, "hasOwnProperty": 3}') };
    assert.deepEqual(attempt('Doc.toString + Doc.valueOf + Doc.hasOwnProperty', row), {
      kind: 'value',
      value: 6,
    });
  });

  it('does not execute a text value that looks like code', () => {
    const names = ['"); process.exit(1); ("', '${process.exit(1)}', "' + require('fs') + '", '\u0000\u2028'];
    for (const name of names) {
      const row = { ...ROWS[0], Name: name };
      assert.deepEqual(attempt('Name + "!"', row), { kind: 'value', value: `${name}!` });
      assert.deepEqual(attempt('size(Name)', row), { kind: 'value', value: BigInt([...name].length) });
      assert.deepEqual(attempt('upper(Name) == upper(Name)', row), { kind: 'value', value: true });
      assert.deepEqual(attempt('{Name: 1}.size()', row), { kind: 'value', value: 1n });
    }
  });
});

describe('hostile data: values too long to read', () => {
  const long = 'a'.repeat(MAX_VALUE_LENGTH + 1);
  const binary: ExpressionVariable[] = [{ name: 'Bin', type: { kind: 'binary' }, nullable: false }];
  const tags: ExpressionVariable[] = [{ name: 'Tags', type: { kind: 'text', array: true }, nullable: true }];
  const tooLong = (n: number) =>
    new RegExp(`^a value of ${n} characters is more than the ${MAX_VALUE_LENGTH} an expression reads$`);

  it(`reads a text value of ${MAX_VALUE_LENGTH} characters`, () => {
    const outcome = attempt('size(Name)', { ...ROWS[0], Name: long.slice(1) });
    assert.deepEqual(outcome, { kind: 'value', value: BigInt(MAX_VALUE_LENGTH) });
  });

  it('rejects the row, not the run, for a longer text or binary value, typed or not', () => {
    for (const [text, row, variables] of [
      ['size(Name)', { ...ROWS[0], Name: long }, VARIABLES],
      ['Name == ""', { ...ROWS[0], Name: long }, UNTYPED],
      ['size(Bin)', { Bin: Buffer.alloc(MAX_VALUE_LENGTH + 1) }, binary],
    ] as const) {
      const outcome = attempt(text, row, variables);
      assert.equal(outcome.kind, 'runtime', `${text} gave ${outcome.kind}`);
      assert.match((outcome as { error: Error }).error.message, tooLong(MAX_VALUE_LENGTH + 1));
    }
  });

  it('rejects the row for a longer text inside a JSON or list value', () => {
    for (const [text, row, variables] of [
      ['size(Doc.a)', { ...ROWS[0], Doc: { a: long } }, VARIABLES],
      ['size(Doc[0])', { ...ROWS[0], Doc: [long] }, VARIABLES],
      ['size(Tags[0])', { Tags: [long] }, tags],
    ] as const) {
      const outcome = attempt(text, row, variables);
      assert.equal(outcome.kind, 'runtime', `${text} gave ${outcome.kind}`);
    }
  });
});
