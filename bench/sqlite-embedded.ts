/**
 * Embedded benchmark: the demo's legacy ERP at N rows (default 1,000,000), SQLite → SQLite.
 * (a) `jivs migrate` as a separate process (bin/jivs.js, as users run it), wall time and its own peak RSS;
 * (b) the baseline in the same run: a raw `INSERT INTO … SELECT` copy of the same tables by SQLite itself.
 * Prints and writes bench/results/sqlite-embedded-<N>.json with the ratio JiVS / baseline.
 *
 * Usage: npm run bench -- [--rows N]
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { generateLegacyErp } from '../src/demo/generate-legacy-erp.ts';
import type { RunReport } from '../src/engine/report.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'bench', 'results');
const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const rows = Number(values.rows);

async function sourceDatabase(): Promise<string> {
  const path = join(results, `legacy-erp-${rows}.db`);
  if (!existsSync(path)) {
    process.stderr.write(`generating ${rows} rows into ${path}…\n`);
    await generateLegacyErp(path, { rows, seed: 7 });
  }
  return path;
}

async function runJivs(source: string): Promise<{ wallMs: number; report: RunReport }> {
  const target = join(results, 'jivs-target.db');
  await rm(target, { force: true });
  const spec = join(results, 'sqlite-embedded.yaml');
  await writeFile(
    spec,
    [
      'version: 1',
      'name: bench-sqlite-embedded',
      `source: { type: sqlite, path: ${JSON.stringify(source)} }`,
      `target: { type: sqlite, path: ${JSON.stringify(target)} }`,
      'naming: snake_case',
      'batchSize: 1000',
      'parallelism: 2',
      'partitionRows: 250000',
      '',
    ].join('\n'),
  );
  const started = performance.now();
  const { stdout } = await promisify(execFile)(
    join(root, 'bin', 'jivs.js'),
    ['migrate', spec, '--json', '--state', join(results, 'state.db')],
    { maxBuffer: 64 * 1024 * 1024 },
  ).catch((error: { stdout?: string; stderr?: string }) => {
    throw new Error(`jivs failed: ${error.stderr ?? ''}${error.stdout ?? ''}`);
  });
  return { wallMs: performance.now() - started, report: JSON.parse(stdout) as RunReport };
}

/** SQLite copying the same tables itself: the floor any SQLite → SQLite tool can reach. */
function runBaseline(source: string): { wallMs: number; rows: number } {
  const target = join(results, 'baseline-target.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  const started = performance.now();
  const db = new Database(target);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = OFF');
  db.prepare('ATTACH DATABASE ? AS src').run(source);
  const tables = db.prepare(`SELECT name, sql FROM src.sqlite_schema WHERE type = 'table'`).all() as {
    name: string;
    sql: string;
  }[];
  let copied = 0;
  db.transaction(() => {
    for (const table of tables) {
      db.exec(table.sql);
      copied += db
        .prepare(`INSERT INTO main."${table.name}" SELECT * FROM src."${table.name}"`)
        .run().changes;
    }
  })();
  db.close();
  return { wallMs: performance.now() - started, rows: copied };
}

await mkdir(results, { recursive: true });
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('run `npm run build` first');
const source = await sourceDatabase();
const baseline = runBaseline(source);
const jivs = await runJivs(source);
const summary = {
  benchmark: 'sqlite-embedded',
  rows,
  jivs: {
    wallSeconds: +(jivs.wallMs / 1000).toFixed(2),
    status: jivs.report.status,
    rowsPerSecond: Math.round(jivs.report.totals.extracted / (jivs.wallMs / 1000)),
    peakRssMb: jivs.report.peakRssMb,
    totals: jivs.report.totals,
    phases: Object.fromEntries(
      jivs.report.phases.map((p) => [
        p.phase,
        { wallMs: Math.round(p.durationMs), busyMs: p.busyMs && Math.round(p.busyMs) },
      ]),
    ),
  },
  baseline: {
    what: 'SQLite INSERT INTO … SELECT (same tables, one process)',
    wallSeconds: +(baseline.wallMs / 1000).toFixed(2),
    rows: baseline.rows,
  },
  ratioJivsToBaseline: +(jivs.wallMs / baseline.wallMs).toFixed(2),
};
await writeFile(join(results, `sqlite-embedded-${rows}.json`), `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
