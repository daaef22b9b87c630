/**
 * Hostile column names: columns named after Object.prototype members, and the names cel-js refuses.
 * The shared rows, helpers and sandbox checks are in hostile-expressions-support.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExpressionVariable } from '../../src/rules/expression.ts';
import {
  VARIABLES,
  values,
  compile,
  run,
  attempt,
  assertRejected,
  BIND,
  assertSandboxIntact,
} from './hostile-expressions-support.ts';

describe('hostile column names', () => {
  const names = [
    'constructor',
    '__proto__',
    'prototype',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'isPrototypeOf',
  ];
  const columns: ExpressionVariable[] = [
    ...VARIABLES,
    ...names.map((name) => ({ name, type: { kind: 'text' as const }, nullable: true })),
  ];
  const full = () => {
    const row: Record<string, unknown> = Object.create(null);
    for (const name of names) row[name] = `v-${name}`;
    row.Qty = 1;
    return row;
  };

  it('leaves out the names cel-js refuses and keeps the others, listing the ones read', () => {
    const text =
      'Qty > 0 && Name != "" && Doc != null && constructor + toString + hasOwnProperty + valueOf + isPrototypeOf != ""';
    const { compiled } = compile(text, columns);
    assert.ok(compiled);
    assert.deepEqual(
      compiled.variables.map((v) => v.name),
      ['Qty', 'Name', 'Doc', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'],
    );
    assert.deepEqual(
      compile('Qty > 0', columns).compiled!.variables.map((v) => v.name),
      ['Qty'],
      'only what the expression reads is converted per row',
    );
  });

  for (const name of ['__proto__', 'prototype']) {
    it(`reports a reference to the refused column ${name} as an ExpressionError with its position`, () => {
      for (const text of [name, `${name} == "x"`, `Qty > 0 && ${name} != null`, `has(${name}.polluted)`]) {
        const error = assertRejected(attempt(text, full(), columns), text);
        assert.match(error.message, new RegExp(`Reserved identifier: ${name}`));
      }
    });
  }

  for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf']) {
    it(`reads the column ${name} from the row, not from Object.prototype`, () => {
      assertSandboxIntact(() => {
        assert.deepEqual(attempt(name, full(), columns), { kind: 'value', value: `v-${name}` });
        assert.deepEqual(attempt(`${name} + "!"`, full(), columns), { kind: 'value', value: `v-${name}!` });
        // a context without the key: the member inherited from Object.prototype must not come through
        for (const text of [name, `${name}.name`, `[${name}]`, `{"a": ${name}}`, `Qty > 0 ? ${name} : ""`]) {
          const { compiled } = compile(text, columns);
          assert.ok(compiled, text);
          for (const context of [{ Qty: 1n }, Object.assign(Object.create(null), { Qty: 1n })]) {
            const outcome = run(compiled, context, text);
            assert.equal(outcome.kind, 'runtime', `${text} on a row without ${name} gave ${outcome.kind}`);
          }
        }
        const nulled = attempt(`${name} == null`, { Qty: 1, [name]: null }, columns);
        assert.deepEqual(nulled, { kind: 'value', value: true });
        // binding it to a variable first is no route around that: cel.bind is refused
        const bound = `cel.bind(f, ${name}, f)`;
        assert.match(assertRejected(attempt(bound, full(), columns), bound).message, BIND);
      });
    });
  }

  it('keeps a row object with an own "__proto__" key from changing prototypes', () => {
    assertSandboxIntact(() => {
      const row = JSON.parse('{"Qty": 1, "__proto__": {"polluted": 1}, "constructor": "c"}');
      assert.deepEqual(attempt('constructor', row, columns), { kind: 'value', value: 'c' });
      const { compiled } = compile('constructor', columns);
      const built = values(row, compiled!.variables);
      assert.equal(Object.getPrototypeOf(built), null);
      assert.equal(Object.hasOwn(built, '__proto__'), false, 'a refused name is not bound');
      // the raw parsed row as the context, own "__proto__" key and all
      assert.equal(compiled!.evaluate(row), 'c');
    });
  });
});
