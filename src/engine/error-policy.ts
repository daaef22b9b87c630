/** The spec's error policy: when too many rejected rows stop a run. */
import { MigrationFailedError } from '../core/errors.ts';

/** The run broke its error policy: a decision about the whole run, not a fault of one partition. */
export class ErrorPolicyExceeded extends MigrationFailedError {}

/** Below this many extracted rows a reject rate says little, so it is not enforced yet. */
const RATE_MIN_ROWS = 1000;

export interface ErrorPolicy {
  maxRejects?: number;
  maxRejectRate?: number;
}

/** What a stopped run's user can do: look at the rejects, fix them or the spec and replay them, or raise the limit. */
const NEXT = { nextStep: 'review-rejects' } as const;

/**
 * Throws when the totals (of the run, or of one table) break the policy. `final` enforces the rate
 * whatever the row count, as the last word. `path` is where the policy is set: `errors` for the run,
 * `tables[2].errors` for a table; `scope` names what the totals cover in the message.
 */
export function enforceErrorPolicy(
  policy: ErrorPolicy,
  totals: { extracted: number; rejected: number },
  final = false,
  path = 'errors',
  scope = '',
): void {
  const of = scope ? ` of ${scope}` : '';
  if (policy.maxRejects !== undefined && totals.rejected > policy.maxRejects) {
    throw new ErrorPolicyExceeded(
      `stopped: ${totals.rejected} rows${of} rejected, more than ${path}.maxRejects (${policy.maxRejects}).`,
      NEXT,
    );
  }
  if (
    policy.maxRejectRate !== undefined &&
    (final || totals.extracted >= RATE_MIN_ROWS) &&
    totals.extracted > 0
  ) {
    const rate = totals.rejected / totals.extracted;
    if (rate > policy.maxRejectRate) {
      throw new ErrorPolicyExceeded(
        `stopped: ${(rate * 100).toFixed(2)}% of ${totals.extracted} rows${of} rejected, more than ${path}.maxRejectRate (${(policy.maxRejectRate * 100).toFixed(2)}%).`,
        NEXT,
      );
    }
  }
}
