/**
 * The bisection that isolates refused rows, counted against a table kept in memory (a key set with a
 * CHECK-like rule, and a transaction of segments that stay once loaded): it finds exactly the refused
 * rows, duplicates within the batch included, with O(log n) attempts for one bad row, at most 2n − 2
 * for any batch, and stops early past maxRefused. The sinks' use of it against the real databases is
 * tested in test/e2e/target-limits.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isolateRefusedRows,
  isolateRefusedRowsSync,
  type Segment,
} from '../../src/connectors/isolate-refused-rows.ts';

/**
 * A unique key column that refuses negative keys and keys already loaded, like a database would: a
 * segment loads whole or not at all. Counts attempts and rows sent.
 */
function table(keys: number[]) {
  const loaded = new Set<number>();
  const stats = { attempts: 0, rowsSent: 0, sent: new Map<number, number>() };
  const attempt = ([from, to]: Segment): unknown => {
    stats.attempts++;
    stats.rowsSent += to - from;
    for (let i = from; i < to; i++) stats.sent.set(i, (stats.sent.get(i) ?? 0) + 1);
    const segment = keys.slice(from, to);
    const seen = new Set<number>();
    for (const key of segment) {
      if (key < 0) return Object.assign(new Error('violates check constraint "positive"'), { code: '23514' });
      if (loaded.has(key) || seen.has(key)) {
        return Object.assign(new Error('duplicate key value violates unique constraint "t_pkey"'), {
          code: '23505',
        });
      }
      seen.add(key);
    }
    for (const key of segment) loaded.add(key);
    return null;
  };
  return { attempt, stats, loaded };
}

describe('isolateRefusedRows', () => {
  it('finds the one bad row of 1024 in about 2·log2(n) attempts', async () => {
    const keys = Array.from({ length: 1024 }, (_, i) => (i === 700 ? -1 : i));
    const { attempt, stats, loaded } = table(keys);
    const refused = await isolateRefusedRows(keys.length, keys.length, async (s) => attempt(s));
    assert.deepEqual(
      refused.map((r) => r.index),
      [700],
    );
    assert.equal(
      refused[0]!.message,
      'the target refused the row: violates check constraint "positive" (23514)',
    );
    assert.ok(stats.attempts <= 2 * Math.log2(1024), `${stats.attempts} attempts`);
    assert.equal(loaded.size, 1023, 'every other row loaded in the (rolled back) transaction');
  });

  it('refuses the second of two rows with the same key, and the rows that repeat a loaded key', () => {
    const keys = [1, 2, 3, 4, 2, 5, 6, 1];
    const { attempt } = table(keys);
    const refused = isolateRefusedRowsSync(keys.length, keys.length, attempt);
    assert.deepEqual(
      refused.map((r) => r.index),
      [4, 7],
    );
  });

  it('a batch where every row is refused costs at most 2n − 2 attempts, each row sent at most log2(n) times', () => {
    const n = 64;
    const keys = Array.from({ length: n }, () => -1);
    const { attempt, stats } = table(keys);
    const refused = isolateRefusedRowsSync(n, n, attempt);
    assert.equal(refused.length, n);
    assert.ok(stats.attempts <= 2 * n - 2, `${stats.attempts} attempts`);
    assert.ok(Math.max(...stats.sent.values()) <= Math.log2(n), 'no row is sent more than log2(n) times');
    assert.ok(stats.rowsSent <= n * Math.log2(n));
  });

  it('stops once more than maxRefused rows are refused', () => {
    const n = 64;
    const keys = Array.from({ length: n }, () => -1);
    const { attempt, stats } = table(keys);
    const refused = isolateRefusedRowsSync(n, n / 2, attempt);
    assert.equal(refused.length, n / 2 + 1);
    assert.ok(stats.attempts <= n + Math.log2(n), `${stats.attempts} attempts`);
  });

  it('a single refused row is tried once', () => {
    const { attempt, stats } = table([-1]);
    assert.deepEqual(
      isolateRefusedRowsSync(1, 1, attempt).map((r) => r.index),
      [0],
    );
    assert.equal(stats.attempts, 1);
  });
});
