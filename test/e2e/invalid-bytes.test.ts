/**
 * Issue 14, defect 2: bytes a source's encoding cannot decode were loaded as U+FFFD with 0 rejects, and
 * verification called the table identical. Now such a row is rejected (with its location, column and
 * hex), or, with `invalidText: replace | null`, loaded as U+FFFD or NULL and counted: in the quality
 * report, and in Verification, which no longer says "identical" for it. A U+FFFD written validly loads.
 * CSV (UTF-8 and ASCII), JSON Lines and SQLite sources into PostgreSQL and a SQLite target.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { formatReport } from '../../src/cli/format-report.ts';
import { replayRejects, type ReplayResult } from '../../src/engine/replay.ts';
import type { RunReport } from '../../src/engine/report.ts';
import { loadSpec } from '../../src/plan/load-spec.ts';
import type { RejectedRow } from '../../src/state/run-types.ts';
import { verifySpec } from '../../src/engine/verify-spec.ts';
import { runSpec } from '../support/run-spec.ts';
import { tempDir } from '../support/temp-dir.ts';
import { postgresEndpoint, sqliteEndpoint, type DatabaseEndpoint } from '../support/database-endpoints.ts';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

/** id 1 holds é in latin1 (invalid in UTF-8 and ASCII), id 2 is plain, id 3 holds a validly written U+FFFD. */
const CSV = bytes('id,name\n1,caf', [0xe9], '\n2,plain\n3,\uFFFD ok\n');
const JSONL = bytes(
  '{"id":1,"name":"caf',
  [0xe9],
  '"}\n{"id":2,"name":"plain"}\n{"id":3,"name":"\uFFFD ok"}\n',
);

async function sqliteSource(dir: string): Promise<string> {
  const path = join(dir, 'source.db');
  const db = new Database(path);
  db.exec(`CREATE TABLE x (id INTEGER PRIMARY KEY, name TEXT);
    INSERT INTO x VALUES (1, CAST(X'636166e9' AS TEXT)), (2, 'plain'), (3, CAST(X'efbfbd206f6b' AS TEXT));`);
  db.close();
  return path;
}

interface Migrated {
  report: RunReport;
  rejects: RejectedRow[];
  rows: Record<string, unknown>[];
  file: string;
  /** Replays the run's rejected rows with its own spec (`jivs replay`). */
  replay(): Promise<ReplayResult>;
}

/** Migrates table x of `source` into a fresh `target` and returns the report, the quarantine and the rows. */
async function migrate(
  dir: string,
  source: Record<string, unknown>,
  target: DatabaseEndpoint,
): Promise<Migrated> {
  const run = await runSpec(dir, { source, target: target.spec });
  const { store } = run;
  cleanups.push(() => store.close());
  assert.equal(run.report.status, 'succeeded', run.report.error ?? '');
  const rejects: RejectedRow[] = [];
  for await (const page of store.quarantine.pages(run.report.runId, { table: 'x' })) rejects.push(...page);
  const replay = async () => replayRejects(run.report.runId, await loadSpec(run.file), store);
  return { report: run.report, rejects, rows: await target.rows('x'), file: run.file, replay };
}

async function postgres(): Promise<DatabaseEndpoint> {
  const target = await postgresEndpoint();
  cleanups.push(() => target.drop());
  return target;
}

function table(report: RunReport) {
  return report.tables.find((t) => t.target === 'x')!;
}

/** Checks a run that rejected row 1 for invalid bytes and loaded rows 2 and 3 unchanged. */
function assertRejected(migrated: Migrated, reason: RegExp): void {
  const { report, rejects, rows } = migrated;
  assert.deepEqual(report.totals, { extracted: 3, loaded: 2, rejected: 1, filtered: 0 });
  assert.equal(rejects.length, 1);
  assert.equal(rejects[0]!.reasons[0]!.rule, 'source');
  assert.match(rejects[0]!.reasons[0]!.message, reason);
  assert.deepEqual(
    rows.map((r) => [Number(r.id), r.name]),
    [
      [2, 'plain'],
      [3, '\uFFFD ok'],
    ],
  );
  const source = table(report).quality!.rules.find((r) => r.name === 'source')!;
  assert.equal(source.failed, 1);
  assert.ok(report.verified, 'the rows that loaded verify; the rejected one is accounted as rejected');
}

