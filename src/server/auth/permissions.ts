/**
 * Who may call which route: the one table every route is checked against. A route without an entry
 * cannot be registered (app.ts refuses it), so no route is ever open by omission.
 */
import { USER_ROLES, type UserRole } from '../../state/service-types.ts';

/**
 * `public`: anyone, no token; `metrics`: open, or the scrape token when `JIVS_METRICS_TOKEN` is set;
 * a role list: a valid access token of a user with one of these roles.
 */
export type Permission = 'public' | 'metrics' | readonly UserRole[];

const ALL: readonly UserRole[] = USER_ROLES;
/** Read migrations, runs, reports and rejects. */
const READ: readonly UserRole[] = ALL;
/** Define and run migrations. */
const OPERATE: readonly UserRole[] = ['admin', 'engineer'];
const ADMIN: readonly UserRole[] = ['admin'];
const AUDIT: readonly UserRole[] = ['admin', 'auditor'];
/**
 * See the raw values of masked columns in rejected rows (kept only with `quarantine: raw`); other
 * readers get them masked.
 */
export const READ_RAW_REJECTS: readonly UserRole[] = OPERATE;

const API = '/api/v1';

/** `METHOD url` (the route's URL template as registered) → who may call it. */
export const PERMISSIONS: Readonly<Record<string, Permission>> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'metrics',

  [`POST ${API}/auth/login`]: 'public',
  [`POST ${API}/auth/refresh`]: 'public',
  // Holding the refresh token is what allows revoking it, even once the access token expired.
  [`POST ${API}/auth/logout`]: 'public',
  [`GET ${API}/auth/me`]: ALL,

  [`GET ${API}/migrations`]: READ,
  [`POST ${API}/migrations`]: OPERATE,
  [`GET ${API}/migrations/:id`]: READ,
  [`PUT ${API}/migrations/:id`]: OPERATE,
  [`PATCH ${API}/migrations/:id`]: OPERATE,
  [`DELETE ${API}/migrations/:id`]: OPERATE,
  [`POST ${API}/migrations/:id/validate`]: READ,
  // Planning connects to the source system.
  [`POST ${API}/migrations/:id/plan`]: OPERATE,
  [`POST ${API}/migrations/:id/runs`]: OPERATE,

  [`GET ${API}/runs`]: READ,
  [`GET ${API}/runs/:id`]: READ,
  [`GET ${API}/runs/:id/events`]: READ,
  [`GET ${API}/runs/:id/report`]: READ,
  [`GET ${API}/runs/:id/rejects`]: READ,
  [`POST ${API}/runs/:id/pause`]: OPERATE,
  [`POST ${API}/runs/:id/resume`]: OPERATE,
  [`POST ${API}/runs/:id/cancel`]: OPERATE,

  [`GET ${API}/users`]: ADMIN,
  [`POST ${API}/users`]: ADMIN,
  [`GET ${API}/users/:username`]: ADMIN,
  [`PATCH ${API}/users/:username`]: ADMIN,
  [`DELETE ${API}/users/:username`]: ADMIN,

  [`GET ${API}/audit`]: AUDIT,
};

/** The OpenAPI document and its UI (registered by @fastify/swagger-ui under this prefix) are public. */
const PUBLIC_PREFIXES = ['/docs'];

/** The permission of a route, or undefined when the table has none (a programming error). */
export function permissionOf(method: string, url: string): Permission | undefined {
  const entry = PERMISSIONS[`${method} ${url}`];
  if (entry) return entry;
  // HEAD is answered by the GET handler.
  if (method === 'HEAD') return permissionOf('GET', url);
  if (PUBLIC_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`))) return 'public';
  return undefined;
}
