/**
 * Issue 14, defect 7: PostgreSQL arrays into targets without array columns. SQLite used to crash the
 * run ("SQLite3 can only bind numbers, strings, bigints, buffers, and null"); it now gets JSON text, as
 * MariaDB does, and the run verifies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { StateStore } from '../../src/state/state-store.ts';
import { runSpec } from '../support/run-spec.ts';
import { tempDir } from '../support/temp-dir.ts';
import {
  mysqlEndpoint,
  postgresEndpoint,
  sqliteEndpoint,
  type DatabaseEndpoint,
} from '../support/database-endpoints.ts';

describe('PostgreSQL arrays into targets without arrays', () => {
  let source: DatabaseEndpoint;
  const cleanups: (() => Promise<void>)[] = [];
  const stores: StateStore[] = [];
  before(async () => {
    source = await postgresEndpoint();
    cleanups.push(() => source.drop());
    await source.exec(`
      CREATE TABLE tagged (id int PRIMARY KEY, tags text[], scores int[], big bigint[]);
      INSERT INTO tagged VALUES
        (1, ARRAY['a', 'b "quoted"', NULL], ARRAY[1, 2, 3], ARRAY[9007199254740993]),
        (2, '{}', NULL, NULL);`);
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    for (const cleanup of cleanups) await cleanup();
  });

  for (const kind of ['sqlite', 'mysql'] as const) {
    test(`into ${kind}: JSON text, verified`, async () => {
      const dir = await tempDir();
      const target = kind === 'sqlite' ? await sqliteEndpoint(dir) : await mysqlEndpoint();
      cleanups.push(() => target.drop());
      const { report, store } = await runSpec(dir, { source: source.spec, target: target.spec });
      stores.push(store);
      assert.equal(report.status, 'succeeded', report.error ?? '');
      assert.ok(report.verified, 'verified');
      assert.equal(report.totals.rejected, 0);
      const planNotes = JSON.stringify(report);
      assert.match(
        planNotes,
        /column tags \(text\[\]\) is written as JSON text: the \w+ target has no array columns/,
      );
      const rows = await target.rows('tagged');
      const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
      assert.deepEqual(json(rows[0]!.tags), ['a', 'b "quoted"', null]);
      assert.deepEqual(json(rows[0]!.scores), [1, 2, 3]);
      assert.deepEqual(json(rows[0]!.big), ['9007199254740993'], 'a bigint past 2^53 keeps its digits');
      assert.deepEqual(json(rows[1]!.tags), []);
      assert.equal(rows[1]!.scores, null);
    });
  }
});
