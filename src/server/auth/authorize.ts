/**
 * The one check of every request against the permission table (permissions.ts). It runs first
 * (`onRequest`), before the body is read or validated: a caller without a valid token gets 401 and one
 * with the wrong role 403, whatever they sent. Tokens are checked for signature, algorithm, issuer,
 * audience and expiry (each of them required), and the user must still exist under the same id (not
 * deleted and created again) and be enabled: read from the store on every request, never cached.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { audit } from '../audit.ts';
import { forbidden, unauthorized } from '../http-errors.ts';
import type { ServiceStore } from '../service-store.ts';
import { permissionOf } from './permissions.ts';
import type { AccessClaims } from './principal.ts';

function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer ([^\s]+)$/i.exec(header);
  return match?.[1];
}

export function authorizeHook(store: ServiceStore, metricsToken: string | undefined) {
  return async function authorize(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    request.principal = null;
    const url = request.routeOptions.url;
    if (url === undefined) return; // no such route: the 404 handler answers
    const permission = permissionOf(request.method, url);
    if (permission === undefined) throw forbidden('this route declares no permission.');
    if (permission === 'public') return;
    if (permission === 'metrics') {
      if (metricsToken === undefined) return;
      const token = bearer(request);
      if (token === undefined || !sameSecret(token, metricsToken)) {
        throw unauthorized('send the metrics token: Authorization: Bearer <JIVS_METRICS_TOKEN>.');
      }
      return;
    }
    if (bearer(request) === undefined) {
      throw unauthorized(
        'sign in first: send Authorization: Bearer <access token> (POST /api/v1/auth/login).',
      );
    }
    let claims;
    try {
      claims = await request.jwtVerify<AccessClaims>();
    } catch {
      throw unauthorized(
        'the access token is invalid or has expired; get a new one (POST /api/v1/auth/refresh).',
      );
    }
    const user = claims.typ === 'access' ? await store.users.get(claims.sub) : undefined;
    if (!user || user.disabled || typeof claims.uid !== 'string' || claims.uid !== user.id) {
      throw unauthorized('the access token belongs to no enabled user; sign in again.');
    }
    request.principal = { username: user.username, role: user.role };
    if (!permission.includes(user.role)) {
      await audit(store, request, {
        action: 'access.denied',
        target: `${request.method} ${url}`,
        outcome: 'denied',
        detail: { role: user.role },
      });
      throw forbidden(
        `role ${user.role} may not ${request.method} ${url}; it needs one of: ${permission.join(', ')}.`,
      );
    }
  };
}