describe('invalid bytes: rejected by default', () => {
  it('a UTF-8 CSV into PostgreSQL: file:line, column and hex; jivs verify counts the row as a difference', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'x.csv'), CSV);
    const migrated = await migrate(dir, { type: 'csv', path: 'x.csv' }, await postgres());
    assertRejected(migrated, /x\.csv:2: name: invalid UTF-8 bytes e9 at byte 3$/);
    // A replay cannot make the stored U+FFFD exact: the row stays rejected, for the same reason.
    const replayed = await migrated.replay();
    assert.deepEqual(replayed.tables[0], {
      table: 'x',
      replayed: 1,
      loaded: 0,
      filtered: 0,
      stillRejected: 1,
    });
    // Without the run's quarantine, the rejected row is meant but not in the target: never identical.
    const verified = await verifySpec(await loadSpec(migrated.file));
    assert.equal(verified.matches, false);
    assert.equal(verified.tables[0]!.differencesTotal, 1);
  });

  it('an ASCII CSV into PostgreSQL: a byte above 0x7F', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'x.csv'), CSV);
    const migrated = await migrate(dir, { type: 'csv', path: 'x.csv', encoding: 'ascii' }, await postgres());
    // In ASCII, the three bytes of U+FFFD are invalid too.
    assert.deepEqual(migrated.report.totals, { extracted: 3, loaded: 1, rejected: 2, filtered: 0 });
    assert.deepEqual(
      migrated.rejects.map((r) => r.reasons[0]!.message.replace(/^.*x\.csv/, 'x.csv')),
      [
        'x.csv:2: name: invalid ascii bytes e9 at byte 3',
        'x.csv:4: name: invalid ascii bytes ef at byte 0, bf at byte 1, bd at byte 2',
      ],
    );
    assert.deepEqual(migrated.rows, [{ id: '2', name: 'plain' }]);
  });

  it('a JSON Lines file into PostgreSQL', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'x.jsonl'), JSONL);
    const migrated = await migrate(dir, { type: 'jsonl', path: 'x.jsonl' }, await postgres());
    assertRejected(migrated, /x\.jsonl:1: name: invalid UTF-8 bytes e9 at byte 3$/);
  });

  it('a SQLite TEXT value into a SQLite target, named by rowid', async () => {
    const dir = await tempDir();
    const target = await sqliteEndpoint(dir);
    const migrated = await migrate(dir, { type: 'sqlite', path: await sqliteSource(dir) }, target);
    assertRejected(migrated, /^rowid 1: name: invalid UTF-8 bytes e9 at byte 3$/);
    assert.equal(migrated.rejects[0]!.key, '[1]');
  });
});

describe('invalid bytes: replaced or NULL when the spec says so', () => {
  /** Checks a run that loaded all three rows, row 1 as `name`, counting one replaced value. */
  function assertReplaced(migrated: Migrated, name: string | null): void {
    const { report, rows } = migrated;
    assert.deepEqual(report.totals, { extracted: 3, loaded: 3, rejected: 0, filtered: 0 });
    assert.deepEqual(
      rows.map((r) => r.name),
      [name, 'plain', '\uFFFD ok'],
    );
    const rule = table(report).quality!.rules.find((r) => r.name === 'name.invalidText')!;
    assert.deepEqual([rule.severity, rule.checked, rule.failed], ['warning', 3, 1]);
    assert.equal(table(report).verification!.content!.replacedValues, 1);
    const text = formatReport(report);
    assert.match(text, /x: 3 rows in 1 key range\(s\) hashed: as meant; 1 value\(s\) replaced/);
    assert.doesNotMatch(text, /hashed: identical/);
    assert.match(text, /x: name\.invalidText \[warning\] failed 1 of 3/);
  }

  it('a UTF-8 CSV with replace into PostgreSQL', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'x.csv'), CSV);
    const source = { type: 'csv', path: 'x.csv', invalidText: 'replace' };
    assertReplaced(await migrate(dir, source, await postgres()), 'caf\uFFFD');
  });

  it('a JSON Lines file with null into PostgreSQL', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'x.jsonl'), JSONL);
    const source = { type: 'jsonl', path: 'x.jsonl', invalidText: 'null' };
    assertReplaced(await migrate(dir, source, await postgres()), null);
  });

  it('a SQLite source with replace into PostgreSQL; jivs verify counts the replaced value too', async () => {
    const dir = await tempDir();
    const source = { type: 'sqlite', path: await sqliteSource(dir), invalidText: 'replace' };
    const migrated = await migrate(dir, source, await postgres());
    assertReplaced(migrated, 'caf\uFFFD');
    const verified = await verifySpec(await loadSpec(migrated.file));
    assert.equal(verified.matches, true);
    assert.equal(verified.tables[0]!.replacedValues, 1);
  });
});
