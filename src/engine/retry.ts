/**
 * Runs a piece of work again after transient faults (see {@link isTransientError}), waiting an
 * exponentially growing, fully jittered delay between attempts. The loop is p-retry's; the delay is
 * ours, because p-retry's `randomize` is not full jitter and does not report the delay it chose.
 * The work must open what it needs (a connection, a transaction) inside each attempt: a retry after
 * a dropped connection only helps on a new one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import { describeFault, isTransientError } from '../connectors/transient-error.ts';

/** How often, and how patiently, work is retried after transient faults. */
export interface RetryPolicy {
  /** Attempts in all, the first one included: 1 means no retry. */
  attempts: number;
  /** The longest wait before the first retry, in ms; the ceiling doubles with every further retry. */
  initialDelayMs: number;
  /** The longest any one wait may be, in ms. */
  maxDelayMs: number;
}

/**
 * 8 attempts, waits drawn up to 0.25, 0.5, 1, 2, 4, 8 and 15 s (at most 31 s in all, about 15 s on
 * average): enough to ride out a server restart or a failover.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  attempts: 8,
  initialDelayMs: 250,
  maxDelayMs: 15_000,
});

/** What {@link RetryOptions.onRetry} is told before each wait. */
export interface RetryInfo {
  /** The attempt that just failed, from 1. */
  attempt: number;
  /** How long withRetry now waits before the next attempt. */
  delayMs: number;
  /** What the failed attempt threw. */
  error: unknown;
  /** {@link describeFault} of `error`, for the log line. */
  fault: string;
}

/** How {@link withRetry} retries. */
export interface RetryOptions {
  policy: RetryPolicy;
  /**
   * Stops the retrying: a wait in progress ends at once and no further attempt starts. An attempt in
   * progress is not interrupted (pass the signal to the work for that); if it succeeds, its result
   * is returned.
   */
  signal?: AbortSignal;
  /** Called before each wait (e.g. to log it). If it throws, withRetry rejects with that. */
  onRetry?(info: RetryInfo): void;
  /** Which errors are retried; {@link isTransientError} unless given. */
  isTransient?: (error: unknown) => boolean;
  /** A source of numbers in [0, 1) for the jitter; Math.random unless given (tests pin it). */
  random?: () => number;
}

/** Thrown when every attempt failed transiently; `cause` is the last attempt's error. */
export class RetryExhaustedError extends Error {
  /** How many attempts were made. */
  readonly attempts: number;

  constructor(attempts: number, cause: unknown) {
    const message = (cause as { message?: unknown } | null)?.message;
    const what = typeof message === 'string' ? message : String(cause);
    super(`gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${what}`, { cause });
    this.name = 'RetryExhaustedError';
    this.attempts = attempts;
  }
}

/** Stands in for a thrown non-Error, which p-retry would otherwise turn into a TypeError. */
class ThrownValue extends Error {}

/**
 * The wait after failed attempt `attempt` (from 1): full jitter, uniform in
 * [0, min(maxDelayMs, initialDelayMs · 2^(attempt−1))].
 */
export function backoffDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(random() * ceiling);
}

function checkPolicy({ attempts, initialDelayMs, maxDelayMs }: RetryPolicy): void {
  if (!Number.isSafeInteger(attempts) || attempts < 1) {
    throw new RangeError(`retry attempts must be a whole number of at least 1, not ${attempts}`);
  }
  for (const [name, value] of [
    ['initialDelayMs', initialDelayMs],
    ['maxDelayMs', maxDelayMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`retry ${name} must be ≥ 0, not ${value}`);
  }
}

/**
 * Runs `work(attempt)` (attempt from 1) until it succeeds, retrying transient faults up to
 * `policy.attempts` attempts in all.
 *
 * - A permanent error is rethrown at once, unchanged (the very value thrown).
 * - When every attempt failed transiently, rejects with a {@link RetryExhaustedError} whose message
 *   says how many attempts were made and whose `cause` is the last error.
 * - When `signal` aborts, rejects promptly with `signal.reason` (a DOMException named AbortError
 *   unless abort() was given a reason), whatever the last attempt threw; onRetry has seen that error.
 */
export async function withRetry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, signal, onRetry, random = Math.random } = options;
  const isTransient = options.isTransient ?? isTransientError;
  checkPolicy(policy);
  signal?.throwIfAborted();

  let attempts = 0;
  let lastError: unknown; // what the work threw, as thrown
  let lastThrown: Error | undefined; // what p-retry was given for it

  const attempt = async (attemptNumber: number): Promise<T> => {
    signal?.throwIfAborted();
    attempts = attemptNumber;
    try {
      return await work(attemptNumber);
    } catch (error) {
      lastError = error;
      lastThrown = error instanceof Error ? error : new ThrownValue(String(error));
      throw lastThrown;
    }
  };

  try {
    return await pRetry(attempt, {
      retries: policy.attempts - 1,
      minTimeout: 0, // p-retry waits nothing itself: shouldRetry below does the waiting
      // Called only while retries are left, after a failed attempt.
      shouldRetry: async ({ attemptNumber }) => {
        if (signal?.aborted || !isTransient(lastError)) return false;
        const delayMs = backoffDelayMs(policy, attemptNumber, random);
        onRetry?.({ attempt: attemptNumber, delayMs, error: lastError, fault: describeFault(lastError) });
        if (delayMs > 0) await sleep(delayMs, undefined, signal ? { signal } : {});
        return !signal?.aborted;
      },
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (lastThrown === undefined || error !== lastThrown) throw error; // onRetry or isTransient threw
    if (attempts >= policy.attempts && isTransient(lastError)) {
      throw new RetryExhaustedError(attempts, lastError);
    }
    throw lastError;
  }
}
