/**
 * `npm run bench`: the benchmarks one after another, each in its own process, with the same row count.
 * A failing benchmark does not stop the next one; the exit code says whether all succeeded.
 *
 * Usage: npm run bench -- [--rows N] [--only sqlite|mariadb|service|digest]
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const BENCHMARKS = {
  /** SQLite → SQLite, embedded (bench/sqlite-embedded.ts). */
  sqlite: 'sqlite-embedded.ts',
  /** MariaDB → PostgreSQL against the raw `psql \copy` and pgloader (bench/mariadb-postgres.ts). */
  mariadb: 'mariadb-postgres.ts',
  /** GET /runs/:id latency under 50 clients while the service runs the 1M-row migration (bench/service-latency.ts). */
  service: 'service-latency.ts',
  /** The content digest of Verification per row, against MD5 of JSON (bench/content-digest.ts). */
  digest: 'content-digest.ts',
} as const;

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { rows: { type: 'string' }, only: { type: 'string' } } });
const names = Object.keys(BENCHMARKS) as (keyof typeof BENCHMARKS)[];
const only = values.only;
if (only !== undefined && !names.includes(only as keyof typeof BENCHMARKS)) {
  throw new Error(`--only must be one of ${names.join(', ')}, not ${only}`);
}
const forwarded = values.rows === undefined ? [] : ['--rows', values.rows];
const failed: string[] = [];
for (const name of only === undefined ? names : [only as keyof typeof BENCHMARKS]) {
  process.stderr.write(`\n== bench ${name} ==\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, BENCHMARKS[name]), ...forwarded], {
    cwd: join(here, '..'),
    stdio: 'inherit',
  });
  if (run.status !== 0) failed.push(`${name} (${run.signal ?? `exit code ${run.status}`})`);
}
if (failed.length) {
  process.stderr.write(`\nfailed: ${failed.join(', ')}\n`);
  process.exitCode = 1;
}
