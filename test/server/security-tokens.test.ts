/**
 * Issue 11, item 8: a token is bound to one user, not to a name. A user deleted and created again
 * under the same name does not inherit the old user's access or refresh tokens; and every access token
 * must carry `exp`, `aud` and `iss` (a token forged with the real secret but without them is refused).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashRefreshToken } from '../../src/server/auth/refresh-tokens.ts';
import { accessClaims, signJwt, signingSecret } from './hand-made-token.ts';
import { USER_PASSWORD, startServer, type TestServer } from './server-fixture.ts';

type Tokens = { accessToken: string; refreshToken: string };

const me = (server: TestServer, token: string) => server.request('GET', '/api/v1/auth/me', { token });

test('an access token without exp, aud or iss, or with a foreign aud or iss, is 401', async (t) => {
  const server = await startServer(t);
  // The real signing secret, as the service keeps it in its data folder.
  const secret = await signingSecret(server);
  const claims = await accessClaims(server, 'admin');
  const now = claims.iat as number;
  assert.equal((await me(server, signJwt(claims, secret))).status, 200, 'the complete token passes');

  const without = (name: string) => Object.fromEntries(Object.entries(claims).filter(([k]) => k !== name));
  for (const name of ['exp', 'aud', 'iss', 'uid']) {
    const response = await me(server, signJwt(without(name), secret));
    assert.equal(response.status, 401, `a token without ${name} (it would never expire if exp)`);
  }
  for (const [name, value] of [
    ['aud', 'another-api'],
    ['aud', ['another-api']],
    ['iss', 'someone-else'],
    ['uid', 'made-up'],
    ['exp', `${now + 60}`],
  ] as const) {
    const response = await me(server, signJwt({ ...claims, [name]: value }, secret));
    assert.equal(response.status, 401, `${name}: ${JSON.stringify(value)}`);
  }
  // An admin-minted-looking token with no expiry cannot create a user either.
  const forever = signJwt(without('exp'), secret);
  const created = await server.request('POST', '/api/v1/users', {
    token: forever,
    body: { username: 'mallory', password: USER_PASSWORD, role: 'admin' },
  });
  assert.equal(created.status, 401);
  assert.equal(await server.store.users.get('mallory'), undefined);
});

test('a deleted user re-created under the same name does not get the old tokens back', async (t) => {
  const server = await startServer(t);
  const admin = await server.adminToken();
  const createBob = () =>
    server.request('POST', '/api/v1/users', {
      token: admin,
      body: { username: 'bob', password: USER_PASSWORD, role: 'admin' },
    });
  const login = async () => {
    const response = await server.request<Tokens>('POST', '/api/v1/auth/login', {
      body: { username: 'bob', password: USER_PASSWORD },
    });
    assert.equal(response.status, 200, response.text);
    return response.body;
  };
  const refresh = (refreshToken: string) =>
    server.request<Tokens>('POST', '/api/v1/auth/refresh', { body: { refreshToken } });

  assert.equal((await createBob()).status, 201);
  const old = await login();
  const oldId = (await server.store.users.get('bob'))!.id;
  assert.equal((await me(server, old.accessToken)).status, 200);

  assert.equal((await server.request('DELETE', '/api/v1/users/bob', { token: admin })).status, 200);
  assert.equal((await me(server, old.accessToken)).status, 401, 'deleted');
  assert.equal((await createBob()).status, 201, 'the name is free again');
  const newId = (await server.store.users.get('bob'))!.id;
  assert.notEqual(newId, oldId, 'the new bob is another user');

  const stale = await me(server, old.accessToken);
  assert.equal(stale.status, 401, "the old bob's access token stays dead");
  assert.match((stale.body as { error: string }).error, /belongs to no enabled user/);
  const reused = await server.request('GET', '/api/v1/users', { token: old.accessToken });
  assert.equal(reused.status, 401, 'and cannot act as the new (admin) bob');
  assert.equal((await refresh(old.refreshToken)).status, 401, "the old bob's refresh token stays dead");

  // Even a refresh token row of the old bob that survived (the store cascades deletes; this checks the
  // id as well): refused.
  await server.store.tokens.save({
    tokenHash: hashRefreshToken('survivor'),
    username: 'bob',
    userId: oldId,
    expiresAt: new Date(Date.now() + 60_000),
  });
  assert.equal((await refresh('survivor')).status, 401, 'a refresh token of the old id');

  const fresh = await login();
  assert.equal((await me(server, fresh.accessToken)).status, 200, 'the new bob signs in');
  assert.equal((await refresh(fresh.refreshToken)).status, 200, 'and refreshes');
});
