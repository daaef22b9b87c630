/**
 * Read-back parity, the proof of the normalisation: a table with every portable type migrated by the
 * engine MariaDB → PostgreSQL, PostgreSQL → MariaDB and SQLite → PostgreSQL, then compared by content
 * (what the spec means to load, recomputed from the source, against what the target returns): no
 * difference, although each target spells decimals, times, instants, JSON, booleans, floats, binary
 * and UUIDs its own way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSpec } from '../../src/plan/load-spec.ts';
import type { StateStore } from '../../src/state/state-store.ts';
import { verifySpec } from '../../src/engine/verify-spec.ts';
import {
  mysqlEndpoint,
  postgresEndpoint,
  sqliteEndpoint,
  type DatabaseEndpoint,
  type DatabaseKind,
} from '../support/database-endpoints.ts';
import { runSpec } from '../support/run-spec.ts';
import { tempDir } from '../support/temp-dir.ts';

const DDL: Record<DatabaseKind, string> = {
  mysql: `CREATE TABLE every_type (id INT PRIMARY KEY, big BIGINT, amount DECIMAL(14,4), ratio DOUBLE,
      approx FLOAT, flag TINYINT(1), name VARCHAR(60), body TEXT, born DATE, at_time TIME(6),
      happened DATETIME(6), stamped DATETIME(6), payload JSON, bytes VARBINARY(16), token CHAR(36),
      mood ENUM('happy','sad'), tags SET('a','b','c')) ENGINE=InnoDB`,
  postgres: `CREATE TYPE mood AS ENUM ('happy', 'sad');
    CREATE TABLE every_type (id integer PRIMARY KEY, big bigint, amount numeric(14,4), ratio double precision,
      approx real, flag boolean, name varchar(60), body text, born date, at_time time(6), happened timestamp(6),
      stamped timestamptz, payload jsonb, doc json, bytes bytea, token uuid, mood mood, tags text[], nums integer[])`,
  sqlite: `CREATE TABLE every_type (id INTEGER PRIMARY KEY, big BIGINT, amount DECIMAL(14,4), ratio DOUBLE,
      approx REAL, flag BOOLEAN, name VARCHAR(60), body TEXT, born DATE, at_time TIME, happened DATETIME,
      stamped TIMESTAMPTZ, payload JSON, bytes BLOB, token UUID)`,
};

const JSON_DOC = '{"b": 1, "a": [1, 2.50, {"y": null, "x": "ü"}], "long key": true}';

const DATA: Record<DatabaseKind, string> = {
  mysql: `INSERT INTO every_type VALUES
    (1, 1152921504606846976, 12.5000, 0.3333333333333333, 0.1, 1, 'Müller 🍀 大野', 'two\\nlines', '2024-02-29',
     '10:20:30.500000', '2024-02-29 23:59:59.123456', '2024-01-01 10:00:00.000000', '${JSON_DOC}', X'00FF10',
     'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'happy', 'a,c'),
    (2, -5, 0.0000, -1.5e300, 3.25, 0, '', 'NULL', '1999-12-31', '00:00:00', '2000-01-01 00:00:00',
     '2023-06-30 22:30:00.250000', '[1, {"z": 1, "a": 2}]', X'', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', 'sad', ''),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (4, 9007199254740993, 99999999.9999, 1e-7, -0.5, 1, 'tab\tinside', 'x', '0001-01-01', '23:59:59.999999',
     '9999-12-31 23:59:59.999999', '1970-01-01 00:00:00', '"text"', X'61', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A13',
     'happy', 'b')`,
  postgres: `INSERT INTO every_type VALUES
    (1, 1152921504606846976, 12.5000, 0.3333333333333333, 0.1, true, 'Müller 🍀 大野', E'two\\nlines', '2024-02-29',
     '10:20:30.500000', '2024-02-29 23:59:59.123456', '2024-01-01 12:00:00+02', '${JSON_DOC}', '${JSON_DOC}',
     '\\x00ff10', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'happy', '{a,"b c",NULL}', '{1,2,3}'),
    (2, -5, 0.0000, -1.5e300, 3.25, false, '', 'NULL', '1999-12-31', '00:00:00', '2000-01-01 00:00:00',
     '2023-06-30 22:30:00.25-02:30', '[1, {"z": 1, "a": 2}]', '{}', '\\x', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12',
     'sad', '{}', '{}'),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (4, 9007199254740993, 99999999.9999, 1e-7, -0.5, true, E'tab\\tinside', 'x', '0001-01-01', '23:59:59.999999',
     '9999-12-31 23:59:59.999999', '1970-01-01 00:00:00+00', '"text"', '"text"', '\\x61',
     'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A13', 'happy', '{"ü"}', '{-1}')`,
  sqlite: `INSERT INTO every_type VALUES
    (1, 1152921504606846976, '12.5000', 0.3333333333333333, 0.1, 1, 'Müller 🍀 大野', 'two
lines', '2024-02-29', '10:20:30.500000', '2024-02-29 23:59:59.123456', '2024-01-01 12:00:00+02:00', '${JSON_DOC}',
     X'00FF10', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'),
    (2, -5, '0.0000', -1.5e300, 3.25, 0, '', 'NULL', '1999-12-31', '00:00:00', '2000-01-01 00:00:00',
     '2023-06-30 22:30:00.25-02:30', '[1, {"z": 1, "a": 2}]', X'', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12'),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (4, 9007199254740993, '99999999.9999', 1e-7, -0.5, 1, 'tab	inside', 'x', '0001-01-01', '23:59:59.999999',
     '9999-12-31 23:59:59.999999', '1970-01-01 00:00:00Z', '"text"', X'61', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A13')`,
};

const CORRUPT: Partial<Record<DatabaseKind, string>> = {
  postgres: `UPDATE every_type SET amount = amount + 0.0001 WHERE id = 1;
    UPDATE every_type SET stamped = stamped + interval '1 second' WHERE id = 2;
    UPDATE every_type SET payload = '{"b": 1}' WHERE id = 4;`,
  mysql: `UPDATE every_type SET amount = amount + 0.0001 WHERE id = 1;
    UPDATE every_type SET stamped = stamped + INTERVAL 1 SECOND WHERE id = 2;
    UPDATE every_type SET payload = '{"b": 1}' WHERE id = 4;`,
};

/** Portable types the spec gives columns whose source type says less than the data (MySQL has no uuid or timestamptz). */
const OVERRIDES: Partial<Record<DatabaseKind, Record<string, unknown>>> = {
  mysql: { token: { type: 'uuid' }, stamped: { type: 'timestamptz' } },
};

