/**
 * The quality score of a table (src/rules/quality.ts), from its rule tallies.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { qualityScore } from '../../src/rules/quality.ts';

describe('quality score', () => {
  it('is the pass rate weighted by severity (critical 8, major 4, minor 2, warning 1)', () => {
    const rule = (severity: 'critical' | 'major' | 'minor' | 'warning', checked: number, failed: number) => ({
      name: severity,
      kind: 'x',
      column: null,
      severity,
      checked,
      failed,
      passed: checked - failed,
    });
    assert.equal(qualityScore([]), 100);
    assert.equal(qualityScore([rule('critical', 100, 0), rule('warning', 100, 100)]), 88.89); // 800 / 900
    assert.equal(qualityScore([rule('major', 10, 5), rule('minor', 10, 0)]), 66.67); // (20 + 20) / 60
  });
});
