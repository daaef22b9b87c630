/** `jivs migrate` runs that fail: the error policy stops the run, exit 1, and the store says failed. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunReport } from '../../src/engine/report.ts';
import { copyDemo, editSpec } from './demo-fixture.ts';
import { describeResult, parseJson, runJivs, tempDir } from './run-jivs.ts';

const STOPPED_BY_REJECTS = /stopped: \d+ rows rejected, more than errors\.maxRejects \(0\)/;

describe('jivs migrate stopped by the error policy', () => {
  test('errors.maxRejects: 0 on dirty data exits 1 and the run is stored as failed', async (t) => {
    const demo = await copyDemo(await tempDir(t));
    const spec = await editSpec(demo, 'strict.yaml', (doc) => doc.setIn(['errors', 'maxRejects'], 0));

    const result = await runJivs(['migrate', spec, '--json'], { cwd: demo });
    assert.equal(result.code, 1, describeResult(result));
    const report = parseJson<RunReport>(result);
    assert.equal(report.status, 'failed');
    assert.match(report.error ?? '', STOPPED_BY_REJECTS);
    assert.equal(report.verified, false);
    assert.ok(report.totals.rejected > 0);
    assert.equal(report.accountingBalanced, true, 'a stopped run still accounts for its rows');
    assert.equal(
      report.totals.extracted,
      report.totals.loaded + report.totals.rejected + report.totals.filtered,
    );

    const shown = await runJivs(['status', report.runId], { cwd: demo });
    assert.equal(shown.code, 0, describeResult(shown));
    assert.match(shown.stdout, new RegExp(`^Run ${report.runId} \\(legacy-erp-demo\\): FAILED`, 'm'));
    assert.match(shown.stdout, new RegExp(`^Error: ${STOPPED_BY_REJECTS.source}`, 'm'));
    assert.match(shown.stdout, /^Partitions$/m);
    assert.doesNotMatch(shown.stdout, /\brunning\b/, 'no partition is left running');
  });
});
