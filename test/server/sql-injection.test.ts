/**
 * SQL identifiers come from users (table and column names in the source and the spec) and are always
 * quoted: a SQLite table named like an injection migrates through the API into PostgreSQL under exactly
 * that name, and the table the name tries to drop is still there.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { startServer } from './server-fixture.ts';
import { collectEvents } from './sse-client.ts';
import { POSTGRES } from '../support/databases.ts';

const TABLE = 'x"; DROP TABLE y; --';
const KEY = "id'); DROP TABLE y; --";
const COLUMN = 'c"); DROP TABLE y; --';
const RENAMED = "d'; DELETE FROM y; --";

test('table and column names that try SQL injection are loaded quoted, and nothing is dropped', async (t) => {
  const schema = `jivs_inject_${randomBytes(4).toString('hex')}`;
  const pool = new pg.Pool({ ...POSTGRES, max: 1 });
  await pool.query(`CREATE SCHEMA "${schema}"`);
  await pool.query(`CREATE TABLE "${schema}".y (keep int); INSERT INTO "${schema}".y VALUES (1)`);
  t.after(async () => {
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    await pool.end();
  });

  const server = await startServer(t);
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const source = new Database(join(server.dir, 'inject.db'));
  source.exec(`CREATE TABLE ${quote(TABLE)} (${quote(KEY)} INTEGER PRIMARY KEY, ${quote(COLUMN)} TEXT)`);
  const insert = source.prepare(`INSERT INTO ${quote(TABLE)} VALUES (?, ?)`);
  for (let i = 1; i <= 50; i++) insert.run(i, `value '${i}"; DROP TABLE y; --`);
  source.close();

  const token = await server.tokenFor('engineer');
  const spec = {
    version: 1,
    name: 'injection',
    source: { type: 'sqlite', path: 'inject.db' },
    target: { type: 'postgres', ...POSTGRES, schema },
    tables: [{ name: TABLE, columns: { [COLUMN]: { rename: RENAMED, rules: [{ pattern: '^value' }] } } }],
  };
  const created = await server.request<{ id: string }>('POST', '/api/v1/migrations', {
    token,
    body: { spec },
  });
  assert.equal(created.status, 201, created.text);
  const started = await server.request<{ runId: string }>(
    'POST',
    `/api/v1/migrations/${created.body.id}/runs`,
    { token },
  );
  assert.equal(started.status, 202, started.text);
  const events = await collectEvents(`${server.url}/api/v1/runs/${started.body.runId}/events`, token);
  assert.deepEqual(events.at(-1)!.data, { runId: started.body.runId, outcome: 'succeeded', error: null });

  const sentinel = await pool.query(`SELECT keep FROM "${schema}".y`);
  assert.deepEqual(sentinel.rows, [{ keep: 1 }], 'y is still there, untouched');
  const tables = await pool.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
    [schema],
  );
  assert.deepEqual(
    tables.rows.map((r) => r.table_name),
    [TABLE, 'y'].sort(),
  );
  const columns = await pool.query(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, TABLE],
  );
  assert.deepEqual(
    columns.rows.map((r) => r.column_name),
    [KEY, RENAMED],
  );
  const rows = await pool.query(`SELECT * FROM "${schema}".${quote(TABLE)} ORDER BY 1`);
  assert.equal(rows.rows.length, 50);
  // INTEGER becomes bigint, which pg returns as text.
  assert.deepEqual(rows.rows[0], { [KEY]: '1', [RENAMED]: `value '1"; DROP TABLE y; --` });

  const run = await server.request<{ tables: { table: string; loaded: number }[] }>(
    'GET',
    `/api/v1/runs/${started.body.runId}`,
    { token },
  );
  assert.deepEqual(
    run.body.tables.map((x) => [x.table, x.loaded]),
    [[TABLE, 50]],
  );
  const rejects = await server.request<{ total: number }>(
    'GET',
    `/api/v1/runs/${started.body.runId}/rejects?table=${encodeURIComponent(TABLE)}`,
    { token },
  );
  assert.equal(rejects.body.total, 0);
});
