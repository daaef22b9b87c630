/**
 * The environment of a run's process, built from an explicit list instead of the service's own: what
 * Node, the tsx loader and the locale need, the run's key folder, and the variables the administrator
 * allows specs to refer to (`JIVS_SPEC_ENV_ALLOW`). Nothing else reaches it: not the service's secrets,
 * and not the drivers' defaults (`PGPASSWORD`, `PGHOST`, … would otherwise be used by any PostgreSQL
 * endpoint that leaves them out, wherever it points). The store's connection, which may rely on those
 * defaults, is made explicit instead ({@link explicitStoreLocation}).
 */
import { isDatabaseUrl } from '../../state/store-location.ts';
import { isEnvAllowed } from '../specs/env-policy.ts';

/** Variables a run's process keeps from the service's environment. */
const KEPT = new Set([
  'PATH',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TEMP',
  'TMP',
  'NODE_OPTIONS',
  'NODE_PATH',
  'NODE_EXTRA_CA_CERTS',
  'NODE_ENV',
  'JIVS_KEYS_DIR',
  'SYSTEMROOT',
]);

/** Prefixes of variables kept: the locale, and the tsx loader's settings. */
const KEPT_PREFIXES = ['LC_', 'TSX_'];

/** The environment of a run's process: the kept variables and the allow-listed ones. */
export function childEnvironment(env: NodeJS.ProcessEnv, allow: readonly string[]): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (KEPT.has(name) || KEPT_PREFIXES.some((p) => name.startsWith(p)) || isEnvAllowed(name, allow))
      out[name] = value;
  }
  return out;
}

/** libpq variables a store URL may leave to the environment, by the URL part they fill. */
const STORE_DEFAULTS = {
  username: 'PGUSER',
  password: 'PGPASSWORD',
  hostname: 'PGHOST',
  port: 'PGPORT',
  database: 'PGDATABASE',
  sslmode: 'PGSSLMODE',
} as const;

/**
 * A PostgreSQL store URL with what it leaves to `PG…` variables filled in from `env`, so a run's
 * process (which does not get those variables) reaches the same store. Other locations pass as they are.
 */
export function explicitStoreLocation(location: string, env: NodeJS.ProcessEnv): string {
  if (!isDatabaseUrl(location)) return location;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return location; // the service opened it already; the run's process reports it the same way
  }
  const from = (name: string) => env[name] || undefined;
  // The host first (pg's default: localhost): a URL without one cannot hold a user or password.
  if (!url.hostname) {
    const host = from(STORE_DEFAULTS.hostname) ?? 'localhost';
    // A socket folder goes in the `host` parameter, which pg prefers to the URL's host.
    if (host.startsWith('/') && !url.searchParams.has('host')) url.searchParams.set('host', host);
    url.hostname = host.startsWith('/') ? 'localhost' : host;
  }
  // pg's own fallback for the user is USER, which the run's process does not get either.
  const user = from(STORE_DEFAULTS.username) ?? from('USER');
  if (!url.username && user) url.username = encodeURIComponent(user);
  const password = from(STORE_DEFAULTS.password);
  if (!url.password && password) url.password = encodeURIComponent(password);
  const port = from(STORE_DEFAULTS.port);
  if (!url.port && port) url.port = port;
  const database = from(STORE_DEFAULTS.database);
  if (url.pathname.replace(/^\//, '') === '' && database) url.pathname = `/${encodeURIComponent(database)}`;
  const sslmode = from(STORE_DEFAULTS.sslmode);
  if (!url.searchParams.has('sslmode') && sslmode) url.searchParams.set('sslmode', sslmode);
  return url.toString();
}
