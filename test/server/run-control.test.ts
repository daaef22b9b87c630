/**
 * Runs execute in child processes, at most JIVS_MAX_RUNS at a time: the others queue. Pause stops a
 * run at a batch boundary (resumable), resume finishes it, cancel ends it for good (a queued run never
 * touches its target). A run whose process dies is interrupted, never lost: a restarted service
 * reports it as resumable and resumes it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateLegacyErp } from '../../src/demo/generate-legacy-erp.ts';
import { buildApp } from '../../src/server/app.ts';
import { serverConfig } from '../../src/server/config.ts';
import { DEMO_TARGET_TABLES, countRows, tablesIn } from '../cli/demo-fixture.ts';
import type { RunReport, RunView } from './api-types.ts';
import { demoSpecDocument } from './demo-spec-document.ts';
import { startServer, type TestServer } from './server-fixture.ts';
import { readEvents, collectEvents, type SseMessage } from './sse-client.ts';

/** Rows of the slow migration's source: enough, in small batches, to be caught running. */
const SLOW_ROWS = 40_000;

/**
 * Defines a demo migration into its own SQLite target; a slow one reads a larger source in small
 * batches, so that it can be caught running.
 */
async function defineDemo(server: TestServer, token: string, name: string, slow: boolean): Promise<string> {
  const spec = await demoSpecDocument(server.dir);
  spec.name = name;
  (spec.target as { path: string }).path = `${name}.db`;
  if (slow) {
    const source = join(server.dir, 'slow-source.db');
    if (!existsSync(source)) await generateLegacyErp(source, { rows: SLOW_ROWS, seed: 7 });
    Object.assign(spec, {
      batchSize: 25,
      parallelism: 1,
      source: { type: 'sqlite', path: 'slow-source.db' },
    });
  }
  const created = await server.request<{ id: string }>('POST', '/api/v1/migrations', {
    token,
    body: { spec },
  });
  assert.equal(created.status, 201, created.text);
  return created.body.id;
}

async function start(server: TestServer, token: string, migrationId: string) {
  const started = await server.request<{ runId: string; status: string }>(
    'POST',
    `/api/v1/migrations/${migrationId}/runs`,
    { token },
  );
  assert.equal(started.status, 202, started.text);
  return started.body;
}

/** Reads the run's events until `until` matches one (returning the stream's rest for later), or the end. */
async function eventsUntil(
  server: TestServer,
  token: string,
  runId: string,
  until: (m: SseMessage) => boolean,
) {
  const stream = readEvents(`${server.url}/api/v1/runs/${runId}/events`, token);
  // next() by hand: leaving a for-await loop would close the stream.
  for (;;) {
    const { value, done } = await stream.next();
    if (done) throw new Error(`run ${runId}: the stream ended first`);
    if (until(value)) return { message: value, stream };
  }
}

async function endOf(stream: AsyncGenerator<SseMessage>): Promise<{ outcome: string; error: string | null }> {
  for await (const message of stream)
    if (message.event === 'end') return message.data as { outcome: string; error: string | null };
  throw new Error('no end event');
}

