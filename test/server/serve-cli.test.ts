/**
 * The commands: `jivs user add` (password from stdin) and `jivs serve` as a user starts them — the
 * service listens, runs a migration in a child process started from the CLI, and stops on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StateStore } from '../../src/state/state-store.ts';
import { demoSpecDocument } from './demo-spec-document.ts';
import { collectEvents } from './sse-client.ts';
import { tempDir } from '../support/temp-dir.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const PASSWORD = 'alice-password-from-stdin';

function jivs(args: string[], cwd: string, env: Record<string, string>, input?: string) {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    cwd,
    env: { ...process.env, NODE_TEST_CONTEXT: '', JIVS_STATE: join(cwd, '.jivs', 'state.db'), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin.end(input);
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exit, out: () => stdout, err: () => stderr };
}

test('jivs user add, then jivs serve runs a migration and stops on SIGTERM', async (t) => {
  const dir = await tempDir('jivs-serve-', t);

  const weak = jivs(['user', 'add', 'bob', '--role', 'admin', '--password-stdin'], dir, {}, 'short\n');
  assert.equal(await weak.exit, 2, weak.err());
  assert.match(weak.err(), /at least 12 characters/);
  const added = jivs(
    ['user', 'add', 'alice', '--role', 'engineer', '--password-stdin'],
    dir,
    {},
    `${PASSWORD}\n`,
  );
  assert.equal(await added.exit, 0, added.err());
  assert.match(added.out(), /user alice added with role engineer/);
  const again = jivs(
    ['user', 'add', 'alice', '--role', 'viewer', '--password-stdin'],
    dir,
    {},
    `${PASSWORD}\n`,
  );
  assert.equal(await again.exit, 2);
  assert.match(again.err(), /already exists/);

  // The data folder is the store's, `.jivs`: a spec folder inside it would put the service's files in reach.
  const unsafe = jivs(['serve', '--port', '0'], dir, { JIVS_SPEC_DIR: join(dir, '.jivs', 'specs') });
  assert.equal(await unsafe.exit, 2);
  assert.match(unsafe.err(), /JIVS_SPEC_DIR: is, or lies inside, the service's own state/);

  // Without JIVS_SPEC_DIR, the spec folder is the dedicated ./jivs-files.
  const server = jivs(['serve', '--port', '0'], dir, { JIVS_LOG_LEVEL: 'info' });
  t.after(() => server.child.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no listening line:\n${server.out()}${server.err()}`)),
      20_000,
    );
    server.child.stdout.on('data', () => {
      const match = /listening on (http:\/\/[^"\s]+)/.exec(server.out());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: PASSWORD }),
  });
  assert.equal(login.status, 200);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };
  const created = await call('POST', '/migrations', {
    spec: await demoSpecDocument(join(dir, 'jivs-files')),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const started = await call('POST', `/migrations/${created.body.id}/runs`);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const events = await collectEvents(`${url}/api/v1/runs/${started.body.runId}/events`, accessToken);
  assert.equal((events.at(-1)!.data as { outcome: string }).outcome, 'succeeded');

  server.child.kill('SIGTERM');
  assert.equal(await server.exit, 0, server.err());
  const lines = server
    .out()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(
    lines.some((l) => l.runId === started.body.runId && l.phase === 'loading'),
    'run lines carry the run id and phase',
  );
  assert.ok(!server.out().includes(PASSWORD));

  const store = await StateStore.open(join(dir, '.jivs', 'state.db'));
  try {
    const audit = await store.audit.list({ limit: 100 });
    assert.ok(audit.some((e) => e.action === 'user.create' && e.target === 'alice'));
    assert.ok(audit.some((e) => e.action === 'run.start' && e.actor === 'alice'));
  } finally {
    await store.close();
  }
});
