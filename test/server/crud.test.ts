/** Users and migration definitions: create, read, change, delete — each change audited. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER_PASSWORD, startServer } from './server-fixture.ts';

const SPEC = {
  version: 1,
  name: 'files',
  source: { type: 'csv', path: 'in' },
  target: { type: 'sqlite', path: 'out.db' },
};

test('users: list, get, change, delete; the last admin stays', async (t) => {
  const server = await startServer(t);
  const admin = await server.adminToken();
  await server.tokenFor('viewer', 'vera');
  const list = await server.request<{ users: { username: string; role: string }[] }>('GET', '/api/v1/users', {
    token: admin,
  });
  assert.deepEqual(
    list.body.users.map((u) => [u.username, u.role]),
    [
      ['admin', 'admin'],
      ['vera', 'viewer'],
    ],
  );
  assert.doesNotMatch(list.text, /scrypt|passwordHash/, 'no hashes');
  const taken = await server.request('POST', '/api/v1/users', {
    token: admin,
    body: { username: 'vera', password: USER_PASSWORD, role: 'viewer' },
  });
  assert.equal(taken.status, 409);
  const changed = await server.request<{ role: string }>('PATCH', '/api/v1/users/vera', {
    token: admin,
    body: { role: 'admin', password: 'a-brand-new-password' },
  });
  assert.equal(changed.body.role, 'admin');
  assert.equal(
    (
      await server.request('POST', '/api/v1/auth/login', {
        body: { username: 'vera', password: USER_PASSWORD },
      })
    ).status,
    401,
  );
  const vera = await server.login('vera', 'a-brand-new-password');
  // Now admin can go: vera is an admin too. Then vera is the last one.
  assert.equal((await server.request('DELETE', '/api/v1/users/admin', { token: vera })).status, 200);
  assert.equal((await server.request('DELETE', '/api/v1/users/vera', { token: vera })).status, 409);
  assert.equal((await server.request('GET', '/api/v1/users/admin', { token: vera })).status, 404);
  const audit = await server.store.audit.list({ limit: 100 });
  for (const action of ['user.create', 'user.update', 'user.role', 'user.delete']) {
    assert.ok(
      audit.some((e) => e.action === action && e.outcome === 'ok'),
      action,
    );
  }
  assert.ok(!JSON.stringify(audit).includes('a-brand-new-password'));
});

test('migrations: create, rename, replace, delete', async (t) => {
  const server = await startServer(t);
  const token = await server.tokenFor('engineer');
  const created = await server.request<{ id: string; name: string; createdBy: string }>(
    'POST',
    '/api/v1/migrations',
    {
      token,
      body: { spec: SPEC },
    },
  );
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.name, 'files');
  assert.equal(created.body.createdBy, 'engineer-user');
  const id = created.body.id;
  const renamed = await server.request<{ name: string }>('PATCH', `/api/v1/migrations/${id}`, {
    token,
    body: { name: 'nightly files' },
  });
  assert.equal(renamed.body.name, 'nightly files');
  const replaced = await server.request<{ spec: { batchSize: number } }>('PUT', `/api/v1/migrations/${id}`, {
    token,
    body: { spec: { ...SPEC, batchSize: 500 } },
  });
  assert.equal(replaced.status, 200, replaced.text);
  assert.equal(replaced.body.spec.batchSize, 500);
  const bad = await server.request<{ problems: { path: string }[] }>('PATCH', `/api/v1/migrations/${id}`, {
    token,
    body: { spec: { ...SPEC, batchSize: 0 } },
  });
  assert.equal(bad.status, 400);
  assert.deepEqual(
    bad.body.problems.map((p) => p.path),
    ['spec.batchSize'],
  );
  assert.equal(
    (await server.request<{ spec: { batchSize: number } }>('GET', `/api/v1/migrations/${id}`, { token })).body
      .spec.batchSize,
    500,
    'a bad update changes nothing',
  );
  assert.equal((await server.request('DELETE', `/api/v1/migrations/${id}`, { token })).status, 200);
  assert.equal((await server.request('GET', `/api/v1/migrations/${id}`, { token })).status, 404);
  assert.equal((await server.request('DELETE', `/api/v1/migrations/${id}`, { token })).status, 404);
  const actions = (await server.store.audit.list({ actor: 'engineer-user' })).map((e) => e.action);
  for (const action of ['migration.create', 'migration.update', 'migration.delete'])
    assert.ok(actions.includes(action), action);
});
