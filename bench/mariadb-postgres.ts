/**
 * Server benchmark: the legacy orders table of N rows (default 1,000,000, about 490 bytes each),
 * MariaDB → PostgreSQL, three ways in one run:
 * (a) `jivs migrate bench/orders-mariadb-to-postgres.yaml` as a separate process (bin/jivs.js, as users
 *     run it): wall time, its phases, rows/s, MB/s, CPU seconds per 1M rows, its own peak RSS and the one
 *     /usr/bin/time measures; also three variants (rules stripped; checkpoints and verification off;
 *     verification off), for what each costs;
 * (b) the baseline: the same rows, exported once as PostgreSQL COPY text, loaded by `psql \copy` into an
 *     empty table of the equivalent types — only the \copy is timed: the floor of any loader;
 * (c) pgloader on the same table, when it is installed (its failure is reported, not fatal);
 * and, as a reference, the pipe `mariadb --quick | psql \copy FROM STDIN`: what reading MariaDB adds.
 * Each copy is compared with the source (row count, sums, distinct counts, a hash of a row sample).
 * Prints and writes bench/results/mariadb-postgres-<N>.json with the ratios and the targets of issue 13
 * (mariadb-postgres-summary.ts); a short summary goes to stderr.
 *
 * Needs MariaDB (SEQUENCE engine) and PostgreSQL as the spec names them, root with an empty password and
 * trust auth, and psql. The source database (jivs_bench) is created when missing or of another row
 * count; the target schemas (jivs_bench, jivs_bench_baseline, jivs_bench_pgloader) are recreated each run.
 *
 * Usage: npm run bench -- [--rows N] [--only mariadb]   (or: tsx bench/mariadb-postgres.ts [--rows N])
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createConnection as createStreamingConnection } from 'mysql2';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import pg from 'pg';
import { parseDocument } from 'yaml';
import type { RunReport } from '../src/engine/report.ts';
import { loadSpec } from '../src/plan/load-spec.ts';
import { summarize, summaryLines } from './mariadb-postgres-summary.ts';
import { lastLines, measureCommand } from './measure-command.ts';
import {
  createPostgresOrdersSql,
  exportCopyTextSql,
  generateOrdersSql,
  generationMarker,
  mariadbFingerprintSql,
  postgresFingerprintSql,
  sourceStatsSql,
  type Fingerprint,
} from './orders-table.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'bench', 'results');
const specFile = join(root, 'bench', 'orders-mariadb-to-postgres.yaml');
const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const rows = Number(values.rows);
if (!Number.isInteger(rows) || rows < 1)
  throw new Error(`--rows must be a positive integer, not ${values.rows}`);

const { spec } = await loadSpec(specFile);
if (spec.source.type !== 'mysql' || spec.target.type !== 'postgres') {
  throw new Error(`${specFile} must migrate mysql → postgres`);
}
const source = { host: '127.0.0.1', port: 3306, user: 'root', ...spec.source };
const target = { host: '127.0.0.1', port: 5432, user: 'postgres', schema: 'public', ...spec.target };
const baselineSchema = `${target.schema}_baseline`;
const pgloaderSchema = `${target.schema}_pgloader`;
/** A tool still running after this long is stopped and reported as failed. */
const timeoutMs = 300_000 * Math.max(1, rows / 1_000_000);
const timedOutError = (run: { timedOut: boolean }) =>
  run.timedOut ? `stopped after ${timeoutMs / 1000} s (timeout)` : null;

const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (ms: number) => +(ms / 1000).toFixed(2);

function fingerprintOf(row: Record<string, unknown>): Fingerprint {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)])) as Fingerprint;
}

async function mariadbQuery(db: Connection, sql: string): Promise<Record<string, unknown>> {
  const [result] = await db.query<RowDataPacket[]>(sql);
  return result[0] ?? {};
}

async function postgresFingerprint(client: pg.Client, table: string): Promise<Fingerprint> {
  const parts = await Promise.all(
    postgresFingerprintSql(table, rows).map(async (sql) => (await client.query(sql)).rows[0] as object),
  );
  return fingerprintOf(Object.assign({}, ...parts) as Record<string, unknown>);
}

/** The fingerprint of a table a tool created, or null when it cannot be read (missing table, other types). */
async function checkedFingerprint(client: pg.Client, table: string): Promise<Fingerprint | null> {
  try {
    return await postgresFingerprint(client, table);
  } catch (error) {
    log(`cannot check ${table}: ${(error as Error).message}`);
    return null;
  }
}

