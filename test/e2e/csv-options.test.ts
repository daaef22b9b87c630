/**
 * Issue 14, "CSV options real files need": files that need escape, quote: false, trim, raggedRows and
 * primaryKey, with a malformed record in the middle and dates like 2006-5-12, migrated into real
 * PostgreSQL and SQLite. Every changed or rejected row is counted: rejects with their reasons (file:line,
 * never the record's text), repairs in the quality report, and the content verifies identical.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import type { TableReport } from '../../src/engine/report.ts';
import type { StateStore } from '../../src/state/state-store.ts';
import { runSpec } from '../support/run-spec.ts';
import { tempDir } from '../support/temp-dir.ts';
import { postgresEndpoint, sqliteEndpoint } from '../support/database-endpoints.ts';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Failed rows of a quality rule of a table, by the rule's name. */
function failed(table: TableReport, rule: string): number | undefined {
  return table.quality?.rules.find((r) => r.name === rule)?.failed;
}

describe('CSV options, migrated into real databases', () => {
  it('escape, trim, raggedRows: pad, a malformed record, primaryKey and lenient dates into PostgreSQL', async () => {
    const dir = await tempDir();
    const file = join(dir, 'people.csv');
    await writeFile(
      file,
      [
        'id,name,score,born',
        '1,"Anna \\"A\\" Smith",  10.5 ,2006-5-12', // an escaped quote; blanks outside quotes
        '2,"  Bert  ",20,2001-12-01', // blanks inside quotes stay
        '3,Carl,30', // too few fields: padded under raggedRows: pad
        '4,"C:\\temp",40,2000-01-06', // line 5: an escape before a plain character would be dropped: rejected
        '5,"Eve,50,2000-01-01', // an unclosed quote (line 6): this record is rejected, reading goes on at line 7
        '6,Finn,60,2000-1-2',
        '6,Gus,70,2000-01-03', // repeats key 6: rejected
        ',Hal,80,2000-01-04', // no key: rejected
        '9,Ida,90,2000-01-05,surplus', // too many fields: rejected (pad only pads)
      ].join('\n') + '\n',
    );
    const target = await postgresEndpoint();
    cleanups.push(() => target.drop());
    let store: StateStore | undefined;
    try {
      const run = await runSpec(dir, {
        source: {
          type: 'csv',
          path: 'people.csv',
          escape: '\\',
          trim: 'unquoted',
          raggedRows: 'pad',
          primaryKey: ['id'],
        },
        target: target.spec,
        tables: [
          {
            name: 'people',
            columns: {
              born: { type: 'date', transform: [{ parseDate: { formats: ['yyyy-MM-dd'], lenient: true } }] },
            },
          },
        ],
      });
      store = run.store;
      const { report } = run;
      assert.equal(report.status, 'succeeded', report.error ?? '');
      const table = report.tables[0]!;
      assert.deepEqual(
        {
          extracted: table.extracted,
          loaded: table.loaded,
          rejected: table.rejected,
          filtered: table.filtered,
        },
        { extracted: 9, loaded: 4, rejected: 5, filtered: 0 },
      );
      assert.ok(report.accountingBalanced);
      assert.ok(report.verified, JSON.stringify(table.verification));

      assert.deepEqual(
        (await target.rows('people')).map((r) => [r.id, r.name, r.score, r.born]),
        [
          ['1', 'Anna "A" Smith', '10.5', '2006-05-12'],
          ['2', '  Bert  ', '20', '2001-12-01'],
          ['3', 'Carl', '30', null],
          ['6', 'Finn', '60', '2000-01-02'],
        ],
      );
      assert.deepEqual((await target.schemaObjects('people')).primaryKey, ['id']);

      // Changed rows are counted: the padded one as a warning, the others as the rejects they are.
      assert.equal(failed(table, 'raggedRows: pad'), 1);
      assert.equal(failed(table, 'primary key'), 1);
      assert.equal(failed(table, 'source'), 3);
      assert.equal(failed(table, 'target constraints'), 1);

      const rejects = await store.quarantine.list(report.runId);
      const reasons = rejects.map((r) =>
        r.reasons.map((reason) => `${reason.rule}: ${reason.message}`).join(' | '),
      );
      assert.equal(rejects.length, 5);
      assert.match(
        reasons[0]!,
        /^source: .*people\.csv:5: field 2 holds the escape character "\\\\" before a character other than the quote or itself/,
      );
      assert.match(
        reasons[1]!,
        /^source: .*people\.csv:6: Quote Not Closed: .*; the record was rejected and reading went on at line 7$/,
      );
      assert.match(reasons[2]!, /^primary key: \(id\) duplicates the value of a row loaded before$/);
      assert.match(reasons[3]!, /^target constraints: is NULL but the target column is NOT NULL$/);
      assert.match(
        reasons[4]!,
        /^source: .*people\.csv:10: 5 fields, expected 4: too many; set raggedRows: truncate/,
      );
      // No reason quotes the file: neither the unclosed record nor the dropped field.
      for (const reason of reasons) assert.doesNotMatch(reason, /Eve|surplus|temp/);
      // Rows of a key the file does not enforce are named by position, so two rows with key 6 stay apart.
      assert.deepEqual(
        rejects.map((r) => r.key),
        ['#0:3', '#0:4', '#0:6', '#0:7', '#0:8'],
      );
    } finally {
      await store?.close();
    }
  });

  it('quote: false and raggedRows: truncate into SQLite', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'notes.csv'), 'code;label\nA;say "hi\nB;x;dropped\nC\nD;"quoted"\n');
    const target = await sqliteEndpoint(dir);
    let store: StateStore | undefined;
    try {
      const run = await runSpec(dir, {
        source: { type: 'csv', path: 'notes.csv', delimiter: ';', quote: false, raggedRows: 'truncate' },
        target: target.spec,
      });
      store = run.store;
      const { report } = run;
      assert.equal(report.status, 'succeeded', report.error ?? '');
      const table = report.tables[0]!;
      assert.deepEqual([table.extracted, table.loaded, table.rejected], [4, 3, 1]);
      assert.ok(report.verified, JSON.stringify(table.verification));
      assert.deepEqual(await target.rows('notes'), [
        { code: 'A', label: 'say "hi' },
        { code: 'B', label: 'x' },
        { code: 'D', label: '"quoted"' },
      ]);
      assert.equal(failed(table, 'raggedRows: truncate'), 1);
      const [reject] = await store.quarantine.list(report.runId);
      assert.match(
        reject!.reasons[0]!.message,
        /notes\.csv:4: 1 fields, expected 2: too few; set raggedRows: pad/,
      );
    } finally {
      await store?.close();
    }
  });

  it('primaryKey on JSON Lines: the target key, a repeated key rejected', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'events.jsonl'),
      '{"id":1,"kind":"a"}\n{"id":2,"kind":"b"}\n{"id":1,"kind":"again"}\n',
    );
    const target = await postgresEndpoint();
    cleanups.push(() => target.drop());
    let store: StateStore | undefined;
    try {
      const run = await runSpec(dir, {
        source: { type: 'jsonl', path: 'events.jsonl', primaryKey: { events: ['id'] } },
        target: target.spec,
      });
      store = run.store;
      assert.equal(run.report.status, 'succeeded', run.report.error ?? '');
      assert.deepEqual([run.report.totals.loaded, run.report.totals.rejected], [2, 1]);
      assert.ok(run.report.verified);
      assert.deepEqual((await target.schemaObjects('events')).primaryKey, ['id']);
    } finally {
      await store?.close();
    }
  });

  it('refuses contradicting options and a key the file lacks before any row moves', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 't.csv'), 'id,name\n1,a\n');
    const target = await sqliteEndpoint(dir);
    const attempt = (source: Record<string, unknown>) =>
      runSpec(dir, { source: { type: 'csv', path: 't.csv', ...source }, target: target.spec });
    await assert.rejects(attempt({ escape: ',' }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /escape and delimiter are the same character; change one/);
      return true;
    });
    await assert.rejects(attempt({ quote: false, escape: '\\' }), /escape only applies inside quoted fields/);
    await assert.rejects(attempt({ delimiter: '\t', trim: 'unquoted' }), /trim: unquoted drops blanks/);
    await assert.rejects(attempt({ primaryKey: ['Id'] }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(
        error.message,
        /source\.primaryKey.*key column "Id" is not a column of .*t\.csv\. Did you mean "id"\?/s,
      );
      return true;
    });
    await assert.rejects(
      attempt({ primaryKey: { tt: ['id'] } }),
      /source\.primaryKey\.tt.*names table "tt".*Did you mean "t"\?/s,
    );
    await assert.rejects(
      attempt({ raggedRows: 'fill' }),
      /raggedRows.*must be one of "reject", "pad", "truncate"/s,
    );
  });
});
