/**
 * Refused features: comprehensions and cel.bind (no evaluation budget bounds them), matches (a
 * backtracking JavaScript RegExp), split and join (a quadratic string from one value) and json() (wrong
 * on bytes literals). Each is an ExpressionError at the start of its call (its receiver), wherever it
 * stands.
 * The shared rows, helpers and sandbox checks are in hostile-expressions-support.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  VARIABLES,
  UNTYPED,
  ROWS,
  compile,
  attempt,
  preview,
  assertLocated,
  assertRejected,
  COMPREHENSION,
  BIND,
  MATCHES,
  SPLIT,
  JOIN,
  JSON_METHOD,
  timed,
  range,
  bindBlowup,
} from './hostile-expressions-support.ts';

const REGEX_LITERAL =
  /^regex\(\) takes its pattern as a string literal, e\.g\. regex\(Code, "\^\[A-Z\]\{3\}\$"\) at position \d+: /;

const REDOS_INPUT = 'a'.repeat(34) + '!';

const REFUSED_CASES: { text: string; because: RegExp; at: number }[] = [
  { text: '[1, 2].map(x, x * 2)', because: COMPREHENSION, at: 1 },
  { text: '[1, 2].map(x, x > 1, x * 2)', because: COMPREHENSION, at: 1 },
  { text: '[1].filter(x, x > 0)', because: COMPREHENSION, at: 1 },
  { text: '[1].all(x, x > 0)', because: COMPREHENSION, at: 1 },
  { text: '[1].exists(x, x > 0)', because: COMPREHENSION, at: 1 },
  { text: '[1].exists_one(x, x > 0)', because: COMPREHENSION, at: 1 },
  { text: 'Qty > 0 && [1].all(x, x > 0)', because: COMPREHENSION, at: 12 },
  { text: 'size(Doc.filter(k, k == "a")) > 0', because: COMPREHENSION, at: 6 },
  { text: 'Doc.exists(k, k == "constructor")', because: COMPREHENSION, at: 1 },
  { text: 'dyn(Doc).all(k, true)', because: COMPREHENSION, at: 1 },
  { text: 'has(Doc.a) && Doc.a.exists(x, true)', because: COMPREHENSION, at: 15 },
  { text: '{"a": [1].map(x, x)}', because: COMPREHENSION, at: 7 },
  { text: '[[1].all(x, true)]', because: COMPREHENSION, at: 2 },
  { text: 'Doc[[1].all(x, true)]', because: COMPREHENSION, at: 5 },
  { text: '1 in [1].map(x, x)', because: COMPREHENSION, at: 6 },
  { text: 'Qty > 0 ? 1 : [1].map(x, x).size()', because: COMPREHENSION, at: 15 },
  { text: '[1].map(x, [2].map(y, x + y))', because: COMPREHENSION, at: 1 },
  { text: 'cel.bind(x, 1, x)', because: BIND, at: 1 },
  { text: 'Qty + cel.bind(x, Qty, x * x)', because: BIND, at: 7 },
  { text: 'cel.bind(x, Name, x + x) == ""', because: BIND, at: 1 },
  { text: 'Name.matches("^a")', because: MATCHES, at: 1 },
  { text: 'Qty > 0 && Name.matches("^(a+)+$")', because: MATCHES, at: 12 },
  { text: '"aaaa".matches(Name)', because: MATCHES, at: 1 },
  { text: 'upper(Name).matches("A")', because: MATCHES, at: 1 },
  { text: '(Name).matches("a")', because: MATCHES, at: 2 },
  { text: 'Name.matches("a") == true', because: MATCHES, at: 1 },
  // under a unary operator, whose operand cel-js holds as a single node rather than a list
  { text: '!Name.matches("^(a+)+$")', because: MATCHES, at: 2 },
  { text: '!(Qty > 0 && Name.matches("a"))', because: MATCHES, at: 14 },
  { text: '!!Name.matches("a")', because: MATCHES, at: 3 },
  { text: '-cel.bind(x, Qty, x)', because: BIND, at: 2 },
  { text: '-(-(cel.bind(x, 1, x)))', because: BIND, at: 5 },
  { text: '![1].all(x, false)', because: COMPREHENSION, at: 2 },
  { text: '-size([1].map(x, x))', because: COMPREHENSION, at: 7 },
  { text: 'Qty > 0 && !Doc.exists(k, k == "a")', because: COMPREHENSION, at: 13 },
  // split, join and json()
  { text: 'Name.split("")', because: SPLIT, at: 1 },
  { text: 'size(Name.split(",")) > 1', because: SPLIT, at: 6 },
  { text: 'Name.split("", 9223372036854775807).size()', because: SPLIT, at: 1 },
  { text: '["a", "b"].join(",")', because: JOIN, at: 1 },
  { text: '[Name].join()', because: JOIN, at: 1 },
  { text: 'bytes(Name).json()', because: JSON_METHOD, at: 1 },
  { text: 'b"{\\"a\\": 1}".json()', because: JSON_METHOD, at: 1 },
];

describe('hostile expressions: refused features', () => {
  for (const { text, because, at } of REFUSED_CASES) {
    it(`refuses ${preview(text)} at position ${at}`, () => {
      for (const variables of [VARIABLES, UNTYPED]) {
        const error = assertRejected(attempt(text, ROWS[0], variables), text, because);
        assert.ok(error.message.includes(` at position ${at}: "`), `${preview(text)}: ${error.message}`);
      }
      // as a filter: refused as well, unless the result type is already the problem
      const filter = attempt(text, ROWS[0], VARIABLES, 'bool');
      assert.equal(filter.kind, 'compile', preview(text));
      assert.match(
        (filter as { error: Error }).error.message,
        new RegExp(`(?:${because.source})|^must be true or false, but gives `),
      );
    });
  }

  it('only refuses calls: a field named like a refused feature still compiles', () => {
    for (const text of [
      'Doc.map',
      'Doc.all',
      'Doc.exists_one',
      'cel.bind',
      'Name.matches',
      '{"map": 1}.map',
    ]) {
      const outcome = attempt(text);
      if (outcome.kind === 'compile') assert.fail(`${text} was rejected: ${outcome.error.message}`);
    }
  });

  it('offers regex(text, pattern) instead of matches, on RE2', () => {
    assert.deepEqual(attempt('regex(Name, "^A")'), { kind: 'value', value: true });
    assert.deepEqual(attempt('regex(Name, "(?i)^ANN$")'), { kind: 'value', value: true });
    assert.deepEqual(attempt('regex(Name, "^(a+)+$")', { ...ROWS[0], Name: REDOS_INPUT }), {
      kind: 'value',
      value: false,
    });
    // the pattern is a string literal, compiled once when the spec is planned: at most 500 RE2
    // instructions (RE2's cost per character grows with the program), valid RE2 syntax
    for (const text of [
      'regex(Name, Name)',
      'regex("x", Name + "a")',
      'regex("x", Doc.p)',
      'regex(Name, upper("a"))',
    ]) {
      const outcome = attempt(text, { ...ROWS[0], Name: '^a' });
      assert.equal(outcome.kind, 'compile', text);
      assert.match((outcome as { error: Error }).error.message, REGEX_LITERAL, text);
    }
    for (const text of ['regex(Name, "[a-z]{1000}")', 'regex(Name, "(?i)(\\\\pL|\\\\pN){1000}b")']) {
      const outcome = attempt(text);
      assert.equal(outcome.kind, 'compile', text);
      assert.match(
        (outcome as { error: Error }).error.message,
        /^regex\(\) pattern is not a valid regular expression \(the pattern compiles to \d+ instructions, more than 500; use smaller counted repetitions \(\{n\}\)\)/,
        text,
      );
    }
    assert.deepEqual(attempt('regex(Name, "[a-z]{400}")'), { kind: 'value', value: false });
    // RE2 syntax only: a back-reference or a look-around is refused when the spec is planned
    for (const pattern of ['(a)\\\\1', '(?=a)', '(']) {
      const outcome = attempt(`regex(Name, "${pattern}")`);
      assert.equal(outcome.kind, 'compile', pattern);
      assert.match(
        (outcome as { error: Error }).error.message,
        /^regex\(\) pattern is not a valid regular expression/,
      );
    }
  });

  const runaways: { label: string; text: string; because: RegExp }[] = [
    {
      label: 'catastrophic backtracking in a literal (53 characters ran for minutes)',
      text: `"${REDOS_INPUT}".matches("^(a+)+$")`,
      because: MATCHES,
    },
    {
      label: 'catastrophic backtracking on a row value (a 35-character value hung the row)',
      text: 'Name.matches("^(a+)+$")',
      because: MATCHES,
    },
    {
      label: 'a backtracking regex taken from a row value',
      text: `"${REDOS_INPUT}".matches(Name)`,
      because: MATCHES,
    },
    {
      label: 'three nested comprehensions over a bound 500-element list (1.25e8 iterations)',
      text: `cel.bind(l, ${range(500)}, l.all(a, l.all(b, l.all(c, true))))`,
      because: BIND,
    },
    {
      label: 'four nested comprehensions over 200-element list literals (1.6e9 iterations)',
      text: `${range(200)}.all(a, ${range(200)}.all(b, ${range(200)}.all(c, ${range(200)}.all(d, true))))`,
      because: COMPREHENSION,
    },
    {
      label: 'a list of 1e6 elements from three nested map',
      text: `size(${range(100)}.map(a, ${range(100)}.map(b, ${range(100)})))`,
      because: COMPREHENSION,
    },
    {
      label: 'list doubling (8 × 8^8 elements) through nested cel.bind',
      text: bindBlowup('[1, 2, 3, 4, 5, 6, 7, 8]', 8, 8, (last) => `size(${last})`),
      because: BIND,
    },
    {
      label: 'string doubling (8 × 8^10 characters) through nested cel.bind',
      text: bindBlowup('"abcdefgh"', 10, 8, (last) => `size(${last})`),
      because: BIND,
    },
    {
      label: 'matches() behind a unary ! (slipped past the refusal once)',
      text: `!"${REDOS_INPUT}".matches("^(a+)+$")`,
      because: MATCHES,
    },
    {
      label: 'three nested comprehensions behind a unary ! (1.25e8 iterations)',
      text: `!cel.bind(l, ${range(500)}, l.all(a, l.all(b, l.all(c, true))))`,
      because: BIND,
    },
    {
      label: 'a quadratic string: split and join (4e8 characters from a 20,000-character value)',
      text: 'size(Name.split("").join(Name))',
      because: JOIN, // the outer call is reported
    },
    {
      label: 'a quadratic string: join alone',
      text: `size([${Array(500).fill('Name').join(', ')}].join(Name))`,
      because: JOIN,
    },
  ];
  for (const { label, text, because } of runaways) {
    it(`refuses a former runaway at compile time, without running it: ${label}`, () => {
      // compiled only: should the refusal regress, the test fails here instead of hanging
      const result = timed(label, () => compile(text));
      assert.ok(result.error, `${label}: compiled, so it would run`);
      assertLocated(result.error, text);
      assert.match(result.error.message, because);
    });
  }
});
