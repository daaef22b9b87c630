/**
 * Issue 11, item 12: when `jivs serve` itself crashes (SIGKILL) during a run, the run's process stops at
 * a batch boundary by itself and the run is recorded as interrupted — not "paused … on request" — and
 * the API, `jivs status` and the README say the same; a restarted service reports it, and both
 * POST /runs/:id/resume and JIVS_AUTO_RESUME finish it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateLegacyErp } from '../../src/demo/generate-legacy-erp.ts';
import { INTERRUPTED, SERVICE_WENT_AWAY } from '../../src/engine/run-interruption.ts';
import { ownerMayBeAlive } from '../../src/engine/run-owner.ts';
import { buildApp } from '../../src/server/app.ts';
import { serverConfig } from '../../src/server/config.ts';
import { StateStore } from '../../src/state/state-store.ts';
import type { RunView } from './api-types.ts';
import { demoSpecDocument } from './demo-spec-document.ts';
import { collectEvents, readEvents } from './sse-client.ts';
import { tempDir } from '../support/temp-dir.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const TSX = import.meta.resolve('tsx');
const ADMIN_PASSWORD = 'admin-password-for-crash-tests';
const ROWS = 40_000;

function jivs(args: string[], dir: string) {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    cwd: dir,
    env: {
      ...process.env,
      NODE_TEST_CONTEXT: '',
      JIVS_STATE: join(dir, '.jivs', 'state.db'),
      JIVS_SPEC_DIR: dir,
      JIVS_ADMIN_PASSWORD: ADMIN_PASSWORD,
      JIVS_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exit, out: () => out };
}

async function api(url: string, method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('a run whose service is killed is interrupted everywhere, and resumable', async (t) => {
  const dir = await tempDir('jivs-crash-', t);
  await generateLegacyErp(join(dir, 'slow-source.db'), { rows: ROWS, seed: 7 });
  const spec = await demoSpecDocument(dir);
  Object.assign(spec, {
    name: 'slow',
    batchSize: 25,
    parallelism: 1,
    source: { type: 'sqlite', path: 'slow-source.db' },
    target: { ...(spec.target as object), path: 'slow.db' },
  });

  // The service as a user starts it, in its own process.
  const server = jivs(['serve', '--port', '0'], dir);
  t.after(() => server.child.kill('SIGKILL'));
  let url: string | undefined;
  for (let i = 0; i < 400 && !url; i++) {
    url = /listening on (http:\/\/[^"\s]+)/.exec(server.out())?.[1];
    if (!url) await sleep(50);
  }
  assert.ok(url, `no listening line:\n${server.out()}`);
  const login = await api(url, 'POST', '/auth/login', undefined, {
    username: 'admin',
    password: ADMIN_PASSWORD,
  });
  const token = login.body.accessToken as string;
  const created = await api(url, 'POST', '/migrations', token, { spec });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const started = await api(url, 'POST', `/migrations/${String(created.body.id)}/runs`, token);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const runId = started.body.runId as string;
  const events = readEvents(`${url}/api/v1/runs/${runId}/events`, token);
  for (;;) {
    const { value, done } = await events.next();
    assert.ok(!done, 'the stream ended before the run moved rows');
    if (value.event === 'table-progress') break;
  }

  await events.return(undefined);
  // The service crashes: its run's process loses the IPC channel.
  server.child.kill('SIGKILL');
  await server.exit;

  const store = await StateStore.open(join(dir, '.jivs', 'state.db'));
  t.after(() => store.close());
  let run = (await store.getRun(runId))!;
  for (let i = 0; i < 600 && run.status === 'running' && ownerMayBeAlive(run.owner); i++) {
    await sleep(50);
    run = (await store.getRun(runId))!;
  }
  t.after(() => {
    const pid = Number(run.owner?.split(':').at(-1));
    if (ownerMayBeAlive(run.owner)) process.kill(pid, 'SIGKILL');
  });
  // Stored: paused at a batch boundary by the run itself, and marked as an interruption.
  assert.equal(run.status, 'paused', 'the run stopped by itself at a batch boundary');
  assert.equal(run.error, SERVICE_WENT_AWAY);
  assert.ok(!/on request/.test(run.error ?? ''), 'nobody asked it to stop');

  // The README says the same.
  const readme = await readFile(README, 'utf8');
  assert.match(readme, /`interrupted` \(on a crash or kill of the service/);
  assert.ok(readme.includes(`the error starts with \`${INTERRUPTED.trim()}\``));

  // jivs status lists it as interrupted.
  const status = jivs(['status'], dir);
  assert.equal(await status.exit, 0, status.out());
  const line =
    status
      .out()
      .split('\n')
      .find((l) => l.includes(runId)) ?? '';
  assert.match(line, /\binterrupted\b/, status.out());
  const detail = jivs(['status', runId], dir);
  assert.equal(await detail.exit, 0, detail.out());
  assert.match(detail.out(), /: INTERRUPTED/);
  assert.match(detail.out(), /Resumable/);

  // A restarted service reports it as interrupted; POST resume finishes it.
  const logs: string[] = [];
  const config = serverConfig({
    dataDir: join(dir, '.jivs'),
    specDir: dir,
    port: 0,
    adminPassword: ADMIN_PASSWORD,
  });
  const second = await buildApp({
    config,
    store,
    storeLocation: store.location,
    logDestination: { write: (l: string) => void logs.push(l) },
  });
  t.after(() => second.close());
  assert.ok(
    logs.some((l) => l.includes(`run ${runId} was interrupted`) && l.includes('resumable')),
    logs.join(''),
  );
  const secondUrl = await second.listen({ port: 0, host: '127.0.0.1' });
  const view = (await api(secondUrl, 'GET', `/runs/${runId}`, token)).body as unknown as RunView;
  assert.equal(view.status, 'interrupted');
  assert.equal(view.resumable, true);
  assert.equal(view.error, SERVICE_WENT_AWAY);
  assert.equal((await api(secondUrl, 'POST', `/runs/${runId}/resume`, token)).status, 202);
  const ended = (await collectEvents(`${secondUrl}/api/v1/runs/${runId}/events`, token)).at(-1)!;
  assert.equal((ended.data as { outcome: string }).outcome, 'succeeded', JSON.stringify(ended));
  const report = (await store.getRun(runId))!.report as { attempt: number; totals: { extracted: number } };
  assert.equal(report.attempt, 2);
  assert.equal(report.totals.extracted, ROWS);
});

test('JIVS_AUTO_RESUME takes a run that paused itself when its service went away, not one paused on request', async (t) => {
  const dir = await tempDir('jivs-crash-', t);
  const store = await StateStore.open(join(dir, '.jivs', 'state.db'));
  t.after(() => store.close());
  // Two runs recorded as the tests above leave them (the runs themselves are not needed for the listing).
  for (const [id, error] of [
    ['r-lost', SERVICE_WENT_AWAY],
    ['r-paused', 'stopped on request.'],
  ] as const) {
    await store.createRun({
      id,
      specName: 'slow',
      specFile: 'api:migrations/m',
      specHash: 'h',
      status: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
      owner: null,
      attempt: 1,
    });
    await store.finishRun(id, 'paused', error, null);
  }
  const app = await buildApp({
    config: serverConfig({
      dataDir: join(dir, '.jivs'),
      specDir: dir,
      port: 0,
      adminPassword: ADMIN_PASSWORD,
    }),
    store,
    storeLocation: store.location,
    logDestination: { write: () => {} },
  });
  t.after(() => app.close());
  // The list the service reports at start and that JIVS_AUTO_RESUME resumes.
  assert.deepEqual(
    (await app.jivs.runs.interruptedRuns()).map((r) => r.id),
    ['r-lost'],
    'an interrupted run is resumed automatically; one paused on request is not',
  );
});
