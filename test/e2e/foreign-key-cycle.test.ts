/**
 * Issue 14, defect 1: foreign keys that form a cycle (a → b → a), plus one that references a unique
 * key rather than the primary key. Every table gets its keys before any foreign key is added, so the
 * first run succeeds into PostgreSQL and MariaDB, and the plan says where the load order breaks the
 * cycle.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tempDir } from '../support/temp-dir.ts';
import { runSpec } from '../support/run-spec.ts';
import type { StateStore } from '../../src/state/state-store.ts';
import {
  mysqlEndpoint,
  postgresEndpoint,
  type DatabaseEndpoint,
  type DatabaseKind,
} from '../support/database-endpoints.ts';

const CYCLE = `
  CREATE TABLE a (id int PRIMARY KEY, b_id int, code varchar(10) NOT NULL, UNIQUE KEY uq_a_code (code));
  CREATE TABLE b (id int PRIMARY KEY, a_id int, a_code varchar(10));
  INSERT INTO a VALUES (1, NULL, 'one'), (2, NULL, 'two');
  INSERT INTO b VALUES (10, 1, 'one'), (20, 2, 'two');
  UPDATE a SET b_id = 10 WHERE id = 1;
  UPDATE a SET b_id = 20 WHERE id = 2;
  ALTER TABLE a ADD CONSTRAINT fk_a_b FOREIGN KEY (b_id) REFERENCES b(id);
  ALTER TABLE b ADD CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES a(id);
  ALTER TABLE b ADD CONSTRAINT fk_b_a_code FOREIGN KEY (a_code) REFERENCES a(code);
`;

describe('a cycle of foreign keys migrates on the first run', () => {
  let source: DatabaseEndpoint;
  const cleanups: (() => Promise<void>)[] = [];
  const stores: StateStore[] = [];
  before(async () => {
    source = await mysqlEndpoint();
    cleanups.push(() => source.drop());
    await source.exec(CYCLE);
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    for (const cleanup of cleanups) await cleanup();
  });

  for (const kind of ['postgres', 'mysql'] as DatabaseKind[]) {
    test(`MariaDB → ${kind}`, async () => {
      const target = kind === 'postgres' ? await postgresEndpoint() : await mysqlEndpoint();
      cleanups.push(() => target.drop());
      const { report, store } = await runSpec(await tempDir(), { source: source.spec, target: target.spec });
      stores.push(store);
      assert.equal(report.status, 'succeeded', report.error ?? '');
      assert.ok(report.verified);
      assert.ok(
        report.warnings.some((w) =>
          /cycle between a, b; .*a\(b_id\) → b refers to a table loaded later/.test(w),
        ),
        report.warnings.join('\n'),
      );
      assert.ok(!report.warnings.some((w) => /fix the duplicates/.test(w)), report.warnings.join('\n'));
      assert.deepEqual((await target.schemaObjects('a')).foreignKeys, ['b_id->b']);
      assert.deepEqual((await target.schemaObjects('b')).foreignKeys.sort(), ['a_code->a', 'a_id->a']);
      assert.deepEqual((await target.schemaObjects('a')).unique, [['code']]);
    });
  }
});
