/**
 * withRetry with tiny policies (the tests take milliseconds): transient faults are retried with
 * growing, bounded waits, permanent ones rethrown at once, exhaustion says how many attempts were
 * made, an abort ends a wait at once. The faults are real driver errors (a refused connection, a
 * syntax error, a terminated backend) from the local PostgreSQL server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  RetryExhaustedError,
  withRetry,
  type RetryInfo,
  type RetryPolicy,
} from '../../src/engine/retry.ts';
import { closedPort, rejection } from '../connectors/fault-helpers.ts';
import { waitFor } from '../connectors/mysql/mysql-test-database.ts';
import { SERVER } from '../connectors/postgres/postgres-test-schema.ts';

const TINY: RetryPolicy = { attempts: 6, initialDelayMs: 1, maxDelayMs: 4 };
/** Pins the jitter to (almost) its ceiling, so the waits are predictable. */
const HIGH = () => 0.999;

describe('withRetry', () => {
  let refused: Error;
  let syntax: Error;
  const admin = new pg.Pool({ ...SERVER, max: 2 });

  before(async () => {
    refused = await rejection(new pg.Client({ ...SERVER, port: await closedPort() }).connect());
    syntax = await rejection(admin.query('SELEC 1'));
  });
  after(() => admin.end());

  it('retries transient faults with growing waits bounded by maxDelayMs, then returns the result', async () => {
    const attempts: number[] = [];
    const retries: RetryInfo[] = [];
    const result = await withRetry(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt <= 4) throw new Error(`loading failed`, { cause: refused });
        return 'done';
      },
      { policy: TINY, random: HIGH, onRetry: (info) => retries.push(info) },
    );
    assert.equal(result, 'done');
    assert.deepEqual(attempts, [1, 2, 3, 4, 5]);
    assert.deepEqual(
      retries.map((r) => r.attempt),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      retries.map((r) => r.delayMs),
      [1, 2, 4, 4], // 1, 2, 4, then capped at maxDelayMs
    );
    assert.equal(retries[0]!.fault, 'connection refused (server down or restarting) (ECONNREFUSED)');
    assert.equal((retries[0]!.error as Error).cause, refused);
  });

  it('fails transiently twice, then succeeds: 3 attempts, waits growing up to maxDelayMs', async () => {
    const attempts: number[] = [];
    const delays: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt <= 2) throw refused;
        return 'loaded';
      },
      {
        policy: { attempts: 5, initialDelayMs: 2, maxDelayMs: 3 },
        random: HIGH,
        onRetry: ({ delayMs }) => delays.push(delayMs),
      },
    );
    assert.equal(result, 'loaded');
    assert.deepEqual(attempts, [1, 2, 3]);
    assert.deepEqual(delays, [2, 3]); // ceilings 2 and 4, the second capped at 3
  });

  it('rethrows a permanent error at once, unchanged, after 1 attempt', async () => {
    let calls = 0;
    const retries: RetryInfo[] = [];
    const error = await rejection(
      withRetry(
        async () => {
          calls++;
          throw syntax;
        },
        { policy: TINY, onRetry: (info) => retries.push(info) },
      ),
    );
    assert.equal(error, syntax);
    assert.equal(calls, 1);
    assert.deepEqual(retries, []);
    // A thrown non-Error comes back as it was thrown.
    const thrown = await withRetry(
      async () => {
        throw 'plain text';
      },
      { policy: TINY },
    ).catch((value: unknown) => value);
    assert.equal(thrown, 'plain text');
  });

  it('after the last attempt, throws RetryExhaustedError saying how many attempts were made', async () => {
    let calls = 0;
    const error = await rejection(
      withRetry(
        async () => {
          calls++;
          throw refused;
        },
        { policy: { attempts: 3, initialDelayMs: 0, maxDelayMs: 0 } },
      ),
    );
    assert.equal(calls, 3);
    assert.ok(error instanceof RetryExhaustedError);
    assert.equal(error.attempts, 3);
    assert.equal(error.message, `gave up after 3 attempts: ${refused.message}`);
    assert.equal(error.cause, refused);
  });

  it('an abort during a wait ends it at once, rejecting with the signal’s reason', async () => {
    const controller = new AbortController();
    const started = performance.now();
    let calls = 0;
    const error = await rejection(
      withRetry(
        async () => {
          calls++;
          throw refused;
        },
        {
          policy: { attempts: 5, initialDelayMs: 10_000, maxDelayMs: 10_000 },
          random: HIGH,
          signal: controller.signal,
          onRetry: () => void setTimeout(() => controller.abort(), 10),
        },
      ),
    );
    assert.ok(performance.now() - started < 5000, 'ended promptly, not after the 10 s retry delay');
    assert.equal(calls, 1);
    assert.equal(error, controller.signal.reason);
    assert.equal(error.name, 'AbortError');

    const cancelled = new AbortController();
    const reason = new Error('run cancelled');
    cancelled.abort(reason);
    let ran = false;
    await assert.rejects(
      withRetry(
        async () => {
          ran = true;
        },
        { policy: TINY, signal: cancelled.signal },
      ),
      (e) => e === reason,
    );
    assert.equal(ran, false, 'no attempt starts once aborted');
  });

  it('returns the result of an attempt that succeeds while the signal aborts', async () => {
    const controller = new AbortController();
    const result = await withRetry(
      async () => {
        controller.abort();
        return 'committed';
      },
      { policy: TINY, signal: controller.signal },
    );
    assert.equal(result, 'committed');
  });

  it('rejects with what onRetry throws', async () => {
    const failure = new Error('logger broke');
    const error = await rejection(
      withRetry(
        async () => {
          throw refused;
        },
        {
          policy: TINY,
          onRetry: () => {
            throw failure;
          },
        },
      ),
    );
    assert.equal(error, failure);
  });

  it('reconnects after a terminated backend and succeeds on the second attempt', async () => {
    const faults: string[] = [];
    const value = await withRetry(
      async (attempt) => {
        const client = new pg.Client(SERVER);
        client.on('error', () => {});
        await client.connect();
        try {
          if (attempt === 1) {
            const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
            const sleeping = client.query('SELECT pg_sleep(5)');
            sleeping.catch(() => {});
            await waitFor(
              async () =>
                (
                  await admin.query(
                    `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'`,
                    [pid],
                  )
                ).rowCount === 1,
              'the sleep to start',
            );
            await admin.query('SELECT pg_terminate_backend($1)', [pid]);
            await sleeping;
          }
          return (await client.query<{ answer: number }>('SELECT 42 AS answer')).rows[0]!.answer;
        } finally {
          await client.end().catch(() => {});
        }
      },
      { policy: TINY, onRetry: ({ fault }) => faults.push(fault) },
    );
    assert.equal(value, 42);
    assert.deepEqual(faults, ['the connection was terminated by the server (57P01)']);
  });

  it('refuses a policy without attempts or with negative delays', async () => {
    for (const policy of [
      { attempts: 0, initialDelayMs: 1, maxDelayMs: 1 },
      { attempts: 1.5, initialDelayMs: 1, maxDelayMs: 1 },
      { attempts: 2, initialDelayMs: -1, maxDelayMs: 1 },
      { attempts: 2, initialDelayMs: 1, maxDelayMs: Number.NaN },
    ]) {
      await assert.rejects(
        withRetry(async () => 1, { policy }),
        RangeError,
      );
    }
  });
});

describe('backoffDelayMs', () => {
  it('draws uniformly up to a doubling ceiling capped at maxDelayMs (full jitter)', () => {
    const policy = DEFAULT_RETRY_POLICY;
    assert.deepEqual(policy, { attempts: 8, initialDelayMs: 250, maxDelayMs: 15_000 });
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelayMs(policy, attempt, () => 1)),
      [250, 500, 1000, 2000, 4000, 8000, 15_000],
    );
    assert.equal(
      backoffDelayMs(policy, 3, () => 0),
      0,
    );
    assert.equal(
      backoffDelayMs(policy, 3, () => 0.5),
      500,
    );
    assert.equal(
      backoffDelayMs(policy, 10_000, () => 1),
      15_000,
    );
    assert.equal(
      backoffDelayMs({ attempts: 3, initialDelayMs: 0, maxDelayMs: 100 }, 2000, () => 1),
      0,
    );
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelayMs(policy, 4);
      assert.ok(delay >= 0 && delay <= 2000, `${delay}`);
    }
  });
});
