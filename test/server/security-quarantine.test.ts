/**
 * Issue 11, item 6: rejected rows must not show the raw value of a masked column. A column masked
 * `partial keepLast 4` is stored masked in the quarantine (the raw value is nowhere in the store's
 * rejects table), a replay still gets the raw value (from the run's key index), and with
 * `quarantine: raw` engineers see the raw value while viewers still get it masked.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { replayRejects } from '../../src/engine/replay.ts';
import { loadSpec } from '../../src/plan/load-spec.ts';
import { createSqliteDatabase, queryAll } from '../support/sqlite-fixture.ts';
import type { RejectPage } from './api-types.ts';
import { runThroughApi } from './api-run.ts';
import { startServer, type TestServer } from './server-fixture.ts';

const IBAN = 'DE89370400440532013000';
const MASKED = `${'*'.repeat(IBAN.length - 4)}3000`;
/** Fails the IBAN's own pattern rule, whose message would quote it. */
const BAD_IBAN = 'XX-SECRET-IBAN-5678';

/** Bert's e-mail fails its rule, Cleo's IBAN its pattern: both rows land in the quarantine. */
function spec(dir: string, extra: Record<string, unknown> = {}, emailRule = true): Record<string, unknown> {
  return {
    source: { type: 'sqlite', path: 'people.db' },
    target: { type: 'sqlite', path: 'out.db' },
    tables: [
      {
        name: 'people',
        columns: {
          iban: { mask: { partial: { keepLast: 4 } }, rules: [{ pattern: '^[A-Z]{2}[0-9]+$' }] },
          email: { rules: emailRule ? [{ format: 'email' }] : [] },
        },
      },
    ],
    ...extra,
  };
}

function createSource(dir: string): void {
  createSqliteDatabase(
    join(dir, 'people.db'),
    `CREATE TABLE people (id INTEGER PRIMARY KEY, iban TEXT, email TEXT);
     INSERT INTO people VALUES (1, 'FR7630006000011234567890189', 'anna@example.com'), (2, '${IBAN}', 'bert@'),
       (3, '${BAD_IBAN}', 'cleo@example.com');`,
  );
}

/** The rejected row's IBAN as `token` sees it: page, JSON Lines and CSV export. */
async function ibansSeenBy(server: TestServer, runId: string, token: string): Promise<string[]> {
  const page = await server.request<RejectPage>('GET', `/api/v1/runs/${runId}/rejects?table=people`, {
    token,
  });
  assert.equal(page.status, 200, page.text);
  assert.deepEqual(
    page.body.rows.map((r) => r.key),
    ['[2]', '[3]'],
  );
  const jsonl = await server.request('GET', `/api/v1/runs/${runId}/rejects?format=jsonl`, { token });
  const csv = await server.request('GET', `/api/v1/runs/${runId}/rejects?format=csv`, { token });
  for (const text of [page.text, jsonl.text, csv.text]) assert.doesNotMatch(text, /rawValues/);
  const fromJsonl = (JSON.parse(jsonl.text.split('\n')[0]!) as { values: { iban: string } }).values.iban;
  const fromCsv = /iban""?:""([^"]*)""/.exec(csv.text)?.[1];
  return [page.body.rows[0]!.values.iban as string, fromJsonl, fromCsv!];
}

/** Every text the store keeps about the run's rejected rows. */
function storedRejects(server: TestServer, runId: string): string {
  const db = new Database(join(server.dataDir, 'state.db'), { readonly: true });
  try {
    return JSON.stringify([
      db.prepare('SELECT * FROM rejects WHERE run_id = ?').all(runId),
      db.prepare('SELECT * FROM reject_reasons').all(),
    ]);
  } finally {
    db.close();
  }
}

describe('rejected rows follow the column mask', () => {
  test('by default the quarantine holds the masked value only, and a replay still gets the raw one', async (t) => {
    const server = await startServer(t);
    createSource(server.dir);
    const engineer = await server.tokenFor('engineer');
    const viewer = await server.tokenFor('viewer');
    const runId = await runThroughApi(server, engineer, spec(server.dir));

    assert.deepEqual(await ibansSeenBy(server, runId, viewer), [MASKED, MASKED, MASKED]);
    assert.deepEqual(await ibansSeenBy(server, runId, engineer), [MASKED, MASKED, MASKED]);
    const stored = storedRejects(server, runId);
    assert.match(stored, /bert@/, 'the rejected row is stored');
    assert.ok(!stored.includes(IBAN), 'the raw IBAN is nowhere in the store');
    assert.ok(!stored.includes('0532013000'), 'nor any longer unmasked part of it');
    assert.ok(!stored.includes('SECRET'), 'no rule message quotes a masked value');
    const report = await server.request('GET', `/api/v1/runs/${runId}/report`, { token: viewer });
    const run = await server.request('GET', `/api/v1/runs/${runId}`, { token: viewer });
    for (const text of [report.text, run.text]) assert.ok(!text.includes('SECRET') && !text.includes(IBAN));

    // Replay after fixing the e-mail rule: the IBAN's own pattern rule needs the raw value to pass.
    const fixed = join(server.dir, 'fixed.yaml');
    await writeFile(fixed, stringify({ version: 1, ...spec(server.dir, {}, false) }));
    const replay = await replayRejects(runId, await loadSpec(fixed), server.store);
    assert.deepEqual(
      replay.tables.map((x) => [x.replayed, x.loaded, x.stillRejected]),
      [[2, 1, 1]],
      'Bert loads; Cleo still fails her pattern rule',
    );
    assert.ok(!storedRejects(server, runId).includes('SECRET'), 'nor after the replay');
    const loaded = queryAll<{ iban: string }>(
      join(server.dir, 'out.db'),
      'SELECT iban FROM people WHERE id = 2',
    );
    assert.deepEqual(loaded, [{ iban: MASKED }], 'masked once, from the raw value');
  });

  for (const where of ['spec', 'table'] as const) {
    test(`quarantine: raw (${where}) shows the raw value to engineers, the masked one to viewers`, async (t) => {
      const server = await startServer(t);
      createSource(server.dir);
      const engineer = await server.tokenFor('engineer');
      const viewer = await server.tokenFor('viewer');
      const auditor = await server.tokenFor('auditor');
      const raw = spec(server.dir, where === 'spec' ? { quarantine: 'raw' } : {});
      if (where === 'table') (raw.tables as Record<string, unknown>[])[0]!.quarantine = 'raw';
      const runId = await runThroughApi(server, engineer, raw);

      assert.deepEqual(await ibansSeenBy(server, runId, engineer), [IBAN, IBAN, IBAN]);
      assert.deepEqual(await ibansSeenBy(server, runId, await server.adminToken()), [IBAN, IBAN, IBAN]);
      assert.deepEqual(await ibansSeenBy(server, runId, viewer), [MASKED, MASKED, MASKED]);
      assert.deepEqual(await ibansSeenBy(server, runId, auditor), [MASKED, MASKED, MASKED]);
    });
  }
});
