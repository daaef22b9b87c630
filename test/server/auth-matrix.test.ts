/**
 * Every route the app registered (taken from the app, not from a list) × every role and anonymous:
 * 401 without a token where one is needed, 403 for a role the permission table leaves out, and
 * neither for the others. The table itself is checked against the role policy.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { permissionOf } from '../../src/server/auth/permissions.ts';
import { USER_ROLES, type UserRole } from '../../src/state/service-types.ts';
import { startServer } from './server-fixture.ts';

/** A concrete path for a URL template; ids that exist nowhere (the handlers then answer 404 or 400). */
function pathOf(url: string): string {
  return url
    .replace(/:username/g, 'nobody')
    .replace(/:[A-Za-z]+/g, 'no-such-id')
    .replace(/\*$/, 'x');
}

test('every route × every role and anonymous: 401, 403 or allowed, as the permission table says', async (t) => {
  const server = await startServer(t);
  const tokens = new Map<UserRole | 'anonymous', string | undefined>([['anonymous', undefined]]);
  for (const role of USER_ROLES) tokens.set(role, await server.tokenFor(role));
  const routes = server.app.jivsRoutes;
  assert.ok(routes.length > 40, `the app lists its routes (${routes.length})`);

  const failures: string[] = [];
  let checked = 0;
  for (const { method, url } of routes) {
    const permission = permissionOf(method, url);
    assert.ok(permission, `${method} ${url} has a permission`);
    for (const [who, token] of tokens) {
      const response = await server.request(method, pathOf(url), { token });
      checked++;
      const allowed =
        permission === 'public' ||
        permission === 'metrics' ||
        (who !== 'anonymous' && (permission as readonly string[]).includes(who));
      const expected = allowed ? 'allowed' : who === 'anonymous' ? 401 : 403;
      const got = response.status === 401 || response.status === 403 ? response.status : 'allowed';
      if (got !== expected)
        failures.push(
          `${method} ${url} as ${who}: expected ${expected}, got ${response.status} ${response.text.slice(0, 120)}`,
        );
      if (response.status >= 500)
        failures.push(`${method} ${url} as ${who}: ${response.status} ${response.text.slice(0, 200)}`);
      if (method !== 'HEAD' && (response.status === 401 || response.status === 403)) {
        const body = response.body as { error?: unknown; problems?: unknown };
        if (typeof body?.error !== 'string' || !Array.isArray(body.problems))
          failures.push(`${method} ${url}: error body ${response.text}`);
      }
    }
  }
  assert.deepEqual(failures, [], failures.join('\n'));
  assert.equal(checked, routes.length * 5);
});

test('the permission table follows the role policy', async (t) => {
  const server = await startServer(t);
  for (const { method, url } of server.app.jivsRoutes) {
    const permission = permissionOf(method, url)!;
    const roles = typeof permission === 'string' ? null : permission;
    const where = `${method} ${url}`;
    if (url.startsWith('/api/v1/users')) assert.deepEqual(roles, ['admin'], where);
    else if (url.startsWith('/api/v1/audit')) assert.deepEqual(roles, ['admin', 'auditor'], where);
    else if (url.startsWith('/api/v1/auth/'))
      assert.ok(permission === 'public' || roles?.length === 4, where);
    else if (url.startsWith('/api/v1/')) {
      assert.ok(roles, `${where} needs a token`);
      const changes = !['GET', 'HEAD'].includes(method) && !url.endsWith('/validate');
      // viewers and auditors read; engineers and admins also define and run.
      assert.deepEqual(
        roles,
        changes ? ['admin', 'engineer'] : ['admin', 'engineer', 'viewer', 'auditor'],
        where,
      );
    } else {
      assert.ok(permission === 'public' || permission === 'metrics', `${where} is outside the API`);
    }
  }
});
