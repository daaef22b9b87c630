/**
 * Hostile expressions: prototype, constructor and global access, and what the cases that compile give back.
 * The shared rows, helpers and sandbox checks are in hostile-expressions-support.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkExpressionSyntax } from '../../src/rules/expression.ts';
import {
  VARIABLES,
  UNTYPED,
  ROWS,
  values,
  compile,
  run,
  attempt,
  preview,
  assertLocated,
  COMPREHENSION,
  BIND,
  MATCHES,
  assertHarmless,
  assertSandboxIntact,
} from './hostile-expressions-support.ts';

interface HostileCase {
  text: string;
  /** true: must be rejected at compile time; false: must compile (each row then yields a harmless value or an ExpressionRuntimeError). */
  rejected: boolean;
  /** What the rejection must say, when it is for a reason of its own (a refused feature). */
  because?: RegExp;
}

const ACCESS_CASES: HostileCase[] = [
  // the identifiers themselves
  { text: 'constructor', rejected: true },
  { text: '__proto__', rejected: true },
  { text: 'prototype', rejected: true },
  { text: 'this', rejected: true },
  { text: 'self', rejected: true },
  { text: 'window', rejected: true },
  { text: 'globalThis', rejected: true },
  { text: 'global', rejected: true },
  { text: 'process', rejected: true },
  { text: 'process.env', rejected: true },
  { text: 'process.env.HOME', rejected: true },
  { text: 'process.exit(1)', rejected: true },
  { text: 'process.mainModule.require("child_process")', rejected: true },
  { text: 'module', rejected: true },
  { text: 'exports', rejected: true },
  { text: 'toString', rejected: true },
  { text: 'valueOf', rejected: true },
  { text: 'hasOwnProperty', rejected: true },
  { text: '__defineGetter__', rejected: true },
  { text: 'Object', rejected: true },
  { text: 'Object.prototype', rejected: true },
  { text: 'Reflect', rejected: true },
  { text: 'Proxy', rejected: true },
  { text: 'undefined', rejected: true },
  { text: 'arguments', rejected: true },
  // calls to JavaScript built-ins
  { text: 'require("fs")', rejected: true },
  { text: 'require("child_process").execSync("id")', rejected: true },
  { text: 'import("fs")', rejected: true },
  { text: 'Function("return process")()', rejected: true },
  { text: 'Function("return process")', rejected: true },
  { text: 'eval("process.exit(1)")', rejected: true },
  { text: 'setTimeout("process.exit(1)", 0)', rejected: true },
  { text: 'constructor("return this")', rejected: true },
  { text: 'toString()', rejected: true },
  { text: 'valueOf()', rejected: true },
  { text: 'hasOwnProperty("Qty")', rejected: true },
  { text: 'Object.assign({}, {"polluted": true})', rejected: true },
  { text: 'Object.prototype.polluted', rejected: true },
  { text: 'structuredClone(Doc)', rejected: true },
  // constructor chains on values of every kind
  { text: '"a".constructor', rejected: true },
  { text: '"a".constructor.constructor', rejected: true },
  { text: '"a".constructor.constructor("return process")()', rejected: true },
  { text: '"a".constructor.constructor("return process")', rejected: true },
  { text: '"a"["constructor"]["constructor"]("return process")', rejected: true },
  { text: '"a".__proto__', rejected: true },
  { text: '"a".toString()', rejected: true },
  { text: '"a".valueOf()', rejected: true },
  { text: '"a".length', rejected: true },
  { text: '"a".charAt(0)', rejected: true },
  { text: '"a".replace("a", "b")', rejected: true },
  { text: 'Qty.constructor', rejected: true },
  { text: 'Qty.__proto__', rejected: true },
  { text: 'Qty.toString()', rejected: true },
  { text: 'Name.constructor', rejected: false },
  { text: 'Name.constructor.constructor("return process")', rejected: true },
  { text: 'Name["constructor"]', rejected: false },
  { text: 'Name.__proto__', rejected: false },
  { text: 'Name.toString()', rejected: true },
  { text: 'Name.valueOf()', rejected: true },
  { text: 'Name.hasOwnProperty("length")', rejected: true },
  { text: 'Name.length', rejected: false },
  { text: 'Name["length"]', rejected: false },
  { text: '[].constructor', rejected: true },
  { text: '[]["constructor"]', rejected: true },
  { text: '[].constructor.constructor("return process")()', rejected: true },
  { text: '[1].map(x, x.constructor)', rejected: true },
  { text: '{}.constructor', rejected: false },
  { text: '{}["constructor"]', rejected: false },
  { text: '{}.constructor.constructor("return process")', rejected: true },
  { text: '{}.__proto__', rejected: false },
  { text: '{}["__proto__"]', rejected: false },
  { text: '{}.prototype', rejected: false },
  { text: '{}.toString', rejected: false },
  { text: '{}.hasOwnProperty', rejected: false },
  { text: '{}.polluted', rejected: false },
  { text: 'null.constructor', rejected: true },
  { text: 'true.constructor', rejected: true },
  { text: '1.5.constructor', rejected: true },
  { text: 'b"a".constructor', rejected: false },
  { text: 'int.constructor', rejected: false },
  { text: 'type.constructor', rejected: false },
  { text: 'type(1).constructor', rejected: false },
  { text: 'type(Doc)', rejected: false },
  { text: 'type(type)', rejected: false },
  { text: 'dyn(Name).constructor', rejected: false },
  { text: 'upper(Name).constructor', rejected: true },
  { text: 'upper.constructor', rejected: true },
  { text: 'cel.constructor', rejected: false },
  { text: 'cel.bind.constructor', rejected: false },
  { text: 'timestamp("2020-01-01T00:00:00Z").constructor', rejected: false },
  { text: 'duration("1s").constructor', rejected: false },
  // map literals that try to pollute
  { text: '{"__proto__": {"polluted": true}}', rejected: false },
  { text: '{"__proto__": {"polluted": true}}.polluted', rejected: false },
  { text: '{"__proto__": {"polluted": true}}["__proto__"]', rejected: false },
  { text: 'dyn({"__proto__": {"polluted": true}}).polluted', rejected: false },
  { text: '{"constructor": {"prototype": {"polluted": true}}}', rejected: false },
  { text: '{"prototype": {"polluted": true}}', rejected: false },
  { text: '{Name: {"polluted": true}}', rejected: false },
  { text: '[{"__proto__": {"polluted": true}}, {"__proto__": {"polluted": true}}]', rejected: false },
  { text: '{"a": {"__proto__": {"polluted": true}}}.a.polluted', rejected: false },
  { text: '{"__proto__": 1}.size()', rejected: false },
  { text: '{"toString": "x", "valueOf": "y"}.toString', rejected: false },
  { text: '"polluted" in {}', rejected: false },
  { text: '"constructor" in {}', rejected: false },
  { text: '"__proto__" in {"__proto__": 1}', rejected: false },
  { text: 'has({}.constructor)', rejected: true },
  { text: 'has({}.__proto__)', rejected: true },
  // JSON column access
  { text: 'Doc.constructor', rejected: false },
  { text: 'Doc["constructor"]', rejected: false },
  { text: 'Doc.__proto__', rejected: false },
  { text: 'Doc["__proto__"]', rejected: false },
  { text: 'Doc.__proto__.polluted', rejected: false },
  { text: 'Doc.prototype', rejected: false },
  { text: 'Doc.polluted', rejected: false },
  { text: 'has(Doc.polluted)', rejected: false },
  { text: 'has(Doc.constructor)', rejected: false },
  { text: '"polluted" in Doc', rejected: false },
  { text: 'Doc.toString', rejected: false },
  { text: 'Doc["toString"]', rejected: false },
  { text: 'Doc.hasOwnProperty', rejected: false },
  { text: 'Doc.hasOwnProperty("a")', rejected: true },
  { text: 'Doc.__defineGetter__', rejected: false },
  { text: 'Doc.constructor.constructor("return process")', rejected: true },
  { text: 'Doc.map(k, k)', rejected: true, because: COMPREHENSION },
  { text: 'Doc.map(k, Doc[k])', rejected: true, because: COMPREHENSION },
  { text: '[Doc].map(d, d.constructor)', rejected: true, because: COMPREHENSION },
  { text: 'Doc[0].constructor', rejected: false },
  { text: 'Doc.keys()', rejected: true },
  { text: 'string(Doc)', rejected: false },
  { text: 'Doc == {"__proto__": {"polluted": 1}}', rejected: false },
  // comprehension and bind variables with prototype names (refused features; reserved names fail first)
  { text: 'cel.bind(constructor, 1, constructor)', rejected: true, because: BIND },
  { text: 'cel.bind(toString, "x", toString)', rejected: true, because: BIND },
  {
    text: 'cel.bind(__proto__, 1, __proto__)',
    rejected: true,
    because: /^Reserved identifier: __proto__ at position/,
  },
  {
    text: 'cel.bind(prototype, 1, prototype)',
    rejected: true,
    because: /^Reserved identifier: prototype at position/,
  },
  { text: '[1].map(constructor, constructor)', rejected: true, because: COMPREHENSION },
  {
    text: '[1].map(__proto__, __proto__)',
    rejected: true,
    because: /^Reserved identifier: __proto__ at position/,
  },
  { text: '[1].exists(hasOwnProperty, hasOwnProperty == 1)', rejected: true, because: COMPREHENSION },
  { text: 'regex(Name, "^" + Name)', rejected: true },
  { text: 'regex(Doc.constructor, "(a+)+$")', rejected: false },
  { text: 'Doc.constructor.matches("(a+)+$")', rejected: true, because: MATCHES },
  // escaped identifiers and strings that look like code
  { text: '\\u0063onstructor', rejected: true },
  { text: '\\u{63}onstructor', rejected: true },
  { text: '\\x63onstructor', rejected: true },
  { text: 'Name.\\u0063onstructor', rejected: true },
  { text: 'Name["\\u0063onstructor"]', rejected: false },
  { text: 'Doc["\\u005f\\u005fproto\\u005f\\u005f"]', rejected: false },
  { text: 'Doc["\\x5f\\x5fproto\\x5f\\x5f"].polluted', rejected: false },
  { text: '"\\"); process.exit(1); (\\""', rejected: false },
  { text: "'); process.exit(1); ('", rejected: false },
  { text: '"${process.exit(1)}"', rejected: false },
  { text: 'r"${process.exit(1)}\\u0063"', rejected: false },
  { text: '"""${process.exit(1)}"""', rejected: false },
  { text: 'b"\\x00\\xff"', rejected: false },
  { text: 'true // ); process.exit(1); (', rejected: false },
  // JavaScript-only syntax
  { text: '`${process.exit(1)}`', rejected: true },
  { text: '`a`', rejected: true },
  { text: 'x => x', rejected: true },
  { text: '() => process', rejected: true },
  { text: '(x) => x', rejected: true },
  { text: 'function () { return process }', rejected: true },
  { text: 'function f() {}', rejected: true },
  { text: 'async () => 1', rejected: true },
  { text: 'Qty; process.exit(1)', rejected: true },
  { text: '1; 2', rejected: true },
  { text: 'new Function("return 1")', rejected: true },
  { text: 'new Object()', rejected: true },
  { text: 'Qty = 1', rejected: true },
  { text: 'Qty += 1', rejected: true },
  { text: 'Qty++', rejected: true },
  { text: 'Name === "a"', rejected: true },
  { text: 'Name !== "a"', rejected: true },
  { text: 'Name ?? "a"', rejected: true },
  { text: 'Name?.length', rejected: true },
  { text: 'Doc.?constructor', rejected: true },
  { text: 'Doc[?"constructor"]', rejected: true },
  { text: '...Doc', rejected: true },
  { text: '[...Doc]', rejected: true },
  { text: 'typeof Name', rejected: true },
  { text: 'void 0', rejected: true },
  { text: 'delete Doc.a', rejected: true },
  { text: 'Qty instanceof Object', rejected: true },
  { text: 'Qty in Object', rejected: true },
  { text: 'let x = 1', rejected: true },
  { text: 'var x = 1', rejected: true },
  { text: 'const x = 1', rejected: true },
  { text: 'if (true) 1', rejected: true },
  { text: 'while (true) {}', rejected: true },
  { text: 'for (;;) {}', rejected: true },
  { text: 'return process', rejected: true },
  { text: 'throw 1', rejected: true },
  { text: 'try { 1 } catch (e) { e }', rejected: true },
  { text: 'Qty, process', rejected: true },
  { text: 'Qty | 0', rejected: true },
  { text: 'Qty & 1', rejected: true },
  { text: 'Qty ^ 1', rejected: true },
  { text: '~Qty', rejected: true },
  { text: 'Qty << 1', rejected: true },
  { text: 'Qty ** 2', rejected: true },
  { text: '/constructor/.test(Name)', rejected: true },
  { text: '@constructor', rejected: true },
  { text: '#constructor', rejected: true },
  { text: '<script>alert(1)</script>', rejected: true },
  { text: '{{constructor.constructor("alert(1)")()}}', rejected: true },
  { text: 'Object{}', rejected: true },
  { text: 'Function{}', rejected: true },
  { text: 'google.protobuf.Struct{fields: {}}', rejected: true },
  { text: 'Qty\u2028|| process', rejected: true },
  { text: 'Qty\u0000', rejected: true },
  { text: '\uFEFFQty', rejected: true },
  { text: 'Ｑty', rejected: true },
];