/** Creates the source table unless it already holds this generator's `rows` rows; returns the ms taken. */
async function ensureSourceTable(db: Connection): Promise<number | null> {
  const found = await mariadbQuery(
    db,
    `SELECT TABLE_COMMENT AS marker FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ${db.escape(source.database)} AND TABLE_NAME = 'orders'`,
  );
  if (found.marker === generationMarker(rows)) return null;
  log(`generating ${rows} rows into MariaDB ${source.database}.orders…`);
  const started = performance.now();
  for (const sql of generateOrdersSql(source.database, rows)) await db.query(sql);
  return performance.now() - started;
}

/** The rows as PostgreSQL COPY text, exported once per generated table (not timed). */
async function ensureCopyFile(regenerated: boolean): Promise<string> {
  const file = join(results, `mariadb-orders-${rows}.copy`);
  if (existsSync(file) && !regenerated) return file;
  log(`exporting the rows as COPY text to ${file}…`);
  const partial = `${file}.partial`;
  // A streaming query needs the callback API's connection; it reads with backpressure.
  const streaming = createStreamingConnection({ host: source.host, port: source.port, user: source.user });
  streaming.query(`SET SESSION time_zone = '+00:00'`);
  const lines = streaming.query({ sql: exportCopyTextSql(source.database), rowsAsArray: true }).stream();
  await pipeline(
    lines,
    async function* (rowsOfOneLine: AsyncIterable<[string]>) {
      let chunk = '';
      for await (const [line] of rowsOfOneLine) {
        chunk += `${line}\n`;
        if (chunk.length >= 1 << 20) {
          yield chunk;
          chunk = '';
        }
      }
      yield chunk;
    },
    createWriteStream(partial),
  ).finally(() => streaming.end());
  await rename(partial, file);
  return file;
}

async function resetSchema(client: pg.Client, schema: string, create = true): Promise<void> {
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  if (create) await client.query(`CREATE SCHEMA ${schema}`);
  // Start each timed load without a pending checkpoint of the previous one's writes.
  await client.query('CHECKPOINT');
}

const psqlArgs = [
  '-X',
  '-q',
  '-v',
  'ON_ERROR_STOP=1',
  '-h',
  target.host,
  '-p',
  String(target.port),
  '-U',
  target.user,
  '-d',
  target.database,
];

async function runBaseline(client: pg.Client, file: string) {
  const table = `${baselineSchema}.orders`;
  await resetSchema(client, baselineSchema);
  await client.query(createPostgresOrdersSql(table));
  await client.query('CHECKPOINT');
  const copy = await measureCommand(
    'psql',
    [...psqlArgs, '-c', `\\copy ${table} FROM '${file.replace(/'/g, "''")}'`],
    { env: { ...process.env, PGTZ: 'UTC' } },
  );
  if (copy.exitCode !== 0) throw new Error(`psql \\copy failed: ${lastLines(copy.stderr)}`);
  const started = performance.now();
  await client.query(`ALTER TABLE ${table} ADD PRIMARY KEY (id)`);
  const primaryKeyMs = performance.now() - started;
  return { ...copy, primaryKeyMs, fingerprint: await postgresFingerprint(client, table) };
}

/**
 * The rows streamed end to end by the two command-line clients, one stream, no file: `mariadb --quick`
 * (MariaDB itself writes the COPY text) piped into `psql \copy … FROM STDIN`. Not a target, a reference:
 * what reading MariaDB adds to the \copy floor.
 */
async function runPipe(client: pg.Client) {
  if (spawnSync('sh', ['-c', 'command -v mariadb']).status !== 0) return null;
  const table = `${baselineSchema}.orders_pipe`;
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(createPostgresOrdersSql(table));
  await client.query('CHECKPOINT');
  const mariadbArgs = `-h ${source.host} -P ${source.port} -u ${source.user} --quick --batch --raw -N`;
  const run = await measureCommand(
    'bash',
    [
      '-c',
      `set -o pipefail; mariadb ${mariadbArgs} -e "SET time_zone = '+00:00'; $EXPORT_SQL" | psql ${psqlArgs.join(' ')} -c '\\copy ${table} FROM STDIN'`,
    ],
    { env: { ...process.env, PGTZ: 'UTC', EXPORT_SQL: exportCopyTextSql(source.database) }, timeoutMs },
  );
  const error = timedOutError(run) ?? (run.exitCode === 0 ? null : lastLines(run.stderr, 4));
  return { ...run, error, fingerprint: error ? null : await checkedFingerprint(client, table) };
}

