/**
 * The service end to end: log in, define a migration from the demo spec, start it, follow its SSE
 * stream to the end, read its run, report and rejects (paged, filtered, exported), check the audit log
 * and the metrics of the run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse as parseCsv } from 'csv-parse/sync';
import { DEMO_ROWS, DEMO_TARGET_TABLES, countRows } from '../cli/demo-fixture.ts';
import { demoSpecDocument } from './demo-spec-document.ts';
import { startServer } from './server-fixture.ts';
import { collectEvents } from './sse-client.ts';
import { join } from 'node:path';
import { PHASES } from '../../src/state/run-types.ts';
import type { RejectPage, RunReport, RunView } from './api-types.ts';

test('a demo migration through the API, followed live to its report, rejects, audit and metrics', async (t) => {
  const server = await startServer(t);
  const engineer = await server.tokenFor('engineer', 'erin');
  const viewer = await server.tokenFor('viewer', 'vic');
  const spec = await demoSpecDocument(server.dir);

  const created = await server.request<{ id: string; name: string; spec: unknown }>(
    'POST',
    '/api/v1/migrations',
    {
      token: engineer,
      body: { spec },
    },
  );
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.name, 'legacy-erp-demo');
  const migrationId = created.body.id;

  const listed = await server.request<{ migrations: { id: string }[] }>('GET', '/api/v1/migrations', {
    token: viewer,
  });
  assert.deepEqual(
    listed.body.migrations.map((m) => m.id),
    [migrationId],
  );
  const validated = await server.request<{ valid: boolean }>(
    'POST',
    `/api/v1/migrations/${migrationId}/validate`,
    {
      token: viewer,
    },
  );
  assert.deepEqual(validated.body, { valid: true, problems: [] });
  const planned = await server.request<{ plan: { tables: { target: { name: string } }[] } }>(
    'POST',
    `/api/v1/migrations/${migrationId}/plan`,
    { token: engineer },
  );
  assert.equal(planned.status, 200, planned.text);
  assert.deepEqual(
    planned.body.plan.tables.map((t) => t.target.name),
    ['customer', 'products', 'orders', 'order_lines'],
  );

  const started = await server.request<{ runId: string; status: string }>(
    'POST',
    `/api/v1/migrations/${migrationId}/runs`,
    { token: engineer },
  );
  assert.equal(started.status, 202, started.text);
  const { runId } = started.body;
  assert.match(runId, /^\d{8}-\d{6}-[0-9a-f]{8}$/);

  // Follow it live, as a viewer.
  const events = await collectEvents(`${server.url}/api/v1/runs/${runId}/events`, viewer);
  server.responses.push(JSON.stringify(events));
  const names = events.map((e) => e.event);
  assert.equal(names[0], 'snapshot');
  assert.equal(names.at(-1), 'end');
  assert.ok(names.includes('table-progress'), names.join(' '));
  for (const phase of PHASES) {
    assert.ok(
      events.some((e) => e.event === 'phase-finished' && (e.data as { phase: string }).phase === phase),
      `phase-finished ${phase}`,
    );
  }
  const report = events.find((e) => e.event === 'report')?.data as {
    status: string;
    totals: { extracted: number; loaded: number; rejected: number };
    accountingBalanced: boolean;
  };
  assert.equal(report.status, 'succeeded');
  assert.equal(report.totals.extracted, DEMO_ROWS);
  assert.ok(report.totals.rejected > 0, 'the demo has dirty rows');
  assert.deepEqual(events.at(-1)!.data, { runId, outcome: 'succeeded', error: null });
  const progress = events.filter((e) => e.event === 'table-progress').map((e) => e.data as { table: string });
  assert.deepEqual(new Set(progress.map((p) => p.table)), new Set(DEMO_TARGET_TABLES));

  // The run, its report and the target.
  const run = await server.request<RunView>('GET', `/api/v1/runs/${runId}`, { token: viewer });
  assert.equal(run.status, 200, run.text);
  assert.equal(run.body.status, 'succeeded');
  assert.equal(run.body.migrationId, migrationId);
  assert.equal(run.body.resumable, false);
  assert.deepEqual(
    run.body.phases.map((p: { phase: string }) => p.phase),
    PHASES,
  );
  assert.equal(run.body.totals.extracted, DEMO_ROWS);
  assert.equal(run.body.tables.length, 4);
  assert.ok(run.body.rowsPerSecond > 0);
  const reportResponse = await server.request<RunReport>('GET', `/api/v1/runs/${runId}/report`, {
    token: viewer,
  });
  assert.equal(reportResponse.body.status, 'succeeded');
  assert.equal(reportResponse.body.accountingBalanced, true);
  assert.ok(
    reportResponse.body.tables.every((t: { quality: unknown }) => t.quality !== null),
    'quality per table',
  );
  const loaded = countRows(join(server.dir, 'demo', 'migrated.db'), DEMO_TARGET_TABLES);
  assert.equal(
    Object.values(loaded).reduce((a, b) => a + b, 0),
    reportResponse.body.totals.loaded,
  );
  const runs = await server.request<{ runs: { id: string }[] }>(
    'GET',
    `/api/v1/runs?migrationId=${migrationId}`,
    {
      token: viewer,
    },
  );
  assert.deepEqual(
    runs.body.runs.map((r) => r.id),
    [runId],
  );

  // Rejects: paged, filtered, exported.
  const rejected = reportResponse.body.totals.rejected as number;
  const first = await server.request<RejectPage>('GET', `/api/v1/runs/${runId}/rejects?limit=5`, {
    token: viewer,
  });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.body.total, rejected);
  assert.equal(first.body.rows.length, Math.min(5, rejected));
  assert.ok(first.body.rows[0]!.reasons.length > 0);
  if (rejected > 5) {
    const second = await server.request<RejectPage>(
      'GET',
      `/api/v1/runs/${runId}/rejects?limit=5&afterId=${first.body.nextAfterId}`,
      { token: viewer },
    );
    assert.ok(second.body.rows[0]!.id > first.body.rows.at(-1)!.id, 'the next page follows');
  }
  const orders = await server.request<RejectPage>(
    'GET',
    `/api/v1/runs/${runId}/rejects?table=orders&limit=1000`,
    {
      token: viewer,
    },
  );
  assert.ok(orders.body.rows.every((r: { table: string }) => r.table === 'orders'));
  const bySeverity = await server.request<RejectPage>(
    'GET',
    `/api/v1/runs/${runId}/rejects?severity=major&limit=1`,
    {
      token: viewer,
    },
  );
  assert.ok(bySeverity.body.total > 0 && bySeverity.body.total <= rejected);
  const jsonl = await server.request('GET', `/api/v1/runs/${runId}/rejects?format=jsonl`, { token: viewer });
  assert.match(jsonl.headers.get('content-type')!, /application\/x-ndjson/);
  assert.equal(jsonl.text.trim().split('\n').length, rejected);
  const csv = await server.request('GET', `/api/v1/runs/${runId}/rejects?format=csv&table=orders`, {
    token: viewer,
  });
  assert.match(csv.headers.get('content-type')!, /text\/csv/);
  const records = parseCsv(csv.text, { columns: true }) as { table: string }[];
  assert.equal(records.length, orders.body.total);

  // Audit: who did what.
  const audit = await server.request<{
    entries: { actor: string | null; action: string; target: string | null; outcome: string }[];
  }>('GET', '/api/v1/audit?limit=1000', { token: await server.adminToken() });
  assert.equal(audit.status, 200, audit.text);
  const has = (actor: string | null, action: string, target?: string) =>
    audit.body.entries.some(
      (e) =>
        e.actor === actor &&
        e.action === action &&
        e.outcome === 'ok' &&
        (target === undefined || e.target === target),
    );
  assert.ok(has('erin', 'auth.login'), 'login');
  assert.ok(has('admin', 'user.create', 'erin'), 'user created');
  assert.ok(has('erin', 'migration.create', migrationId), 'migration created');
  assert.ok(has('erin', 'run.start', runId), 'run started');

  // Metrics of the run.
  const metrics = await server.request('GET', '/metrics');
  const value = (pattern: RegExp) => Number(pattern.exec(metrics.text)?.[1] ?? NaN);
  let extracted = 0;
  for (const table of DEMO_TARGET_TABLES) {
    extracted += value(new RegExp(`^jivs_rows_extracted_total\\{table="${table}"\\} (\\d+)`, 'm'));
  }
  assert.equal(extracted, DEMO_ROWS);
  assert.equal(
    value(/^jivs_rows_rejected_total\{table="orders"\} (\d+)/m),
    reportResponse.body.tables.find((x) => x.target === 'orders')!.rejected,
  );
  assert.equal(value(/^jivs_runs_total\{outcome="succeeded"\} (\d+)/m), 1);
  assert.equal(value(/^jivs_phase_duration_seconds_count\{phase="loading"\} (\d+)/m), 1);
  assert.equal(value(/^jivs_active_runs (\d+)/m), 0);
  assert.match(metrics.text, /^jivs_process_resident_memory_bytes \d+/m);
  assert.match(
    metrics.text,
    /^jivs_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/runs\/:id",status="200"\} \d+/m,
  );
  assert.match(metrics.text, /^jivs_throughput_rows_per_second 0$/m);
});
