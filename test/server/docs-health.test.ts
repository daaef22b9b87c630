/**
 * What needs no login: /healthz, /readyz (503 once the store is gone), the OpenAPI document generated
 * from the route schemas and its UI, and /metrics — unless JIVS_METRICS_TOKEN asks for a scrape token.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from './server-fixture.ts';

type OpenApi = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { requestBody?: unknown; parameters?: { name: string }[]; responses: Record<string, unknown> }
    >
  >;
  components: { securitySchemes: Record<string, unknown> };
};

test('health, readiness, the OpenAPI document and its UI', async (t) => {
  const server = await startServer(t);
  assert.deepEqual((await server.request('GET', '/healthz')).body, { status: 'ok' });
  assert.deepEqual((await server.request('GET', '/readyz')).body, { status: 'ready' });

  const ui = await server.request('GET', '/docs');
  assert.equal(ui.status, 200);
  assert.match(ui.headers.get('content-type')!, /text\/html/);
  const doc = (await server.request<OpenApi>('GET', '/docs/json')).body;
  assert.match(doc.openapi, /^3\./);
  assert.ok(doc.components.securitySchemes.bearer);
  // Every API route of the app is in the document, with its schemas.
  for (const { method, url } of server.app.jivsRoutes.filter(
    (r) => r.url.startsWith('/api/') && r.method !== 'HEAD',
  )) {
    const path = url.replace(/:(\w+)/g, '{$1}');
    const operation = doc.paths[path]?.[method.toLowerCase()];
    assert.ok(operation, `${method} ${path} is documented`);
    assert.ok(Object.keys(operation.responses).length > 0, `${method} ${path} documents its responses`);
  }
  const login = doc.paths['/api/v1/auth/login']!.post!;
  assert.ok(login.requestBody, 'the login body schema is published');
  assert.ok(doc.paths['/api/v1/runs/{id}/rejects']!.get!.parameters!.some((p) => p.name === 'severity'));
  assert.ok(!JSON.stringify(doc).includes('passwordHash'));

  await server.store.close();
  const notReady = await server.request('GET', '/readyz');
  assert.equal(notReady.status, 503);
  assert.equal((await server.request('GET', '/healthz')).status, 200, 'still up');
});

test('/metrics is open by default, and needs the scrape token when one is set', async (t) => {
  const open = await startServer(t);
  const scraped = await open.request('GET', '/metrics');
  assert.equal(scraped.status, 200);
  assert.match(scraped.headers.get('content-type')!, /^text\/plain/);
  assert.match(scraped.text, /^# TYPE jivs_runs_total counter$/m);
  assert.match(scraped.text, /^# TYPE jivs_phase_duration_seconds histogram$/m);
  assert.match(scraped.text, /^jivs_active_runs 0$/m);

  const guarded = await startServer(t, { metricsToken: 'scrape-token-for-tests' });
  assert.equal((await guarded.request('GET', '/metrics')).status, 401);
  assert.equal((await guarded.request('GET', '/metrics', { token: 'wrong' })).status, 401);
  assert.equal(
    (await guarded.request('GET', '/metrics', { token: await guarded.adminToken() })).status,
    401,
    'a login token is not the scrape token',
  );
  assert.equal((await guarded.request('GET', '/metrics', { token: 'scrape-token-for-tests' })).status, 200);
});
