/**
 * The service's settings, from the environment (`jivs serve`) or given directly (tests). Every knob
 * has a default that works for a single embedded instance.
 */
import { join, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import { allowedHostEntries, parseAllowedHosts } from './specs/allowed-hosts.ts';
import { parseEnvAllowList } from './specs/env-policy.ts';

/** How the service runs; see {@link serverConfigFromEnv} for the variables behind each field. */
export interface ServerConfig {
  /** Address to listen on (`JIVS_HOST`, default 127.0.0.1). */
  host: string;
  /** Port to listen on (`JIVS_PORT`, default 8080; 0 picks a free one). */
  port: number;
  /**
   * Where the service keeps files of its own (the generated JWT secret, key indexes of a PostgreSQL
   * store): `JIVS_DATA_DIR`, default the SQLite store's folder, else `.jivs`.
   */
  dataDir: string;
  /**
   * The folder of the files specs may use: relative paths resolve against it, and every file path of a
   * spec must lead inside it (`JIVS_SPEC_DIR`, default `./jivs-files`, created when missing). It must
   * not be, or lie in, `dataDir`; the service's own files are out of reach wherever they are.
   */
  specDir: string;
  /** HS256 secret of the access tokens (`JIVS_JWT_SECRET`); undefined: generated once and kept in `dataDir`. */
  jwtSecret?: string;
  /** 32-byte key (base64 or hex) that encrypts connection passwords in stored specs (`JIVS_SECRET_KEY`). */
  secretKey?: string;
  /** Password of the first admin, created on first start when there is no user (`JIVS_ADMIN_PASSWORD`). */
  adminPassword?: string;
  /** Runs executing at the same time; more wait in a queue (`JIVS_MAX_RUNS`, default 2). */
  maxRuns: number;
  /** Resume, on start, runs whose process died while they ran (`JIVS_AUTO_RESUME=1`; default: only report them). */
  autoResume: boolean;
  /** When set, `/metrics` requires `Authorization: Bearer <token>` (`JIVS_METRICS_TOKEN`); otherwise it is open. */
  metricsToken?: string;
  /** Lifetime of access tokens in seconds (default 900 = 15 min). */
  accessTokenSeconds: number;
  /** Lifetime of refresh tokens in seconds (`JIVS_REFRESH_TOKEN_DAYS`, default 7 days). */
  refreshTokenSeconds: number;
  /** Login attempts per IP address and user name per window (default 5 a minute). */
  loginRateLimit: { max: number; windowMs: number };
  /** pino level (`JIVS_LOG_LEVEL`, default info). */
  logLevel: string;
  /**
   * Allow file paths outside `specDir` (`JIVS_ALLOW_ANY_PATH=1`; default no). The service's own state
   * and `/proc`, `/sys`, `/dev` stay out of reach even then.
   */
  allowAnyPath: boolean;
  /**
   * Environment variables a spec may refer to, only as a password (or masking salt): names, or prefixes
   * ending in `*` (`JIVS_SPEC_ENV_ALLOW`, comma-separated; default none).
   */
  specEnvAllow: string[];
  /**
   * Database hosts specs may connect to: CIDRs, addresses and host names (`JIVS_ALLOWED_HOSTS`,
   * comma-separated); empty: any host.
   */
  allowedHosts: string[];
}

/** The spec folder when `JIVS_SPEC_DIR` is not set: a dedicated folder, never the working directory itself. */
export const DEFAULT_SPEC_DIR = 'jivs-files';

/** Defaults for everything a caller may leave out. */
export function serverConfig(partial: Partial<ServerConfig> & { dataDir: string }): ServerConfig {
  return {
    host: '127.0.0.1',
    port: 8080,
    specDir: join(process.cwd(), DEFAULT_SPEC_DIR),
    maxRuns: 2,
    autoResume: false,
    accessTokenSeconds: 15 * 60,
    refreshTokenSeconds: 7 * 24 * 3600,
    loginRateLimit: { max: 5, windowMs: 60_000 },
    logLevel: 'info',
    allowAnyPath: false,
    specEnvAllow: [],
    allowedHosts: [],
    ...partial,
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError([
      { path: name, message: `must be a whole number from ${min} to ${max}, got "${text}".` },
    ]);
  }
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  return /^(1|true|yes|on)$/i.test(env[name] ?? '');
}

/** The settings of `jivs serve`, from the environment; `storeDir` is the SQLite store's folder, if any. */
export function serverConfigFromEnv(env: NodeJS.ProcessEnv, storeDir: string | null): ServerConfig {
  return serverConfig({
    host: env.JIVS_HOST || '127.0.0.1',
    port: integer(env, 'JIVS_PORT', 8080, 0, 65535),
    dataDir: resolve(env.JIVS_DATA_DIR || storeDir || '.jivs'),
    specDir: resolve(env.JIVS_SPEC_DIR || DEFAULT_SPEC_DIR),
    jwtSecret: env.JIVS_JWT_SECRET || undefined,
    secretKey: env.JIVS_SECRET_KEY || undefined,
    adminPassword: env.JIVS_ADMIN_PASSWORD || undefined,
    maxRuns: integer(env, 'JIVS_MAX_RUNS', 2, 1, 64),
    autoResume: flag(env, 'JIVS_AUTO_RESUME'),
    metricsToken: env.JIVS_METRICS_TOKEN || undefined,
    refreshTokenSeconds: integer(env, 'JIVS_REFRESH_TOKEN_DAYS', 7, 1, 365) * 24 * 3600,
    logLevel: env.JIVS_LOG_LEVEL || 'info',
    allowAnyPath: flag(env, 'JIVS_ALLOW_ANY_PATH'),
    specEnvAllow: parseEnvAllowList(env.JIVS_SPEC_ENV_ALLOW),
    allowedHosts: parseAllowedHosts(allowedHostEntries(env.JIVS_ALLOWED_HOSTS)).entries,
  });
}
