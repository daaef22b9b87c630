/**
 * Hostile expressions: size and nesting. Each case is rejected at compile time, naming the position or the
 * limit, or runs to a result within the time bound.
 * The shared rows, helpers and sandbox checks are in hostile-expressions-support.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkExpressionSyntax } from '../../src/rules/expression.ts';
import {
  type Outcome,
  attempt,
  preview,
  assertLocated,
  assertRejected,
  COMPREHENSION,
  BIND,
  assertSandboxIntact,
  timed,
  range,
  bindBlowup,
} from './hostile-expressions-support.ts';

const SLOW = { timeout: 30_000 };

interface SizeCase {
  label: string;
  text: () => string;
  /** rejected at compile time (message must name the position or the limit) or runs to a result. */
  expect: RegExp | ((outcome: Outcome) => void);
}

const MB = 1_000_000;
const SIZE_CASES: SizeCase[] = [
  {
    label: '10,000 nested parentheses',
    text: () => '('.repeat(10_000) + '1' + ')'.repeat(10_000),
    expect: /Exceeded maxDepth \(32\) at position/,
  },
  {
    label: '10,000 unclosed parentheses',
    text: () => '('.repeat(10_000),
    expect: /Exceeded maxDepth \(32\)/,
  },
  {
    label: '10,000 nested list literals',
    text: () => '['.repeat(10_000) + ']'.repeat(10_000),
    expect: /Exceeded maxDepth \(32\)/,
  },
  {
    label: '10,000 nested map literals',
    text: () => '{"a": '.repeat(10_000) + '1' + '}'.repeat(10_000),
    expect: /Exceeded maxDepth \(32\)/,
  },
  {
    label: '10,000 nested function calls',
    text: () => 'upper('.repeat(10_000) + 'Name' + ')'.repeat(10_000),
    expect: /Exceeded maxDepth \(32\)/,
  },
  {
    label: '10,000 nested ternaries',
    text: () => 'true ? '.repeat(10_000) + '1' + ' : 2'.repeat(10_000),
    expect: /Exceeded maxDepth \(32\)/,
  },
  {
    label: '100,000 chained field accesses',
    text: () => 'Doc' + '.a'.repeat(100_000),
    expect: /Exceeded maxDepth \(32\)/,
  },
  {
    label: '100,000 chained index accesses',
    text: () => 'Doc' + '[0]'.repeat(100_000),
    expect: /Exceeded maxDepth \(32\)/,
  },
  {
    label: '100,000 chained method calls',
    text: () => 'Name' + '.trim()'.repeat(100_000),
    expect: /Exceeded max(Depth|AstNodes)/,
  },
  {
    label: 'deeply nested comprehensions',
    text: () => '[1].all(a, '.repeat(1000) + 'true' + ')'.repeat(1000),
    expect: /Exceeded maxDepth \(32\)/,
  },
  {
    label: '31 nested list literals (inside the depth limit)',
    text: () => '['.repeat(31) + ']'.repeat(31),
    expect: (outcome) => assert.equal(outcome.kind, 'value'),
  },
  {
    label: 'a 1 MB sum',
    text: () => '1 + '.repeat(MB / 4) + '1',
    expect: /Exceeded maxAstNodes \(1000\) at position/,
  },
  {
    label: 'a 1 MB chain of &&',
    text: () => 'true && '.repeat(MB / 8) + 'true',
    expect: /Exceeded maxAstNodes \(1000\)/,
  },
  {
    label: 'a 1 MB string literal',
    text: () => `"${'a'.repeat(MB)}" == Name`,
    expect: (outcome) => assert.deepEqual(outcome, { kind: 'value', value: false }),
  },
  {
    label: 'a 1 MB unterminated string literal',
    text: () => `"${'a'.repeat(MB)}`,
    expect: /Unterminated string at position 1/,
  },
  {
    label: 'a 1 MB bytes literal',
    text: () => `size(b"${'\\xff'.repeat(MB / 4)}")`,
    expect: (outcome) => assert.deepEqual(outcome, { kind: 'value', value: BigInt(MB / 4) }),
  },
  {
    label: '1 MB of whitespace',
    text: () => ' '.repeat(MB) + 'Qty',
    expect: (outcome) => assert.deepEqual(outcome, { kind: 'value', value: 3n }),
  },
  {
    label: 'a 1 MB comment',
    text: () => `// ${'a'.repeat(MB)}\nQty`,
    expect: (outcome) => assert.deepEqual(outcome, { kind: 'value', value: 3n }),
  },
  {
    label: '1 MB of garbage',
    text: () => '#'.repeat(MB),
    expect: /at position 1/,
  },
  {
    label: '1 MB of a JS program',
    text: () => 'process.exit(1);'.repeat(MB / 16),
    expect: /at position \d+/,
  },
  {
    label: '500 chained && (999 nodes, inside the limit)',
    text: () => Array(500).fill('true').join(' && '),
    expect: (outcome) => assert.deepEqual(outcome, { kind: 'value', value: true }),
  },
  {
    label: '500 chained || of column tests',
    text: () => Array(500).fill('Qty > 0').join(' || '),
    expect: /Exceeded maxAstNodes \(1000\) at position/,
  },
  {
    label: '250 chained && of column tests (inside the limit)',
    text: () => Array(250).fill('Qty > 0').join(' && '),
    expect: (outcome) => assert.deepEqual(outcome, { kind: 'value', value: true }),
  },
  {
    label: '"a" * 100000000',
    text: () => '"a" * 100000000',
    expect: /no such overload: string \* int at position 1/,
  },
  {
    label: '[1] * 100000000',
    text: () => '[1] * 100000000',
    expect: /no such overload.* at position 1/,
  },
  {
    label: 'string repeat()',
    text: () => '"a".repeat(100000000)',
    expect: /found no matching overload .* at position 1/,
  },
  {
    label: 'a 100,000-element list literal',
    text: () => range(100_000),
    expect: /Exceeded maxAstNodes \(1000\) at position/,
  },
  {
    label: 'a 101-entry map literal',
    text: () => `{${Array.from({ length: 101 }, (_, i) => `"k${i}": ${i}`).join(', ')}}`,
    expect: /Exceeded maxMapEntries \(100\) at position/,
  },
  {
    label: 'a call with 17 arguments',
    text: () => `upper(${Array(17).fill('Name').join(', ')})`,
    expect: /Exceeded maxCallArguments \(16\) at position/,
  },
  {
    label: 'a 900-element list literal',
    text: () => `size(${range(900)})`,
    expect: (outcome) => assert.deepEqual(outcome, { kind: 'value', value: 900n }),
  },
  {
    label: 'string repetition via + (400 × 1000 characters)',
    text: () =>
      Array(400)
        .fill(`"${'x'.repeat(1000)}"`)
        .join(' + '),
    expect: (outcome) => {
      assert.equal(outcome.kind, 'value');
      assert.equal((outcome as { value: string }).value.length, 400_000);
    },
  },
  {
    label: 'column repetition via + (500 × Name)',
    text: () => Array(500).fill('Name').join(' + '),
    expect: (outcome) => assert.deepEqual(outcome, { kind: 'value', value: 'Ann'.repeat(500) }),
  },
  {
    label: 'string doubling through 20 nested cel.bind',
    text: () => bindBlowup('"abcdefgh"', 20, 2, (last) => `size(${last})`),
    expect: /Exceeded maxDepth \(32\) at position/,
  },
  {
    label: 'list doubling through 20 nested cel.bind',
    text: () => bindBlowup('[1, 2, 3, 4, 5, 6, 7, 8]', 20, 2, (last) => `size(${last})`),
    expect: /Exceeded maxDepth \(32\) at position/,
  },
  {
    label: 'a comprehension over a 900-element list',
    text: () => `${range(900)}.filter(x, x % 2 == 0).map(x, x * 2).size()`,
    expect: COMPREHENSION,
  },
  {
    label: 'two nested comprehensions over 300 elements',
    text: () => `cel.bind(l, ${range(300)}, l.all(a, l.exists(b, b == a)))`,
    expect: BIND,
  },
  {
    label: 'string doubling through 8 nested cel.bind (inside the depth limit)',
    text: () => bindBlowup('"abcdefgh"', 8, 4, (last) => `size(${last})`),
    expect: BIND,
  },
  {
    label: '100,000 unary minus signs',
    text: () => '-'.repeat(100_000) + '1',
    expect: /^nests too deeply \(at most 32 levels\)$/,
  },
  {
    label: '100,000 negations',
    text: () => '!'.repeat(100_000) + 'true',
    expect: /^nests too deeply \(at most 32 levels\)$/,
  },
  {
    label: '5,000 negations',
    text: () => '!'.repeat(5000) + 'true',
    expect: /Exceeded maxAstNodes \(1000\)/,
  },
];