/** The benchmark spec with every transform, mask, rule, filter and computed column taken out. */
async function writeSpecWithoutRules(dir: string): Promise<string> {
  const document = parseDocument(await readFile(specFile, 'utf8'));
  const tables = (document.toJS() as { tables?: { name: string }[] }).tables ?? [];
  document.set(
    'tables',
    tables.map((t) => ({ name: t.name })),
  );
  const file = join(dir, 'orders-mariadb-to-postgres.no-rules.yaml');
  await writeFile(file, document.toString());
  return file;
}

/** The benchmark spec with top-level settings replaced (checkpoints, verification), rules kept. */
async function writeSpecVariant(
  dir: string,
  name: string,
  settings: Record<string, unknown>,
): Promise<string> {
  const document = parseDocument(await readFile(specFile, 'utf8'));
  for (const [key, value] of Object.entries(settings)) document.set(key, value);
  const file = join(dir, `orders-mariadb-to-postgres.${name}.yaml`);
  await writeFile(file, document.toString());
  return file;
}

async function runJivs(client: pg.Client, spec: string) {
  await resetSchema(client, target.schema);
  const stateDir = await mkdtemp(join(tmpdir(), 'jivs-bench-state-'));
  try {
    const run = await measureCommand(
      join(root, 'bin', 'jivs.js'),
      ['migrate', spec, '--json', '--state', join(stateDir, 'state.db')],
      { cwd: root, timeoutMs },
    );
    let report: RunReport | null = null;
    try {
      report = JSON.parse(run.stdout) as RunReport;
    } catch {
      // No report: the run stopped before it started (bad spec, unreachable server); stderr says why.
    }
    const error =
      timedOutError(run) ??
      (report?.status === 'succeeded'
        ? null
        : (report?.error ?? (lastLines(run.stderr || run.stdout) || `exit code ${run.exitCode}`)));
    const fingerprint = error ? null : await checkedFingerprint(client, `${target.schema}.orders`);
    return { ...run, report, error, fingerprint };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** The database-level search_path; pgloader changes it to add its schema, the harness puts it back. */
async function databaseSearchPath(client: pg.Client): Promise<string | null> {
  const { rows: settings } = await client.query<{ setting: string }>(
    `SELECT s.setting FROM pg_db_role_setting d JOIN pg_database db ON db.oid = d.setdatabase,
            unnest(d.setconfig) AS s(setting)
      WHERE db.datname = current_database() AND d.setrole = 0 AND s.setting LIKE 'search_path=%'`,
  );
  return settings[0]?.setting.slice('search_path='.length) ?? null;
}

const PGLOADER_OPTIONS =
  'include drop, create tables, create indexes, reset sequences, prefetch rows = 10000, batch rows = 5000';

async function runPgloader(client: pg.Client) {
  if (spawnSync('sh', ['-c', 'command -v pgloader']).status !== 0) {
    return { skipped: 'pgloader is not installed (Debian: apt-get install pgloader)' } as const;
  }
  await resetSchema(client, pgloaderSchema, false);
  const dir = await mkdtemp(join(tmpdir(), 'jivs-bench-pgloader-'));
  const loadFile = join(dir, 'orders.load');
  await writeFile(
    loadFile,
    [
      'LOAD DATABASE',
      `  FROM mysql://${source.user}@${source.host}:${source.port}/${source.database}`,
      `  INTO postgresql://${target.user}@${target.host}:${target.port}/${target.database}`,
      // pgloader's default prefetch (100,000 rows per reader) exhausts its SBCL heap on this table.
      `WITH ${PGLOADER_OPTIONS}`,
      `INCLUDING ONLY TABLE NAMES MATCHING 'orders'`,
      `ALTER SCHEMA '${source.database}' RENAME TO '${pgloaderSchema}'`,
      ';',
      '',
    ].join('\n'),
  );
  const searchPath = await databaseSearchPath(client);
  try {
    const run = await measureCommand('pgloader', ['--root-dir', join(dir, 'work'), loadFile], {
      env: { ...process.env, PGTZ: 'UTC' },
      timeoutMs,
    });
    let error =
      timedOutError(run) ?? (run.exitCode === 0 ? null : lastLines(`${run.stdout}\n${run.stderr}`, 8));
    const fingerprint = error ? null : await checkedFingerprint(client, `${pgloaderSchema}.orders`);
    if (!error && !fingerprint) error = `no table ${pgloaderSchema}.orders after pgloader`;
    return { ...run, error, fingerprint };
  } finally {
    if ((await databaseSearchPath(client)) !== searchPath) {
      await client.query(
        searchPath === null
          ? `ALTER DATABASE ${target.database} RESET search_path`
          : `ALTER DATABASE ${target.database} SET search_path TO ${searchPath}`,
      );
    }
    await rm(dir, { recursive: true, force: true });
  }
}

await mkdir(results, { recursive: true });
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('run `npm run build` first');
const mariadb = await createConnection({
  host: source.host,
  port: source.port,
  user: source.user,
  supportBigNumbers: true,
  bigNumberStrings: true,
  dateStrings: true,
});
const postgres = new pg.Client({
  host: target.host,
  port: target.port,
  user: target.user,
  database: target.database,
});
try {
  await mariadb.query(`SET SESSION time_zone = '+00:00', SESSION group_concat_max_len = ${1 << 26}`);
  await postgres.connect();
  await postgres.query(`SET TimeZone = 'UTC'`);

  const generatedMs = await ensureSourceTable(mariadb);
  const stats = await mariadbQuery(mariadb, sourceStatsSql(source.database));
  const bytesPerRow = Number(stats.bytesPerRow);
  const expected = fingerprintOf(
    Object.assign(
      {},
      ...(await Promise.all(
        mariadbFingerprintSql(`${source.database}.orders`, rows).map((sql) => mariadbQuery(mariadb, sql)),
      )),
    ) as Record<string, unknown>,
  );
  if (expected.rowCount !== String(rows))
    throw new Error(`source has ${expected.rowCount} rows, not ${rows}`);
  const copyFile = await ensureCopyFile(generatedMs !== null);

  log('baseline: psql \\copy…');
  const baseline = await runBaseline(postgres, copyFile);
  log('pipe: mariadb | psql \\copy…');
  const pipe = await runPipe(postgres);
  const scratch = await mkdtemp(join(tmpdir(), 'jivs-bench-spec-'));
  log('JiVS without rules: jivs migrate (transforms and rules stripped)…');
  const jivsWithoutRules = await runJivs(postgres, await writeSpecWithoutRules(scratch));
  const verifyNothing = { content: false, sourceCounts: false };
  log('JiVS without checkpoints and verification…');
  const jivsBare = await runJivs(
    postgres,
    await writeSpecVariant(scratch, 'bare', { checkpoints: false, verify: verifyNothing }),
  );
  log('JiVS with checkpoints, without verification…');
  const jivsCheckpointed = await runJivs(
    postgres,
    await writeSpecVariant(scratch, 'checkpoints', { checkpoints: true, verify: verifyNothing }),
  );
  await rm(scratch, { recursive: true, force: true });
  log('JiVS: jivs migrate (with transforms and rules)…');
  const jivs = await runJivs(postgres, specFile);
  log('pgloader…');
  const pgloader = await runPgloader(postgres);

  const summary = summarize({
    rows,
    source: {
      table: `mariadb ${source.host}:${source.port}/${source.database}.orders`,
      generatedSeconds: generatedMs === null ? null : seconds(generatedMs),
      bytesPerRow,
      innodbBytes: Number(stats.innodbBytes),
      copyFileBytes: (await stat(copyFile)).size,
    },
    expected,
    jivs,
    jivsWithoutRules,
    jivsBare,
    jivsCheckpointed,
    baseline: {
      ...baseline,
      error: null,
      what: `psql \\copy of the exported COPY text into an empty table (${baselineSchema}.orders), no index`,
    },
    pipe: pipe && {
      ...pipe,
      what: `mariadb --quick (a SELECT of COPY text lines) | psql \\copy FROM STDIN into ${baselineSchema}.orders_pipe`,
    },
    pgloader:
      'wallMs' in pgloader
        ? { ...pgloader, what: `pgloader ${PGLOADER_OPTIONS} into ${pgloaderSchema}.orders` }
        : { skipped: pgloader.skipped },
  });
  await writeFile(join(results, `mariadb-postgres-${rows}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  log('');
  summaryLines(summary).forEach(log);
  if (jivs.error || !summary.jivs.correct) process.exitCode = 1;
} finally {
  await mariadb.end();
  await postgres.end();
}
