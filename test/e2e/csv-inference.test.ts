/**
 * Issue 14, defect 4: a CSV column whose values pass 32 bits (15713029743) was inferred as `integer`
 * and most rows were rejected as out of range in PostgreSQL. Inference now widens integer → bigint →
 * decimal on every value of a small file.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { StateStore } from '../../src/state/state-store.ts';
import { runSpec } from '../support/run-spec.ts';
import { tempDir } from '../support/temp-dir.ts';
import { postgresEndpoint, type DatabaseEndpoint } from '../support/database-endpoints.ts';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

test('numbers past 32 bits, and one past 64 bits on the last line, load without rejects', async () => {
  const dir = await tempDir();
  const lines = ['id,phone,amount'];
  for (let i = 1; i <= 440; i++) lines.push(`${i},${15713029743 + i},${i}`);
  lines.push(`441,1,99999999999999999999`); // past 64 bits, on the last line only
  await writeFile(join(dir, 'contacts.csv'), `${lines.join('\n')}\n`);
  const target: DatabaseEndpoint = await postgresEndpoint();
  cleanups.push(() => target.drop());
  let store: StateStore | undefined;
  try {
    const run = await runSpec(dir, { source: { type: 'csv', path: 'contacts.csv' }, target: target.spec });
    store = run.store;
    assert.equal(run.report.status, 'succeeded', run.report.error ?? '');
    assert.equal(run.report.totals.rejected, 0);
    assert.equal(run.report.totals.loaded, 441);
    assert.ok(run.report.verified);
    const rows = await target.rows('contacts');
    assert.equal(rows[0]!.phone, '15713029744');
    assert.equal(rows[440]!.amount, '99999999999999999999');
  } finally {
    await store?.close();
  }
});
