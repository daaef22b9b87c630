/**
 * The service under load: `jivs serve` runs the 1M-row MariaDB → PostgreSQL benchmark migration
 * (bench/orders-mariadb-to-postgres.yaml, the same as bench/mariadb-postgres.ts, which creates the
 * source) while autocannon keeps 50 concurrent clients on `GET /api/v1/runs/:id`. Target: p99 < 100 ms.
 *
 * Prints and writes bench/results/service-latency.json: latency percentiles, requests/s, errors, and the
 * run's own wall time and status.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CONNECTIONS = 50;
const PORT = 18000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${PORT}/api/v1`;
const log = (line: string) => process.stderr.write(`${line}\n`);

async function api<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

const dir = await mkdtemp(join(tmpdir(), 'jivs-bench-service-'));
// The service refuses a spec folder inside its own state: each gets a folder of its own.
const dataDir = join(dir, 'data');
const specDir = join(dir, 'specs');
await Promise.all([mkdir(dataDir), mkdir(specDir)]);
const server = spawn(process.execPath, [join(root, 'bin', 'jivs.js'), 'serve', '--port', String(PORT)], {
  cwd: dir,
  env: {
    ...process.env,
    JIVS_DATA_DIR: dataDir,
    JIVS_STATE: join(dataDir, 'state.db'),
    JIVS_SPEC_DIR: specDir,
    JIVS_ADMIN_PASSWORD: 'bench-admin-password',
    JIVS_LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  for (let i = 0; ; i++) {
    if (
      await fetch(`http://127.0.0.1:${PORT}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 100) throw new Error('jivs serve did not start within 20 s');
    await sleep(200);
  }
  const { accessToken } = await api<{ accessToken: string }>('POST', '/auth/login', undefined, {
    username: 'admin',
    password: 'bench-admin-password',
  });
  const spec = parse(await readFile(join(root, 'bench', 'orders-mariadb-to-postgres.yaml'), 'utf8'));
  const migration = await api<{ id: string }>('POST', '/migrations', accessToken, { spec });
  const started = Date.now();
  const { runId } = await api<{ runId: string }>('POST', `/migrations/${migration.id}/runs`, accessToken);
  log(`run ${runId} started; ${CONNECTIONS} clients on GET /runs/${runId} while it runs…`);

  const load = autocannon(
    {
      url: `${base}/runs/${runId}`,
      connections: CONNECTIONS,
      duration: 600,
      headers: { authorization: `Bearer ${accessToken}` },
    },
    () => {},
  );
  const finished = new Promise<autocannon.Result>((resolve) => load.on('done', resolve));
  let status = 'running';
  while (status === 'running' || status === 'queued' || status === 'pending') {
    await sleep(500);
    status = (await api<{ status: string }>('GET', `/runs/${runId}`, accessToken)).status;
  }
  const wallSeconds = (Date.now() - started) / 1000;
  load.stop();
  const result = await finished;
  const summary = {
    benchmark: 'service-latency',
    what: `GET /api/v1/runs/:id by ${CONNECTIONS} concurrent clients while jivs serve runs bench/orders-mariadb-to-postgres.yaml`,
    run: { runId, status, wallSeconds },
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    non2xx: result.non2xx,
    errors: result.errors,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    targets: { p99Under100Ms: result.latency.p99 < 100 },
  };
  await writeFile(
    join(root, 'bench', 'results', 'service-latency.json'),
    `${JSON.stringify(summary, null, 2)}\n`,
  );
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  log(
    `p50 ${summary.latencyMs.p50} ms, p99 ${summary.latencyMs.p99} ms (target < 100), max ${summary.latencyMs.max} ms, ${Math.round(summary.requestsPerSecond)} req/s; run ${status} in ${wallSeconds.toFixed(1)} s`,
  );
  if (status !== 'succeeded' || result.errors || result.non2xx) process.exitCode = 1;
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await rm(dir, { recursive: true, force: true });
}
