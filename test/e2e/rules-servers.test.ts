/**
 * Transforms, masks, computed columns, rules and replay between the real servers: MariaDB → PostgreSQL
 * (the benchmark's pair) and PostgreSQL → MariaDB, so that what the rules produce (masked text, parsed
 * dates, computed decimals) loads into both targets' types.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { replayRejects } from '../../src/engine/replay.ts';
import { loadSpec } from '../../src/plan/load-spec.ts';
import type { StateStore } from '../../src/state/state-store.ts';
import { runSpec } from '../support/run-spec.ts';
import { tempDir } from '../support/temp-dir.ts';
import { mysqlEndpoint, postgresEndpoint, type DatabaseEndpoint } from '../support/database-endpoints.ts';

const DDL = {
  mysql: `CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, email VARCHAR(80), born VARCHAR(20),
      iban VARCHAR(40), salary VARCHAR(20)) ENGINE=InnoDB`,
  postgres: `CREATE TABLE people (id integer PRIMARY KEY, name varchar(40) NOT NULL, email varchar(80), born varchar(20),
      iban varchar(40), salary varchar(20))`,
};

const DATA = `INSERT INTO people (id, name, email, born, iban, salary) VALUES
  (1, ' Anna ', 'ANNA@example.com', '31.12.1980', 'DE89 3704 0044 0532 0130 00', '5000.50'),
  (2, 'Bert', 'bert@', '1975-02-28', NULL, '4200'),
  (3, 'Cleo', 'cleo@example.com', '30.02.1990', NULL, '3100'),
  (4, 'Dora', 'anna@example.com', '01.01.1999', NULL, '3900'),
  (5, 'Emil', NULL, NULL, NULL, '7.000,00')`;

function spec(source: DatabaseEndpoint, target: DatabaseEndpoint, salaryFix: boolean) {
  return {
    source: source.spec,
    target: target.spec,
    include: ['people'],
    tables: [
      {
        name: 'people',
        columns: {
          name: { transform: ['trim', 'upper'] },
          email: { transform: ['lower'], rules: [{ format: 'email' }, { unique: true }] },
          born: { type: 'date', transform: [{ parseDate: { formats: ['dd.MM.yyyy', 'yyyy-MM-dd'] } }] },
          iban: { mask: { partial: { keepLast: 4 } } },
          salary: {
            type: 'decimal(10,2)',
            transform: salaryFix
              ? [{ replace: { pattern: '\\.', with: '' } }, { replace: { pattern: ',', with: '.' } }]
              : [],
            rules: [{ max: 6000, severity: 'minor' }],
          },
        },
        computed: { monthly: { type: 'decimal(10,2)', expr: 'salary == null ? dyn(null) : salary / 12.0' } },
        rules: [{ check: 'born == null || born < "2000-01-01"', name: 'born-last-century' }],
      },
    ],
  };
}

const pairs = [
  ['mysql', 'postgres'],
  ['postgres', 'mysql'],
] as const;

for (const [from, to] of pairs) {
  describe(`rules ${from} → ${to}`, () => {
    let source: DatabaseEndpoint;
    let target: DatabaseEndpoint;
    let dir: string;
    const stores: StateStore[] = [];

    before(async () => {
      source = from === 'mysql' ? await mysqlEndpoint() : await postgresEndpoint();
      target = to === 'mysql' ? await mysqlEndpoint() : await postgresEndpoint();
      await source.exec(DDL[from]);
      await source.exec(DATA);
      dir = await tempDir();
    });
    after(async () => {
      await Promise.all(stores.map((s) => s.close()));
      await Promise.all([source?.drop(), target?.drop()]);
    });

    it('loads what the rules let through, quarantines the rest, and a replay after a fix loads it', async () => {
      const { report, store } = await runSpec(dir, spec(source, target, false));
      stores.push(store);
      assert.equal(report.status, 'succeeded', report.error ?? '');
      const people = report.tables[0]!;
      // Bert: bad e-mail; Cleo: 30.02.1990; Dora: Anna's e-mail again; Emil: "7.000,00"… and born-last-century holds.
      assert.deepEqual([people.loaded, people.rejected], [1, 4]);
      const rows = await target.rows('people');
      assert.equal(rows.length, 1);
      const anna = rows[0]!;
      assert.equal(anna.name, 'ANNA');
      assert.equal(anna.email, 'anna@example.com');
      assert.equal(String(anna.born).slice(0, 10), '1980-12-31');
      assert.equal(anna.iban, '**** **** **** **** **30 00');
      assert.equal(Number(anna.salary), 5000.5);
      assert.equal(Number(anna.monthly), 416.71);
      const reasons = (await store.quarantine.list(report.runId)).map(
        (r) => `${r.key} ${r.reasons.map((x) => x.rule).join(',')}`,
      );
      assert.deepEqual(reasons, ['[2] email.format', '[3] transform', '[4] email.unique', '[5] cast']);

      const fixed = join(dir, `fixed-${from}.yaml`);
      await writeFile(fixed, stringify({ version: 1, ...spec(source, target, true) }));
      const replay = await replayRejects(report.runId, await loadSpec(fixed), store);
      assert.deepEqual(
        replay.tables.map((t) => [t.replayed, t.loaded, t.stillRejected]),
        [[4, 1, 3]],
        'Emil loads once the salary is fixed; the others still fail',
      );
      const after = await target.rows('people');
      assert.deepEqual(
        after.map((r) => [Number(r.id), Number(r.salary)]),
        [
          [1, 5000.5],
          [5, 7000],
        ],
      );
      assert.equal(replay.report.tables[0]!.verification!.targetRows, 2);
      assert.ok(replay.report.verified && replay.report.accountingBalanced);
    });
  });
}
