/**
 * Issue 14, defect 6: `jivs verify` against a target whose column is timestamptz while the source's is
 * a DATETIME (read in UTC) compared every row as changed. Timestamps are compared by instant when
 * either side has a zone; a real change is still found, with the column and both values.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stringify } from 'yaml';
import { loadSpec } from '../../src/plan/load-spec.ts';
import { verifySpec } from '../../src/engine/verify-spec.ts';
import { tempDir } from '../support/temp-dir.ts';
import { mysqlEndpoint, postgresEndpoint, type DatabaseEndpoint } from '../support/database-endpoints.ts';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

test('a DATETIME source and a timestamptz target holding the same instants verify identical', async () => {
  const source: DatabaseEndpoint = await mysqlEndpoint();
  cleanups.push(() => source.drop());
  const target: DatabaseEndpoint = await postgresEndpoint();
  cleanups.push(() => target.drop());
  await source.exec(`CREATE TABLE film (film_id int PRIMARY KEY, last_update datetime(3) NOT NULL, email varchar(40));
    INSERT INTO film VALUES (1, '2006-02-15 04:34:33', 'a@x.org'), (2, '2006-02-15 05:03:42.5', NULL),
      (3, '2020-12-31 23:59:59', 'c@x.org');`);
  await target.exec(`CREATE TABLE film (film_id int PRIMARY KEY, last_update timestamptz NOT NULL, email text);
    INSERT INTO film VALUES (1, '2006-02-15 06:34:33+02', 'a@x.org'), (2, '2006-02-15 05:03:42.5+00', NULL),
      (3, '2020-12-31 23:59:59Z', 'c@x.org');`);
  const dir = await tempDir();
  const file = join(dir, 'verify.yaml');
  await writeFile(
    file,
    stringify({
      version: 1,
      source: source.spec,
      target: target.spec,
      tables: [{ name: 'film', columns: { email: { personal: true } } }],
    }),
  );

  const same = await verifySpec(await loadSpec(file));
  assert.ok(same.matches, JSON.stringify(same.tables));

  await target.exec(
    `UPDATE film SET last_update = last_update + interval '1 second', email = 'other@x.org' WHERE film_id = 3`,
  );
  const changed = await verifySpec(await loadSpec(file));
  assert.equal(changed.matches, false);
  // What changed: the columns, with both values as compared (jivs verify shows them), but never the
  // values of a personal column.
  assert.deepEqual(changed.tables[0]!.differences, [
    {
      key: '[3]',
      kind: 'changed',
      columns: [
        { column: 'last_update', meant: '2020-12-31 23:59:59', target: '2021-01-01 00:00:00' },
        { column: 'email' },
      ],
    },
  ]);
});
