/**
 * Access and refresh tokens: a missing, tampered, expired, unsigned or foreign token is 401; refresh
 * tokens rotate, a reused one ends every session of its user, logout revokes; a disabled user is out
 * at once; login attempts are rate-limited (429) and failures are audited.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessClaims, signJwt, signingSecret } from './hand-made-token.ts';
import { ADMIN_PASSWORD, USER_PASSWORD, startServer } from './server-fixture.ts';

type Tokens = { accessToken: string; refreshToken: string; expiresIn: number };

test('no, tampered, expired, unsigned or foreign tokens are 401', async (t) => {
  const server = await startServer(t);
  const me = (token?: string, raw?: string) =>
    server.request('GET', '/api/v1/auth/me', raw ? { headers: { authorization: raw } } : { token });
  const good = await server.adminToken();
  assert.equal((await me(good)).status, 200);
  assert.equal((await me()).status, 401);
  assert.equal(
    (await me(undefined, `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`)).status,
    401,
  );

  const [header, payload, signature] = good.split('.') as [string, string, string];
  const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
  assert.equal((await me(`${header}.${payload}.${flipped}`)).status, 401, 'tampered signature');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const promoted = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url');
  assert.equal((await me(`${header}.${promoted}.${signature}`)).status, 401, 'tampered payload');

  const secret = await signingSecret(server);
  const valid = await accessClaims(server, 'admin');
  const now = valid.iat as number;
  assert.equal((await me(signJwt(valid, secret))).status, 200, 'the hand-made token is fine');
  assert.equal(
    (await me(signJwt({ ...valid, iat: now - 1000, exp: now - 100 }, secret))).status,
    401,
    'expired',
  );
  assert.equal((await me(signJwt(valid, 'another-secret-another-secret-00'))).status, 401, 'foreign secret');
  const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(valid)).toString('base64url')}.`;
  assert.equal((await me(unsigned)).status, 401, 'alg none');
  assert.equal((await me(signJwt({ ...valid, aud: 'other' }, secret))).status, 401, 'audience');
  assert.equal((await me(signJwt({ ...valid, typ: 'refresh' }, secret))).status, 401, 'not an access token');
  assert.equal((await me(signJwt({ ...valid, sub: 'ghost' }, secret))).status, 401, 'no such user');
  const expired = server.app.jwt.sign(
    { sub: 'admin', uid: valid.uid as string, role: 'admin', typ: 'access' },
    {
      clockTimestamp: Date.now() - 3600_000,
    } as never,
  );
  assert.equal((await me(expired)).status, 401, 'expired, signed by the service');
});

test('refresh tokens rotate; reuse revokes every session; logout revokes; disabling locks out', async (t) => {
  const server = await startServer(t);
  await server.tokenFor('engineer', 'erin');
  const login = await server.request<Tokens>('POST', '/api/v1/auth/login', {
    body: { username: 'erin', password: USER_PASSWORD },
  });
  assert.equal(login.status, 200);
  assert.equal(login.body.expiresIn, 900, '15 minutes');
  assert.equal(Buffer.from(login.body.refreshToken, 'base64url').length, 32);
  const refresh = (refreshToken: string) =>
    server.request<Tokens>('POST', '/api/v1/auth/refresh', { body: { refreshToken } });

  const second = await refresh(login.body.refreshToken);
  assert.equal(second.status, 200);
  assert.notEqual(second.body.refreshToken, login.body.refreshToken);
  assert.equal((await refresh(login.body.refreshToken)).status, 401, 'a used refresh token is spent');
  assert.equal((await refresh(second.body.refreshToken)).status, 401, 'the reuse revoked the newer one too');

  const third = await server.request<Tokens>('POST', '/api/v1/auth/login', {
    body: { username: 'erin', password: USER_PASSWORD },
  });
  const out = await server.request('POST', '/api/v1/auth/logout', {
    body: { refreshToken: third.body.refreshToken },
  });
  assert.equal(out.status, 200);
  assert.equal((await refresh(third.body.refreshToken)).status, 401, 'logged out');
  assert.equal((await refresh('not-a-token')).status, 401);

  const fourth = await server.request<Tokens>('POST', '/api/v1/auth/login', {
    body: { username: 'erin', password: USER_PASSWORD },
  });
  const admin = await server.adminToken();
  const disabled = await server.request('PATCH', '/api/v1/users/erin', {
    token: admin,
    body: { disabled: true },
  });
  assert.equal(disabled.status, 200, disabled.text);
  assert.equal(
    (await server.request('GET', '/api/v1/auth/me', { token: fourth.body.accessToken })).status,
    401,
    'access token of a disabled user',
  );
  assert.equal((await refresh(fourth.body.refreshToken)).status, 401, 'refresh token of a disabled user');
  const relogin = await server.request('POST', '/api/v1/auth/login', {
    body: { username: 'erin', password: USER_PASSWORD },
  });
  assert.equal(relogin.status, 401);

  // A role change applies to the next request.
  await server.tokenFor('viewer', 'val');
  const val = await server.login('val', USER_PASSWORD);
  assert.equal((await server.request('GET', '/api/v1/audit', { token: val })).status, 403);
  await server.request('PATCH', '/api/v1/users/val', { token: admin, body: { role: 'auditor' } });
  assert.equal((await server.request('GET', '/api/v1/audit', { token: val })).status, 200);

  const lastAdmin = await server.request('PATCH', '/api/v1/users/admin', {
    token: admin,
    body: { role: 'viewer' },
  });
  assert.equal(lastAdmin.status, 409, 'the last admin stays admin');
  const entries = await server.store.audit.list({ limit: 1000 });
  assert.ok(
    entries.some(
      (e) => e.action === 'user.role' && e.target === 'val' && (e.detail as { to: string }).to === 'auditor',
    ),
  );
  assert.ok(entries.some((e) => e.action === 'access.denied' && e.actor === 'val' && e.outcome === 'denied'));
});

test('login attempts are limited per address and user name, and failures are audited', async (t) => {
  const server = await startServer(t, { loginRateLimit: { max: 5, windowMs: 60_000 } });
  const attempt = (username: string, password: string) =>
    server.request('POST', '/api/v1/auth/login', { body: { username, password } });
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await attempt('admin', `wrong-password-${i}`)).status);
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
  const limited = await attempt('admin', ADMIN_PASSWORD);
  assert.equal(limited.status, 429, 'even the right password waits');
  assert.match((limited.body as { error: string }).error, /too many login attempts/);
  assert.equal(
    (await attempt('nobody', 'whatever-password')).status,
    401,
    'another user name has its own budget',
  );

  const failed = await server.store.audit.list({ action: 'auth.login', outcome: 'failed' });
  assert.equal(failed.length, 6);
  assert.ok(failed.every((e) => e.actor === null && e.ip === '127.0.0.1'));
  assert.deepEqual(failed.map((e) => e.target).sort(), [
    'admin',
    'admin',
    'admin',
    'admin',
    'admin',
    'nobody',
  ]);
  assert.ok(!JSON.stringify(failed).includes('wrong-password'), 'passwords are not audited');
});
