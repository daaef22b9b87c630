/**
 * Connection passwords in stored specs: encrypted at rest (AES-256-GCM), shown as "***", kept by an
 * update that sends "***" back (but not for a changed endpoint), and never in the log or any API
 * response of full runs into PostgreSQL (trust auth: any password is accepted) and MariaDB (a user
 * made for the test, so the password really authenticates).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { MigrationBody } from './api-types.ts';
import { demoSpecDocument } from './demo-spec-document.ts';
import { startServer } from './server-fixture.ts';
import { collectEvents } from './sse-client.ts';
import { MYSQL, POSTGRES } from '../support/databases.ts';

const PG = POSTGRES;
const MY = MYSQL;

test('passwords are stored encrypted and never logged or returned', async (t) => {
  const pgPassword = `pg-${randomBytes(12).toString('hex')}`;
  const myPassword = `my-${randomBytes(12).toString('hex')}`;
  const suffix = randomBytes(4).toString('hex');
  const schema = `jivs_secrets_${suffix}`;
  const myUser = `jivs_sec_${suffix}`;
  const myDatabase = `jivs_secrets_${suffix}`;

  const pool = new pg.Pool({ ...PG, max: 1 });
  await pool.query(`CREATE SCHEMA "${schema}"`);
  const root = await mysql.createConnection(MY);
  await root.query(`CREATE DATABASE \`${myDatabase}\` CHARACTER SET utf8mb4`);
  await root.query(`CREATE USER '${myUser}'@'%' IDENTIFIED BY '${myPassword}'`);
  await root.query(`GRANT ALL ON \`${myDatabase}\`.* TO '${myUser}'@'%'`);
  t.after(async () => {
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    await pool.end();
    await root.query(`DROP DATABASE \`${myDatabase}\``);
    await root.query(`DROP USER '${myUser}'@'%'`);
    await root.end();
  });

  const server = await startServer(t, { secretKey: randomBytes(32).toString('base64') });
  const token = await server.tokenFor('engineer');
  const demo = await demoSpecDocument(server.dir);
  const targets = {
    'demo-to-postgres': { type: 'postgres', ...PG, schema, password: pgPassword },
    'demo-to-mariadb': { type: 'mysql', ...MY, user: myUser, database: myDatabase, password: myPassword },
  };

  for (const [name, target] of Object.entries(targets)) {
    const created = await server.request<{ id: string; spec: { target: { password: string } } }>(
      'POST',
      '/api/v1/migrations',
      { token, body: { name, spec: { ...demo, name, target } } },
    );
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.spec.target.password, '***');
    const id = created.body.id;
    const stored = await server.store.migrations.get(id);
    const storedPassword = (stored!.spec as { target: { password: string } }).target.password;
    assert.match(storedPassword, /^enc:v1:/, 'encrypted at rest');
    assert.equal(
      (await server.request<MigrationBody>('GET', `/api/v1/migrations/${id}`, { token })).body.spec.target
        .password,
      '***',
    );

    // An update that sends the shown spec back keeps the password ...
    const shown = (await server.request<MigrationBody>('GET', `/api/v1/migrations/${id}`, { token })).body;
    const kept = await server.request('PUT', `/api/v1/migrations/${id}`, {
      token,
      body: { name, spec: shown.spec },
    });
    assert.equal(kept.status, 200, kept.text);
    // ... but not for another server, where it would be sent.
    const moved = await server.request<{ problems: { path: string }[] }>(
      'PATCH',
      `/api/v1/migrations/${id}`,
      {
        token,
        body: { spec: { ...shown.spec, target: { ...shown.spec.target, host: 'attacker.example' } } },
      },
    );
    assert.equal(moved.status, 400);
    assert.equal(moved.body.problems[0]!.path, 'spec.target.password');

    const started = await server.request<{ runId: string }>('POST', `/api/v1/migrations/${id}/runs`, {
      token,
    });
    assert.equal(started.status, 202, started.text);
    const { runId } = started.body;
    const events = await collectEvents(`${server.url}/api/v1/runs/${runId}/events`, token);
    server.responses.push(JSON.stringify(events));
    assert.deepEqual(
      events.at(-1)!.data,
      { runId, outcome: 'succeeded', error: null },
      JSON.stringify(events.at(-1)),
    );
    for (const path of [
      `/runs/${runId}`,
      `/runs/${runId}/report`,
      `/runs/${runId}/rejects?limit=1000`,
      `/runs/${runId}/rejects?format=jsonl`,
      '/runs',
      '/migrations',
    ]) {
      assert.equal((await server.request('GET', `/api/v1${path}`, { token })).status, 200, path);
    }
    await server.request('POST', `/api/v1/migrations/${id}/plan`, { token });
  }

  const rows = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".customer`);
  assert.ok(rows.rows[0].n > 0, 'PostgreSQL loaded');
  const [counted] = await root.query(`SELECT count(*) AS n FROM \`${myDatabase}\`.customer`);
  assert.ok(Number((counted as { n: number }[])[0]!.n) > 0, 'MariaDB loaded, with the password');
  await server.request('GET', '/metrics');
  await server.request('GET', '/api/v1/audit?limit=1000', { token: await server.adminToken() });

  assert.ok(server.logs.length > 50, 'the service logged');
  for (const secret of [pgPassword, myPassword]) {
    assert.deepEqual(
      server.logs.filter((l) => l.includes(secret)),
      [],
      'not in the log',
    );
    assert.deepEqual(
      server.responses.filter((r) => r.includes(secret)),
      [],
      'not in a response',
    );
  }
  // Nor in the store's files (the spec is kept encrypted).
  for (const file of (await readdir(server.dataDir)).filter((f) => f.startsWith('state.db'))) {
    const bytes = await readFile(join(server.dataDir, file));
    for (const secret of [pgPassword, myPassword])
      assert.ok(!bytes.includes(secret), `${file} holds no password`);
  }
  assert.ok(
    server.logs.some((l) => l.includes('"runId"') && l.includes('"phase":"loading"')),
    'run lines carry runId and phase',
  );
});