test('queue, pause, resume and cancel', async (t) => {
  const server = await startServer(t, { maxRuns: 1 });
  const token = await server.tokenFor('engineer');
  const slow = await defineDemo(server, token, 'slow', true);
  const quick = await defineDemo(server, token, 'quick', false);
  const untouched = await defineDemo(server, token, 'untouched', false);

  const a = await start(server, token, slow);
  assert.equal(a.status, 'running');
  const { stream: aEvents } = await eventsUntil(server, token, a.runId, (m) => m.event === 'table-progress');
  const b = await start(server, token, quick);
  assert.equal(b.status, 'queued', 'one run at a time');
  assert.equal(
    (await server.request<{ status: string }>('GET', `/api/v1/runs/${b.runId}`, { token })).body.status,
    'queued',
  );
  const conflict = await server.request('POST', `/api/v1/runs/${b.runId}/pause`, { token });
  assert.equal(conflict.status, 409, 'a queued new run is cancelled, not paused');

  const running = await server.request<RunView>('GET', `/api/v1/runs/${a.runId}`, { token });
  assert.equal(running.body.status, 'running');
  assert.ok(running.body.activePhases.includes('loading'), running.text);
  assert.ok(running.body.totals.extracted > 0 && running.body.totals.extracted < SLOW_ROWS, running.text);
  assert.ok(running.body.rowsPerSecond > 0, 'throughput');
  assert.ok((running.body.etaSeconds ?? 0) > 0, 'ETA');
  const metrics = await server.request('GET', '/metrics');
  assert.match(metrics.text, /^jivs_active_runs 1$/m);
  assert.match(metrics.text, /^jivs_queued_runs 1$/m);

  assert.equal((await server.request('POST', `/api/v1/runs/${a.runId}/pause`, { token })).status, 202);
  assert.deepEqual(await endOf(aEvents), {
    runId: a.runId,
    outcome: 'paused',
    error: 'stopped on request.',
  } as never);
  const paused = await server.request<RunView>('GET', `/api/v1/runs/${a.runId}`, { token });
  assert.equal(paused.body.status, 'paused');
  assert.equal(paused.body.resumable, true);
  assert.ok(paused.body.totals.extracted < SLOW_ROWS);

  // The slot went to the queued run.
  const bEnd = (await collectEvents(`${server.url}/api/v1/runs/${b.runId}/events`, token)).at(-1)!;
  assert.equal((bEnd.data as { outcome: string }).outcome, 'succeeded');

  const resumed = await server.request<{ status: string }>('POST', `/api/v1/runs/${a.runId}/resume`, {
    token,
  });
  assert.equal(resumed.status, 202, JSON.stringify(resumed.body));
  const { stream: aAgain } = await eventsUntil(server, token, a.runId, (m) => m.event === 'started');
  const d = await start(server, token, untouched);
  assert.equal(d.status, 'queued');
  assert.equal((await server.request('POST', `/api/v1/runs/${d.runId}/cancel`, { token })).status, 202);
  assert.equal((await endOf(aAgain)).outcome, 'succeeded');
  const done = await server.request<RunReport>('GET', `/api/v1/runs/${a.runId}/report`, { token });
  assert.equal(done.body.attempt, 2);
  assert.equal(done.body.totals.extracted, SLOW_ROWS);
  assert.equal(done.body.accountingBalanced, true);
  assert.equal(done.body.verified, true);
  const target = countRows(join(server.dir, 'slow.db'), DEMO_TARGET_TABLES);
  assert.equal(
    Object.values(target).reduce((x, y) => x + y, 0),
    done.body.totals.loaded,
    'no duplicates, no gaps',
  );

  const cancelled = await server.request<RunView>('GET', `/api/v1/runs/${d.runId}`, { token });
  assert.equal(cancelled.body.status, 'cancelled');
  assert.equal(cancelled.body.resumable, false);
  assert.match(cancelled.body.error ?? '', /^cancelled by engineer-user/);
  // Opening the target (while planning) creates the file, but no table was made or filled.
  assert.deepEqual(
    tablesIn(join(server.dir, 'untouched.db')),
    [],
    'a cancelled queued run never touched its target',
  );
  assert.equal((await server.request('POST', `/api/v1/runs/${d.runId}/resume`, { token })).status, 409);

  // Cancel a running one.
  const c = await start(server, token, slow);
  const { stream: cEvents } = await eventsUntil(server, token, c.runId, (m) => m.event === 'table-progress');
  assert.equal((await server.request('POST', `/api/v1/runs/${c.runId}/cancel`, { token })).status, 202);
  const cEnd = await endOf(cEvents);
  assert.equal(cEnd.outcome, 'cancelled');
  const cView = await server.request<RunView>('GET', `/api/v1/runs/${c.runId}`, { token });
  assert.equal(cView.body.status, 'cancelled');
  assert.equal(
    (await server.request<RunReport>('GET', `/api/v1/runs/${c.runId}/report`, { token })).body.status,
    'failed',
  );

  const audit = await server.store.audit.list({ limit: 1000 });
  for (const action of ['run.start', 'run.pause', 'run.resume', 'run.cancel']) {
    assert.ok(
      audit.some((e) => e.action === action && e.outcome === 'ok'),
      action,
    );
  }
  const final = await server.request('GET', '/metrics');
  assert.match(final.text, /^jivs_runs_total\{outcome="paused"\} 1$/m);
  assert.match(final.text, /^jivs_runs_total\{outcome="cancelled"\} 2$/m);
  assert.match(final.text, /^jivs_runs_total\{outcome="succeeded"\} 2$/m);
  assert.match(final.text, /^jivs_active_runs 0$/m);
});

test('a run whose process dies is interrupted, and a restarted service reports and resumes it', async (t) => {
  const server = await startServer(t);
  const token = await server.tokenFor('engineer');
  const slow = await defineDemo(server, token, 'slow', true);
  const run = await start(server, token, slow);
  const { stream } = await eventsUntil(server, token, run.runId, (m) => m.event === 'table-progress');
  const owner = (await server.store.getRun(run.runId))!.owner!;
  const pid = Number(owner.slice(owner.lastIndexOf(':') + 1));
  assert.notEqual(pid, process.pid, 'the run executes in its own process');
  process.kill(pid, 'SIGKILL');
  assert.equal((await endOf(stream)).outcome, 'interrupted');
  const view = await server.request<RunView>('GET', `/api/v1/runs/${run.runId}`, { token });
  assert.equal(view.body.status, 'interrupted');
  assert.equal(view.body.resumable, true);

  // Another service over the same store (as after a crash of the first): it reports the run.
  const logs: string[] = [];
  const second = await buildApp({
    config: serverConfig({ dataDir: server.dataDir, specDir: server.dir, port: 0, autoResume: true }),
    store: server.store,
    storeLocation: server.store.location,
    logDestination: { write: (line: string) => void logs.push(line) },
  });
  t.after(() => second.close());
  assert.ok(
    logs.some((l) => l.includes(`run ${run.runId} was interrupted`) && l.includes('resumable')),
    logs.join(''),
  );
  // JIVS_AUTO_RESUME: the second service resumed it.
  const url = await second.listen({ port: 0, host: '127.0.0.1' });
  const secondToken = await server.login('engineer-user', 'user-password-for-tests');
  const events = await collectEvents(`${url}/api/v1/runs/${run.runId}/events`, secondToken);
  assert.equal(
    (events.at(-1)!.data as { outcome: string }).outcome,
    'succeeded',
    JSON.stringify(events.at(-1)),
  );
  const report = (await server.store.getRun(run.runId))!.report as {
    attempt: number;
    totals: { extracted: number };
  };
  assert.equal(report.attempt, 2);
  assert.equal(report.totals.extracted, SLOW_ROWS);
});
