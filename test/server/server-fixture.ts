/**
 * A real JiVS service for a test: the app from buildApp on an ephemeral port, over an embedded SQLite
 * store in the test's own temp directory, with its pino log and every response body captured (the
 * secrets test greps both). Requests go through fetch, like any HTTP client.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import { buildApp } from '../../src/server/app.ts';
import { serverConfig, type ServerConfig } from '../../src/server/config.ts';
import type { Api } from '../../src/server/service-context.ts';
import { StateStore } from '../../src/state/state-store.ts';
import type { UserRole } from '../../src/state/service-types.ts';
import { tempDir } from '../support/temp-dir.ts';

export const ADMIN_PASSWORD = 'admin-password-for-tests';
/** Every test user's password: long enough for the policy. */
export const USER_PASSWORD = 'user-password-for-tests';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  body: T;
}

export interface RequestOptions {
  token?: string;
  /** A value to send as JSON, or a string sent as it is with content type application/json. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestServer {
  app: Api;
  store: StateStore;
  /** The spec folder: files the test's specs use go here. */
  dir: string;
  /** The service's data folder: the store, the JWT secret, key indexes. */
  dataDir: string;
  url: string;
  /** Every line the service logged. */
  logs: string[];
  /** Every response body the tests read. */
  responses: string[];
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  login(username: string, password: string): Promise<string>;
  /** Creates a user of `role` (as admin) and returns an access token of it. */
  tokenFor(role: UserRole, username?: string): Promise<string>;
  adminToken(): Promise<string>;
  /**
   * POST /migrations with `spec` as `token` (and a name of its own, when one spec is stored twice): 201
   * with the id, or the 400 with its problems.
   */
  createMigration(
    token: string,
    spec: Record<string, unknown>,
    name?: string,
  ): Promise<ApiResponse<CreatedOrRefused>>;
}

/** The body of POST /migrations: the new migration's id, or the problems that refused it. */
export interface CreatedOrRefused {
  id: string;
  error: string;
  problems: { path: string; message: string }[];
}

export async function startServer(
  t: TestContext,
  overrides: Partial<ServerConfig> = {},
  /** The store: default a SQLite file in the data folder; a PostgreSQL URL puts it there. */
  storeLocation?: string,
): Promise<TestServer> {
  const root = await tempDir('jivs-server-');
  const dir = join(root, 'files');
  const dataDir = join(root, 'data');
  const logs: string[] = [];
  const responses: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const store = await StateStore.open(storeLocation ?? join(dataDir, 'state.db'));
  const config = serverConfig({
    dataDir,
    specDir: dir,
    adminPassword: ADMIN_PASSWORD,
    port: 0,
    logLevel: 'debug',
    ...overrides,
  });
  const app = await buildApp({ config, store, storeLocation: store.location, logDestination: destination });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(async () => {
    await app.close();
    await store.close();
  });

  const request = async <T>(method: string, path: string, options: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const response = await fetch(`${url}${path}`, { method, headers, body });
    const text = await response.text();
    responses.push(text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed as T };
  };
  const login = async (username: string, password: string) => {
    const response = await request<{ accessToken: string }>('POST', '/api/v1/auth/login', {
      body: { username, password },
    });
    if (response.status !== 200)
      throw new Error(`login of ${username} failed: ${response.status} ${response.text}`);
    return response.body.accessToken;
  };
  let admin: string | undefined;
  const adminToken = async () => (admin ??= await login('admin', ADMIN_PASSWORD));
  const tokenFor = async (role: UserRole, username = `${role}-user`) => {
    if (role === 'admin' && username === 'admin-user') return adminToken();
    const created = await request('POST', '/api/v1/users', {
      token: await adminToken(),
      body: { username, password: USER_PASSWORD, role },
    });
    if (created.status !== 201)
      throw new Error(`creating ${username} failed: ${created.status} ${created.text}`);
    return login(username, USER_PASSWORD);
  };
  const createMigration = (token: string, spec: Record<string, unknown>, name?: string) =>
    request<CreatedOrRefused>('POST', '/api/v1/migrations', { token, body: { name, spec } });
  return {
    app,
    store,
    dir,
    dataDir,
    url,
    logs,
    responses,
    request,
    login,
    tokenFor,
    adminToken,
    createMigration,
  };
}
