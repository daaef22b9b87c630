/** The spec's error policy: when too many rejected rows stop a run. */
import { MigrationFailedError } from '../errors.ts';

/** The run broke its error policy: a decision about the whole run, not a fault of one partition. */
export class ErrorPolicyExceeded extends MigrationFailedError {}

/** Below this many extracted rows a reject rate says little, so it is not enforced yet. */
const RATE_MIN_ROWS = 1000;

export interface ErrorPolicy {
  maxRejects?: number;
  maxRejectRate?: number;
}

/**
 * Throws when the run's totals break the policy. `final` enforces the rate whatever the row count,
 * as the run's last word.
 */
export function enforceErrorPolicy(
  policy: ErrorPolicy,
  totals: { extracted: number; rejected: number },
  final = false,
): void {
  if (policy.maxRejects !== undefined && totals.rejected > policy.maxRejects) {
    throw new ErrorPolicyExceeded(
      `stopped: ${totals.rejected} rows rejected, more than errors.maxRejects (${policy.maxRejects}). See the rejected rows with \`jivs status <run>\`, fix the data or the spec, or raise the limit.`,
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
        `stopped: ${(rate * 100).toFixed(2)}% of ${totals.extracted} rows rejected, more than errors.maxRejectRate (${(policy.maxRejectRate * 100).toFixed(2)}%). See the rejected rows with \`jivs status <run>\`, fix the data or the spec, or raise the limit.`,
      );
    }
  }
}