const PAIRS: [DatabaseKind, DatabaseKind][] = [
  ['mysql', 'postgres'],
  ['postgres', 'mysql'],
  ['sqlite', 'postgres'],
];

const dir = await tempDir('jivs-verify-parity-');
const endpoints: DatabaseEndpoint[] = [];
const stores: StateStore[] = [];
after(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all(endpoints.map((e) => e.drop()));
});

async function database(kind: DatabaseKind): Promise<DatabaseEndpoint> {
  const endpoint =
    kind === 'sqlite'
      ? await sqliteEndpoint(dir)
      : kind === 'postgres'
        ? await postgresEndpoint()
        : await mysqlEndpoint();
  endpoints.push(endpoint);
  return endpoint;
}

for (const [from, to] of PAIRS) {
  describe(`read-back parity ${from} → ${to}`, () => {
    let file: string;
    let target: DatabaseEndpoint;

    before(async () => {
      const source = await database(from);
      target = await database(to);
      await source.exec(DDL[from]);
      await source.exec(DATA[from]);
      const overrides = OVERRIDES[from];
      const run = await runSpec(dir, {
        source: source.spec,
        target: target.spec,
        tables: [{ name: 'every_type', ...(overrides ? { columns: overrides } : {}) }],
      });
      stores.push(run.store);
      file = run.file;
      assert.equal(run.report.status, 'succeeded', run.report.error ?? '');
      assert.equal(
        run.report.totals.rejected,
        0,
        JSON.stringify(run.report.tables.map((t) => t.topRejectReasons)),
      );
      assert.equal(run.report.totals.loaded, 4);
    });

    it('finds no difference between what was meant and what the target returns', async () => {
      const result = await verifySpec(await loadSpec(file));
      const [table] = result.tables;
      assert.equal(table!.skipped, null);
      assert.deepEqual(
        { meant: table!.meantRows, target: table!.targetRows, differences: table!.differences },
        { meant: 4, target: 4, differences: [] },
      );
      assert.equal(table!.differencesTotal, 0);
      assert.ok(result.matches);
    });

    it('still finds a decimal off by its last place, an instant a second off and changed JSON', async () => {
      await target.exec(CORRUPT[to]!);
      const [table] = (await verifySpec(await loadSpec(file))).tables;
      // Each changed row names exactly the column that was changed.
      assert.deepEqual(
        table!.differences.map((d) => ({ ...d, columns: d.columns?.map((c) => c.column) })),
        [
          { key: '[1]', kind: 'changed', columns: ['amount'] },
          { key: '[2]', kind: 'changed', columns: ['stamped'] },
          { key: '[4]', kind: 'changed', columns: ['payload'] },
        ],
      );
      assert.ok(
        table!.differences.every((d) => d.columns!.every((c) => c.meant !== c.target)),
        'both values shown, and they differ',
      );
    });
  });
}