describe('hostile expressions: prototype, constructor and global access', () => {
  for (const { text, rejected, because } of ACCESS_CASES) {
    it(`${rejected ? 'rejects' : 'contains'} ${preview(text)}`, () => {
      assertSandboxIntact(() => {
        const result = compile(text);
        if (rejected) {
          assert.ok(result.error, `${preview(text)} should not compile`);
          assertLocated(result.error, text);
          if (because) assert.match(result.error.message, because);
        } else {
          assert.ok(result.compiled, `${preview(text)} should compile, got: ${result.error?.message}`);
          for (const row of ROWS) {
            const outcome = run(result.compiled, values(row, result.compiled.variables), text);
            if (outcome.kind === 'value') assertHarmless(outcome.value);
          }
        }
        const syntax = checkExpressionSyntax(text);
        if (syntax !== null) {
          assert.ok(rejected, `checkExpressionSyntax rejects ${preview(text)} which compiles: ${syntax}`);
          assertLocated(new Error(syntax), text);
        }
      });
    });
  }

  it('covers every case as a filter too (bool result), with the same containment', () => {
    assertSandboxIntact(() => {
      for (const { text, rejected } of ACCESS_CASES) {
        const outcome = attempt(text, ROWS[2], VARIABLES, 'bool');
        if (rejected) assert.equal(outcome.kind, 'compile', preview(text));
        if (outcome.kind === 'compile' && !/must be true or false/.test(outcome.error.message)) {
          assertLocated(outcome.error, text);
        }
        if (outcome.kind === 'value') assert.equal(typeof outcome.value, 'boolean', preview(text));
      }
    });
  });

  it('contains every case with untyped columns, as filters and expr steps declare them', () => {
    assertSandboxIntact(() => {
      for (const { text, rejected } of ACCESS_CASES) {
        for (const row of ROWS) {
          const outcome = attempt(text, row, UNTYPED);
          if (outcome.kind === 'compile') assertLocated(outcome.error, text);
          else assert.equal(rejected && checkExpressionSyntax(text) !== null, false, preview(text));
          if (outcome.kind === 'value') assertHarmless(outcome.value);
        }
      }
    });
  });

  it('names the result type when a filter does not give a bool', () => {
    const outcome = attempt('{"__proto__": {"polluted": true}}', ROWS[0], VARIABLES, 'bool');
    assert.equal(outcome.kind, 'compile');
    assert.match((outcome as { error: Error }).error.message, /^must be true or false, but gives map/);
  });
});

