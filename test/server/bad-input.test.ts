/**
 * Bad input: malformed JSON, unknown fields, wrong types and bad specs are 400s naming the field path;
 * no data moves and nothing is stored.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from './server-fixture.ts';

type ErrorBody = { error: string; problems: { path: string; message: string }[] };

const paths = (body: ErrorBody) => body.problems.map((p) => p.path);

test('malformed JSON, unknown fields and wrong types are 400 with the field path', async (t) => {
  const server = await startServer(t);
  const token = await server.adminToken();

  const malformed = await server.request<ErrorBody>('POST', '/api/v1/users', {
    token,
    body: '{"username": "x",',
  });
  assert.equal(malformed.status, 400);
  assert.deepEqual(paths(malformed.body), ['body']);
  assert.match(malformed.body.problems[0]!.message, /not valid JSON/);

  const unknown = await server.request<ErrorBody>('POST', '/api/v1/users', {
    token,
    body: { username: 'someone', password: 'a-long-enough-password', role: 'viewer', isAdmin: true },
  });
  assert.equal(unknown.status, 400);
  assert.deepEqual(paths(unknown.body), ['body.isAdmin']);
  assert.match(unknown.body.problems[0]!.message, /unknown field "isAdmin"/);

  const wrongType = await server.request<ErrorBody>('POST', '/api/v1/auth/login', {
    body: { username: 42, password: ['x'] },
  });
  assert.equal(wrongType.status, 400);
  assert.deepEqual(paths(wrongType.body).sort(), ['body.password', 'body.username']);
  assert.match(wrongType.body.problems[0]!.message, /must be string/);

  const wrongRole = await server.request<ErrorBody>('PATCH', '/api/v1/users/admin', {
    token,
    body: { role: 'root' },
  });
  assert.equal(wrongRole.status, 400);
  assert.deepEqual(wrongRole.body.problems, [
    { path: 'body.role', message: 'must be one of "admin", "engineer", "viewer", "auditor".' },
  ]);

  const emptyPatch = await server.request<ErrorBody>('PATCH', '/api/v1/users/admin', { token, body: {} });
  assert.equal(emptyPatch.status, 400);

  const query = await server.request<ErrorBody>('GET', '/api/v1/runs?limit=many&colour=red', { token });
  assert.equal(query.status, 400);
  assert.deepEqual(paths(query.body).sort(), ['querystring.colour', 'querystring.limit']);

  const actionBody = await server.request<ErrorBody>('POST', '/api/v1/runs/some-run/pause', {
    token,
    body: { now: true },
  });
  assert.equal(actionBody.status, 400);
  assert.deepEqual(paths(actionBody.body), ['body.now']);

  const weak = await server.request<ErrorBody>('POST', '/api/v1/users', {
    token,
    body: { username: 'weak', password: 'short', role: 'viewer' },
  });
  assert.equal(weak.status, 400);
  assert.deepEqual(paths(weak.body), ['body.password']);

  const badName = await server.request<ErrorBody>('POST', '/api/v1/users', {
    token,
    body: { username: '../etc', password: 'a-long-enough-password', role: 'viewer' },
  });
  assert.equal(badName.status, 400);
  assert.deepEqual(paths(badName.body), ['body.username']);
});

test('a bad spec is a 400 listing every spec problem by its path, and nothing is stored', async (t) => {
  const server = await startServer(t);
  const token = await server.tokenFor('engineer');
  const response = await server.request<ErrorBody>('POST', '/api/v1/migrations', {
    token,
    body: {
      spec: {
        version: 1,
        source: { type: 'sqlit', path: 'legacy.db' },
        target: { type: 'postgres', database: 'erp', password: 'hunter2-literal' },
        batchSize: 'big',
        tabels: [],
      },
    },
  });
  assert.equal(response.status, 400, response.text);
  const byPath = new Map(response.body.problems.map((p) => [p.path, p.message]));
  assert.match(byPath.get('spec.source.type')!, /must be one of .*"sqlite"/);
  assert.match(byPath.get('spec.batchSize')!, /must be an integer/);
  assert.match(byPath.get('spec.tabels')!, /unknown key "tabels"/);
  // No JIVS_SECRET_KEY on this server: a literal password cannot be stored.
  assert.match(byPath.get('spec.target.password')!, /JIVS_SECRET_KEY/);
  assert.doesNotMatch(response.text, /hunter2/, 'the password is never echoed');

  const notObject = await server.request<ErrorBody>('POST', '/api/v1/migrations', {
    token,
    body: { spec: 'version: 1' },
  });
  assert.equal(notObject.status, 400);
  assert.deepEqual(paths(notObject.body), ['body.spec']);

  const outside = await server.request<ErrorBody>('POST', '/api/v1/migrations', {
    token,
    body: {
      spec: {
        version: 1,
        source: { type: 'sqlite', path: '/etc/passwd' },
        target: { type: 'sqlite', path: 'out.db' },
      },
    },
  });
  assert.equal(outside.status, 400);
  assert.deepEqual(paths(outside.body), ['spec.source.path']);

  const list = await server.request<{ migrations: unknown[] }>('GET', '/api/v1/migrations', { token });
  assert.deepEqual(list.body.migrations, []);
});

test('a spec that does not fit its source is a 400 when the run starts, and no run is recorded', async (t) => {
  const server = await startServer(t);
  const token = await server.tokenFor('engineer');
  const { demoSpecDocument } = await import('./demo-spec-document.ts');
  const spec = await demoSpecDocument(server.dir);
  (spec.tables as { name: string }[])[0]!.name = 'Customer';
  const created = await server.request<{ id: string }>('POST', '/api/v1/migrations', {
    token,
    body: { spec },
  });
  assert.equal(created.status, 201, created.text);
  const started = await server.request<ErrorBody>('POST', `/api/v1/migrations/${created.body.id}/runs`, {
    token,
  });
  assert.equal(started.status, 400, started.text);
  assert.equal(started.body.problems[0]!.path, 'spec.tables[0].name');
  assert.match(started.body.problems[0]!.message, /no table "Customer".*Customers/);
  const runs = await server.request<{ runs: unknown[] }>('GET', '/api/v1/runs', { token });
  assert.deepEqual(runs.body.runs, []);
  const audit = await server.store.audit.list({ action: 'run.start' });
  assert.equal(audit[0]?.outcome, 'failed');

  const taken = await server.request<ErrorBody>('POST', '/api/v1/migrations', { token, body: { spec } });
  assert.equal(taken.status, 409, 'the name is taken');
});