describe('hostile expressions: size and nesting', () => {
  for (const { label, text: build, expect } of SIZE_CASES) {
    it(`fails or finishes fast: ${label}`, SLOW, () => {
      const text = build();
      assertSandboxIntact(() => {
        const outcome = timed(label, () => attempt(text));
        if (expect instanceof RegExp) {
          assert.equal(outcome.kind, 'compile', `${label} should be rejected, got ${outcome.kind}`);
          assert.match((outcome as { error: Error }).error.message, expect);
        } else {
          expect(outcome);
        }
        timed(`${label} (syntax check)`, () => checkExpressionSyntax(text));
      });
    });
  }

  it('points at the limit that was hit in every size rejection', SLOW, () => {
    for (const { label, text: build, expect } of SIZE_CASES) {
      if (!(expect instanceof RegExp)) continue;
      const text = build();
      const outcome = attempt(text);
      assert.equal(outcome.kind, 'compile', label);
      assertLocated((outcome as { error: Error }).error, label);
      const syntax = checkExpressionSyntax(text);
      if (syntax !== null) assertLocated(new Error(syntax), label);
    }
  });

  it('keeps the problem report short for a 1 MB expression', SLOW, () => {
    for (const text of ['1 + '.repeat(MB / 4) + '1', '('.repeat(MB), `"${'a'.repeat(MB)}`, '#'.repeat(MB)]) {
      const outcome = timed(preview(text), () => attempt(text));
      assert.equal(outcome.kind, 'compile');
      const { length } = (outcome as { error: Error }).error.message;
      assert.ok(length < 1000, `${preview(text)}: the message is ${length} characters long`);
    }
  });

  it('reports 100,000 negations / minus signs as too deep, in the syntax check too', SLOW, () => {
    for (const text of ['!'.repeat(100_000) + 'true', '-'.repeat(100_000) + '1', '-!'.repeat(50_000) + '1']) {
      const error = assertRejected(
        timed(preview(text), () => attempt(text)),
        text,
      );
      assert.equal(error.message, 'nests too deeply (at most 32 levels)');
      assert.equal(error.cause instanceof RangeError, true, 'the cause is the stack overflow');
      assert.equal(checkExpressionSyntax(text), 'nests too deeply (at most 32 levels)');
    }
  });

  it('keeps the problem report short for a 1 MB unknown identifier', SLOW, () => {
    const text = 'a'.repeat(MB);
    const error = assertRejected(
      timed('a 1 MB identifier', () => attempt(text)),
      text,
      /^Unknown variable: a{150,}… at position 1: "⟨here⟩a{20}…"\. Known columns: Qty, Name, Doc$/,
    );
    assert.ok(error.message.length < 300, `the message is ${error.message.length} characters long`);
  });

  it('keeps the problem report short for a 1 MB function or method name', SLOW, () => {
    for (const text of [`${'a'.repeat(MB)}(Qty)`, `Qty.${'a'.repeat(MB)}()`]) {
      const error = assertRejected(
        attempt(text),
        text,
        /^found no matching overload for '(int\.)?a{150,}… at position \d+/,
      );
      assert.ok(error.message.length < 1000, `the message is ${error.message.length} characters long`);
    }
  });
});