describe('hostile expressions: what the contained cases give back', () => {
  it('drops __proto__, constructor and prototype keys from map literals', () => {
    assertSandboxIntact(() => {
      const outcome = attempt(
        '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "prototype": 1, "a": 1}',
      );
      assert.equal(outcome.kind, 'value');
      const value = (outcome as { value: Record<string, unknown> }).value;
      assert.deepEqual(Object.keys(value), ['a']);
      assert.equal(Object.getPrototypeOf(value), Object.prototype);
      assert.equal(value.polluted, undefined);
    });
  });

  it('drops a hostile key that comes from a column value', () => {
    const outcome = attempt('{Name: {"polluted": true}}', { ...ROWS[0], Name: '__proto__' });
    assert.equal(outcome.kind, 'value');
    const value = (outcome as { value: object }).value;
    assert.deepEqual(Reflect.ownKeys(value), []);
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
  });

  it('does not let a key inherited from Object.prototype through a field or index', () => {
    for (const text of [
      '{}.constructor',
      '{}["constructor"]',
      '{}.toString',
      '{}.__proto__',
      'Name.constructor',
    ]) {
      const outcome = attempt(text);
      assert.equal(outcome.kind, 'runtime', `${text} gave ${outcome.kind}`);
      assert.match((outcome as { error: Error }).error.message, /No such key/);
    }
    assert.deepEqual(attempt('has(Doc.constructor)'), { kind: 'value', value: false });
    assert.deepEqual(attempt('has(Doc.toString)'), { kind: 'value', value: false });
    assert.deepEqual(attempt('"constructor" in {}'), { kind: 'value', value: false });
  });

  it('keeps strings that look like code as plain strings', () => {
    const exitCalls: unknown[] = [];
    const exit = process.exit;
    process.exit = ((code?: number) => {
      exitCalls.push(code);
      throw new Error('process.exit called');
    }) as typeof process.exit;
    try {
      assert.deepEqual(attempt('"\\"); process.exit(1); (\\""'), {
        kind: 'value',
        value: '"); process.exit(1); ("',
      });
      assert.deepEqual(attempt('"${process.exit(1)}"'), { kind: 'value', value: '${process.exit(1)}' });
      assert.deepEqual(attempt('true // ); process.exit(1); ('), { kind: 'value', value: true });
    } finally {
      process.exit = exit;
    }
    assert.deepEqual(exitCalls, []);
  });

  it('does not unescape an escaped identifier into a field name', () => {
    const outcome = attempt('Doc["\\u005f\\u005fproto\\u005f\\u005f"]', ROWS[3]);
    // the escape is decoded inside a string literal, which is a map key: the row's own "__proto__" data
    assert.deepEqual(outcome, { kind: 'value', value: { polluted: 1 } });
    assert.equal(Object.getPrototypeOf((outcome as { value: object }).value), Object.prototype);
  });
});
