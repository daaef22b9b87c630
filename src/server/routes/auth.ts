/**
 * Sign-in: POST /auth/login trades a user name and password for a short-lived access token (JWT,
 * HS256) and a refresh token; POST /auth/refresh trades a refresh token for new ones (rotation: each
 * refresh token works once, and a reused one revokes every token of its user); POST /auth/logout
 * revokes a refresh token. Login attempts are rate-limited per IP address and user name.
 */
import { audit } from '../audit.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { hashRefreshToken, newRefreshToken } from '../auth/refresh-tokens.ts';
import { ApiError, unauthorized } from '../http-errors.ts';
import { LoginBodySchema, MeSchema, RefreshBodySchema, TokensSchema } from '../schemas/auth-schemas.ts';
import { AUTH_ERRORS, OkSchema, errorResponses } from '../schemas/common.ts';
import type { Api, ServiceContext } from '../service-context.ts';
import type { User } from '../../state/service-types.ts';

export function authRoutes(app: Api, context: ServiceContext): void {
  const { store, config } = context;

  async function issueTokens(user: User) {
    const accessToken = app.jwt.sign({ sub: user.username, uid: user.id, role: user.role, typ: 'access' });
    const { token, tokenHash } = newRefreshToken();
    await store.tokens.save({
      tokenHash,
      username: user.username,
      userId: user.id,
      expiresAt: new Date(Date.now() + config.refreshTokenSeconds * 1000),
    });
    return {
      accessToken,
      tokenType: 'Bearer' as const,
      expiresIn: config.accessTokenSeconds,
      refreshToken: token,
      refreshExpiresIn: config.refreshTokenSeconds,
    };
  }

  app.post(
    '/auth/login',
    {
      config: {
        rateLimit: {
          max: config.loginRateLimit.max,
          timeWindow: config.loginRateLimit.windowMs,
          // After validation, so the key can hold the user name.
          hook: 'preHandler',
          keyGenerator: (request) =>
            `${request.ip}|${String((request.body as { username?: unknown } | undefined)?.username ?? '').toLowerCase()}`,
          errorResponseBuilder: (_request, context) =>
            new ApiError(429, `too many login attempts; try again in ${context.after}.`),
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in',
        body: LoginBodySchema,
        response: { 200: TokensSchema, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const { username, password } = request.body;
      const user = await store.users.get(username);
      const matches = await verifyPassword(password, user?.passwordHash);
      if (!user || !matches || user.disabled) {
        const reason = !user ? 'unknown user' : !matches ? 'wrong password' : 'user disabled';
        await audit(store, request, {
          action: 'auth.login',
          actor: null,
          target: username,
          outcome: 'failed',
          detail: { reason },
        });
        request.log.info({ username, reason }, 'login failed');
        throw unauthorized('wrong user name or password, or the user is disabled.');
      }
      await audit(store, request, { action: 'auth.login', actor: user.username, target: user.username });
      return issueTokens(user);
    },
  );

  app.post(
    '/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'Trade a refresh token for new tokens',
        body: RefreshBodySchema,
        response: { 200: TokensSchema, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const tokenHash = hashRefreshToken(request.body.refreshToken);
      const stored = await store.tokens.find(tokenHash);
      if (!stored) throw unauthorized('the refresh token is not known; sign in again.');
      if (stored.revokedAt !== null) {
        // A token used twice was stolen or replayed: end every session of its user.
        await store.tokens.revokeForUser(stored.username);
        await audit(store, request, {
          action: 'auth.refresh',
          actor: stored.username,
          outcome: 'denied',
          detail: { reason: 'revoked refresh token reused; every token of the user revoked' },
        });
        throw unauthorized('the refresh token was already used or revoked; sign in again.');
      }
      if (Date.parse(stored.expiresAt) <= Date.now())
        throw unauthorized('the refresh token has expired; sign in again.');
      const user = await store.users.get(stored.username);
      // A user deleted and created again under the same name has another id: the old tokens stay dead.
      if (!user || user.disabled || stored.userId !== user.id)
        throw unauthorized('the user no longer exists or is disabled; sign in again.');
      await store.tokens.revoke(tokenHash);
      return issueTokens(user);
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke a refresh token (access tokens expire on their own within minutes)',
        body: RefreshBodySchema,
        response: { 200: OkSchema, ...errorResponses(400) },
      },
    },
    async (request) => {
      const tokenHash = hashRefreshToken(request.body.refreshToken);
      const stored = await store.tokens.find(tokenHash);
      if (stored && stored.revokedAt === null) {
        await store.tokens.revoke(tokenHash);
        await audit(store, request, {
          action: 'auth.logout',
          actor: stored.username,
          target: stored.username,
        });
      }
      return { ok: true as const };
    },
  );

  app.get(
    '/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who the access token belongs to',
        security: [{ bearer: [] }],
        response: { 200: MeSchema, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request) => request.principal!,
  );
}
