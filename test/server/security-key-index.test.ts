/**
 * Issue 11, item 11: key-index files (raw key values, raw values of masked columns of rejected rows)
 * must not pile up or be readable by others. They are created 0600 (with their -wal and -shm files, in
 * a 0700 folder), removed when a run succeeds without rejects, when it was rolled back, and when a
 * replay loaded its last rejected row; they stay only while a replay or a resume can still use them.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { stringify } from 'yaml';
import { replayRejects } from '../../src/engine/replay.ts';
import { loadSpec } from '../../src/plan/load-spec.ts';
import { createSqliteDatabase } from '../support/sqlite-fixture.ts';
import type { RunView } from './api-types.ts';
import { runThroughApi } from './api-run.ts';
import { startServer, type TestServer } from './server-fixture.ts';

/** Codes are unique; Bert's e-mail fails its rule when `emailRule`. */
function spec(extra: Record<string, unknown> = {}, emailRule = true): Record<string, unknown> {
  return {
    source: { type: 'sqlite', path: 'people.db' },
    target: { type: 'sqlite', path: 'out.db' },
    tables: [
      {
        name: 'people',
        columns: {
          code: { rules: [{ unique: true }] },
          email: { rules: emailRule ? [{ format: 'email' }] : [] },
        },
      },
    ],
    ...extra,
  };
}

function createSource(dir: string, bertEmail: string): void {
  createSqliteDatabase(
    join(dir, 'people.db'),
    `CREATE TABLE people (id INTEGER PRIMARY KEY, code TEXT, email TEXT);
     INSERT INTO people VALUES (1, 'A-1', 'anna@example.com'), (2, 'B-2', '${bertEmail}');`,
  );
}

/** The run's key index and its -wal and -shm files (where the service's child process keeps them). */
function indexFiles(server: TestServer, runId: string): string[] {
  const file = join(server.dataDir, 'keys', `${runId}.db`);
  return [file, `${file}-wal`, `${file}-shm`];
}

const mode = (path: string) => statSync(path).mode & 0o777;

async function status(server: TestServer, runId: string, token: string): Promise<string> {
  return (await server.request<RunView>('GET', `/api/v1/runs/${runId}`, { token })).body.status;
}

describe('key-index files', () => {
  test('are gone after a run with a unique rule succeeded without rejects', async (t) => {
    const server = await startServer(t);
    createSource(server.dir, 'bert@example.com');
    const engineer = await server.tokenFor('engineer');
    const runId = await runThroughApi(server, engineer, spec());
    assert.equal(await status(server, runId, engineer), 'succeeded');
    for (const file of indexFiles(server, runId)) assert.ok(!existsSync(file), `${file} is gone`);
  });

  test('stay 0600 while a replay needs them, and go once it loaded the last rejected row', async (t) => {
    const server = await startServer(t);
    createSource(server.dir, 'bert@');
    const engineer = await server.tokenFor('engineer');
    const runId = await runThroughApi(server, engineer, spec());
    assert.equal(await status(server, runId, engineer), 'succeeded');
    const [file] = indexFiles(server, runId);
    assert.ok(existsSync(file!), 'kept for jivs replay');
    for (const path of indexFiles(server, runId)) {
      if (existsSync(path)) assert.equal(mode(path).toString(8), '600', path);
    }
    assert.equal(mode(join(server.dataDir, 'keys')).toString(8), '700');

    const fixed = join(server.dir, 'fixed.yaml');
    await writeFile(fixed, stringify({ version: 1, ...spec({}, false) }));
    const replay = await replayRejects(runId, await loadSpec(fixed), server.store);
    assert.equal(replay.report.totals.rejected, 0);
    for (const path of indexFiles(server, runId)) assert.ok(!existsSync(path), `${path} is gone`);
  });

  test('are gone after a failed run was rolled back, rejects or not', async (t) => {
    const server = await startServer(t);
    createSource(server.dir, 'bert@');
    const engineer = await server.tokenFor('engineer');
    const runId = await runThroughApi(server, engineer, spec({ rollback: true, errors: { maxRejects: 0 } }));
    const run = await server.request<RunView>('GET', `/api/v1/runs/${runId}`, { token: engineer });
    assert.equal(run.body.status, 'failed', run.text);
    assert.equal(run.body.resumable, false, 'rolled back');
    for (const path of indexFiles(server, runId)) assert.ok(!existsSync(path), `${path} is gone`);
  });
});
