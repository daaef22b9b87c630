/** `jivs migrate` runs that fail: the error policy stops the run, or the target refuses a batch; exit 1, and the store says failed. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { RunReport } from '../../src/engine/report.ts';
import { postgresEndpoint } from '../support/database-endpoints.ts';
import { copyDemo, editSpec } from './demo-fixture.ts';
import { describeResult, parseJson, runJivs } from './run-jivs.ts';
import { tempDir } from '../support/temp-dir.ts';

const STOPPED_BY_REJECTS = /stopped: \d+ rows rejected, more than errors\.maxRejects \(0\)/;

describe('jivs migrate stopped by the error policy', () => {
  test('errors.maxRejects: 0 on dirty data exits 1 and the run is stored as failed', async (t) => {
    const demo = await copyDemo(await tempDir('jivs-cli-', t));
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

describe('jivs migrate when the target refuses a batch for a reason that is not the data', () => {
  test('the error names the batch that failed and how many rows it read, instead of a bare "extracted 0"', async (t) => {
    const dir = await tempDir('jivs-cli-', t);
    const target = await postgresEndpoint();
    t.after(() => target.drop());
    const schema = target.spec.schema as string;
    await target.exec(`
      create table ${schema}.t (v text);
      create function ${schema}.refuse() returns trigger language plpgsql as
        $$ begin if new.v = 'x1500' then raise exception 'refused by a trigger'; end if; return new; end $$;
      create trigger refuse before insert on ${schema}.t for each row execute function ${schema}.refuse();`);
    const lines = ['v', ...Array.from({ length: 2500 }, (_, i) => `x${i}`)];
    await writeFile(join(dir, 't.csv'), `${lines.join('\n')}\n`);
    const spec = join(dir, 'spec.json');
    await writeFile(
      spec,
      JSON.stringify({
        version: 1,
        name: 'failed-batch',
        source: { type: 'csv', path: './t.csv' },
        target: target.spec,
        mode: 'append',
        batchSize: 1000,
      }),
    );

    const result = await runJivs(['migrate', spec, '--json'], { cwd: dir });
    assert.equal(result.code, 1, describeResult(result));
    const report = parseJson<RunReport>(result);
    assert.equal(report.status, 'failed');
    assert.match(
      report.error ?? '',
      /partition 1\/1, batch 2 \(1000 rows read, not loaded and not counted yet; a resume reads them again\): .*refused by a trigger/,
    );
    assert.equal(report.totals.extracted, 1000, 'the first batch was committed and counted');
    assert.equal(report.accountingBalanced, true);
  });
});
