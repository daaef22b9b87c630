/**
 * Issue 14, defect 3: names longer than PostgreSQL's 63 bytes. The plan gives every table and column
 * its final target name once (shortened with a hash where the target needs it), and every phase —
 * loading, verification, cleanup, `jivs verify` — uses that one name map.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifySpec } from '../../src/engine/verify-spec.ts';
import { loadSpec } from '../../src/plan/load-spec.ts';
import type { StateStore } from '../../src/state/state-store.ts';
import { runSpec } from '../support/run-spec.ts';
import { tempDir } from '../support/temp-dir.ts';
import { mysqlEndpoint, postgresEndpoint, type DatabaseEndpoint } from '../support/database-endpoints.ts';

const LONG_TABLE = 'products_with_a_very_long_table_name_that_needs_more_than_63_byt';
const LONG_COLUMN = 'col_very_long_name_that_goes_on_and_on_past_the_limit_of_postgre';
const UMLAUT_COLUMN = 'größe_'.repeat(10).slice(0, 60);
const COMPUTED = 'computed_column_with_a_name_longer_than_postgres_keeps_for_identifiers';

describe('identifiers longer than 63 bytes into PostgreSQL', () => {
  let source: DatabaseEndpoint;
  let target: DatabaseEndpoint;
  const stores: StateStore[] = [];
  before(async () => {
    assert.ok(Buffer.byteLength(LONG_TABLE) > 63 && LONG_TABLE.length <= 64);
    assert.ok(Buffer.byteLength(LONG_COLUMN) > 63 && LONG_COLUMN.length <= 64);
    assert.ok(Buffer.byteLength(UMLAUT_COLUMN) > 63);
    source = await mysqlEndpoint();
    target = await postgresEndpoint();
    await source.exec(`
      CREATE TABLE \`${LONG_TABLE}\` (id int PRIMARY KEY, \`${LONG_COLUMN}\` varchar(20), \`${UMLAUT_COLUMN}\` int,
        KEY \`idx_${LONG_COLUMN.slice(0, 60)}\` (\`${LONG_COLUMN}\`));
      INSERT INTO \`${LONG_TABLE}\` VALUES (1, 'a', 10), (2, 'b', 20), (3, NULL, NULL);`);
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await source.drop();
    await target.drop();
  });

  test('migrate, verify and jivs verify agree on the shortened names', async () => {
    const dir = await tempDir();
    const { report, store, file } = await runSpec(dir, {
      source: source.spec,
      target: target.spec,
      tables: [{ name: LONG_TABLE, computed: { [COMPUTED]: { type: 'text', value: 'legacy-erp' } } }],
    });
    stores.push(store);
    assert.equal(report.status, 'succeeded', report.error ?? '');
    assert.ok(report.verified, 'verified');
    const [table] = report.tables;
    assert.ok(Buffer.byteLength(table!.target) <= 63, `target name ${table!.target}`);
    assert.match(table!.target, /^products_with_a_very_long_table_name_\w+_[0-9a-f]{8}$/);
    const rows = await target.rows(table!.target);
    assert.equal(rows.length, 3);
    const columns = Object.keys(rows[0]!);
    assert.ok(
      columns.every((c) => Buffer.byteLength(c) <= 63),
      columns.join(', '),
    );
    assert.equal(columns.length, 4);
    assert.ok(
      rows.every((row) => Object.values(row).includes('legacy-erp')),
      'the computed column landed',
    );
    const standalone = await verifySpec(await loadSpec(file));
    assert.ok(standalone.matches, JSON.stringify(standalone.tables));
    assert.equal(standalone.tables[0]!.targetRows, 3);
  });
});
