/**
 * Issue 11, items 1, 2 and 7: every file path of a spec — source, target, lookup, a file inside an
 * endpoint folder — goes through one resolver that keeps it inside the spec folder by real path, and
 * never reaches the service's own files (store, JWT secret, key indexes, data folder) or /proc,
 * whatever the configuration. Each case is the attack as an engineer would send it.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { BACKENDS } from '../state/store-backends.ts';
import { startServer } from './server-fixture.ts';
import { POSTGRES } from '../support/databases.ts';

type Problems = { error: string; problems: { path: string; message: string }[] };

/** A small SQLite source inside the spec folder: table t(id, k). */
function writeSource(file: string): void {
  const db = new Database(file);
  db.exec(`create table t(id integer primary key, k text not null);
           insert into t values (1, 'a'), (2, 'b');`);
  db.close();
}

function spec(source: string, target: string, lookupFile?: string): Record<string, unknown> {
  return {
    version: 1,
    name: 'paths',
    source: { type: 'sqlite', path: source },
    target: { type: 'sqlite', path: target },
    tables: [
      {
        name: 't',
        ...(lookupFile === undefined
          ? {}
          : { columns: { k: { transform: [{ lookup: { file: lookupFile, key: 'k', value: 'v' } }] } } }),
      },
    ],
  };
}

async function engineerServer(t: TestContext, overrides = {}) {
  const server = await startServer(t, overrides);
  writeSource(join(server.dir, 'source.db'));
  await writeFile(join(server.dir, 'codes.csv'), 'k,v\na,A\nb,B\n');
  const token = await server.tokenFor('engineer');
  return { server, token };
}

/** Asserts a 400 that names `specPath` and quotes nothing of what the refused path leads to. */
function assertRefused(
  response: { status: number; body: Problems; text: string },
  specPath: string,
  secrets: string[],
) {
  assert.equal(response.status, 400, response.text);
  assert.ok(
    response.body.problems.some((p) => p.path === specPath),
    `expected a problem at ${specPath}: ${response.text}`,
  );
  for (const secret of secrets) assert.ok(!response.text.includes(secret), 'the response quotes a secret');
}

test('the forged-admin chain: a lookup of the JWT secret is refused before any run starts', async (t) => {
  const { server, token } = await engineerServer(t);
  const secret = (await readFile(join(server.dataDir, 'jwt-secret'), 'utf8')).trim();
  const lookupPath = 'tables[0].columns.k.transform[0].lookup.file';
  for (const file of [
    relative(server.dir, join(server.dataDir, 'jwt-secret')),
    join(server.dataDir, 'jwt-secret'),
  ]) {
    const response = await server.createMigration(token, spec('source.db', 'out.db', file));
    assertRefused(response, `spec.${lookupPath}`, [secret]);
    assert.match(response.body.problems[0]!.message, /program's own state|inside the server's spec folder/);
  }
  // A link inside the spec folder to the secret is followed and refused the same way.
  await symlink(join(server.dataDir, 'jwt-secret'), join(server.dir, 'innocent.csv'));
  assertRefused(
    await server.createMigration(token, spec('source.db', 'out.db', 'innocent.csv')),
    `spec.${lookupPath}`,
    [secret],
  );
  const runs = await server.request<{ runs: unknown[] }>('GET', '/api/v1/runs', { token });
  assert.equal(runs.body.runs.length, 0, 'no run started');
  // The legitimate lookup inside the folder is accepted.
  assert.equal((await server.createMigration(token, spec('source.db', 'out.db', 'codes.csv'))).status, 201);
});

test('hostile paths are refused for the source, the target and lookups', async (t) => {
  const { server, token } = await engineerServer(t);
  const storeBytes = (await readFile(join(server.dataDir, 'state.db'))).subarray(0, 16).toString('latin1');
  await symlink('/etc/passwd', join(server.dir, 'passwd.db'));
  await symlink(join(server.dataDir, 'state.db'), join(server.dir, 'linked-store.db'));
  await symlink(join(server.dir, 'missing-target.db'), join(server.dir, 'dangling.db'));
  await symlink(server.dataDir, join(server.dir, 'state-folder'));
  const hostile = [
    '../data/state.db',
    '../../../../../../etc/passwd',
    '/etc/passwd',
    join(server.dataDir, 'state.db'),
    join(server.dataDir, 'keys', 'some-run.db'),
    server.dataDir,
    '/proc/self/environ',
    `/proc/${process.pid}/environ`,
    'passwd.db',
    'linked-store.db',
    'dangling.db',
    'state-folder/state.db',
    '.',
    server.dir,
    'sub/../../data/jwt-secret',
  ];
  for (const path of hostile) {
    assertRefused(await server.createMigration(token, spec(path, 'out.db')), 'spec.source.path', [
      storeBytes,
    ]);
    assertRefused(await server.createMigration(token, spec('source.db', path)), 'spec.target.path', [
      storeBytes,
    ]);
    assertRefused(
      await server.createMigration(token, spec('source.db', 'out.db', path)),
      'spec.tables[0].columns.k.transform[0].lookup.file',
      [storeBytes],
    );
  }
  // Inside the folder, also through a subfolder and a link that stays inside, is fine.
  await mkdir(join(server.dir, 'sub'));
  await symlink(join(server.dir, 'source.db'), join(server.dir, 'sub', 'alias.db'));
  assert.equal((await server.createMigration(token, spec('sub/alias.db', 'sub/out.db'))).status, 201);
});

test('the store and secrets stay out of reach even with JIVS_ALLOW_ANY_PATH', async (t) => {
  const { server, token } = await engineerServer(t, { allowAnyPath: true });
  for (const path of [
    join(server.dataDir, 'state.db'),
    join(server.dataDir, 'jwt-secret'),
    '/proc/self/environ',
  ]) {
    assertRefused(await server.createMigration(token, spec(path, 'out.db')), 'spec.source.path', []);
    // mode append into the store would insert users; mode create on audit_log would replace the log.
    assertRefused(
      await server.createMigration(token, { ...spec('source.db', path), mode: 'append' }),
      'spec.target.path',
      [],
    );
  }
  // What the setting is for: a file outside the spec folder.
  const outside = join(server.dataDir, '..', 'elsewhere.db');
  writeSource(outside);
  assert.equal((await server.createMigration(token, spec(outside, 'out.db'))).status, 201);
});

test('a link swapped in after the spec was stored is refused when the run starts', async (t) => {
  const { server, token } = await engineerServer(t);
  const created = await server.createMigration(token, spec('source.db', 'out.db'));
  assert.equal(created.status, 201, created.text);
  await rm(join(server.dir, 'source.db'));
  await symlink(join(server.dataDir, 'state.db'), join(server.dir, 'source.db'));
  const started = await server.request<Problems>('POST', `/api/v1/migrations/${created.body.id}/runs`, {
    token,
  });
  assertRefused(started, 'source.path', []);
  const runs = await server.request<{ runs: unknown[] }>('GET', '/api/v1/runs', { token });
  assert.equal(runs.body.runs.length, 0);
});

test('a file in a source folder that links outside is refused at the start, naming the spec path only', async (t) => {
  const { server, token } = await engineerServer(t);
  const secret = (await readFile(join(server.dataDir, 'jwt-secret'), 'utf8')).trim();
  await mkdir(join(server.dir, 'csv'));
  await writeFile(join(server.dir, 'csv', 'people.csv'), 'id,name\n1,Ann\n');
  await symlink(join(server.dataDir, 'jwt-secret'), join(server.dir, 'csv', 'secret.csv'));
  const created = await server.createMigration(token, {
    version: 1,
    source: { type: 'csv', path: 'csv' },
    target: { type: 'sqlite', path: 'out.db' },
  });
  assert.equal(created.status, 201, created.text);
  const started = await server.request<{ runId?: string; error?: string }>(
    'POST',
    `/api/v1/migrations/${created.body.id}/runs`,
    { token },
  );
  // Planning runs in the run's process: the start is refused there, before a run is recorded.
  assert.equal(started.status, 400, started.text);
  assert.match(started.text, /source\.path/);
  assert.match(started.text, /program's own state/);
  for (const text of [...server.responses, ...server.logs]) assert.ok(!text.includes(secret));
});

test('the store, the JWT secret and the spec folder are private to the service', async (t) => {
  const { server } = await engineerServer(t);
  assert.equal((await stat(join(server.dataDir, 'state.db'))).mode & 0o777, 0o600);
  assert.equal((await stat(join(server.dataDir, 'jwt-secret'))).mode & 0o777, 0o600);
  assert.equal((await stat(server.dataDir)).mode & 0o077, 0, 'the data folder is not readable by others');
});

test('with the store in PostgreSQL, its schema is not an endpoint', async (t) => {
  const location = await BACKENDS.find((b) => b.name === 'postgres')!.location(t);
  const schema = new URL(location).searchParams.get('schema')!;
  const server = await startServer(t, {}, location);
  writeSource(join(server.dir, 'source.db'));
  const token = await server.tokenFor('engineer');
  const pgEndpoint = (host: string, schemaName: string) => ({
    type: 'postgres',
    ...POSTGRES,
    host,
    schema: schemaName,
  });
  for (const host of ['127.0.0.1', 'localhost']) {
    // Reading it would copy the password hashes; appending into it would add an admin.
    const read = await server.createMigration(token, {
      ...spec('source.db', 'out.db'),
      source: pgEndpoint(host, schema),
    });
    assertRefused(read, 'spec.source', []);
    const write = await server.createMigration(token, {
      ...spec('source.db', 'out.db'),
      target: pgEndpoint(host, schema),
      mode: 'append',
    });
    assertRefused(write, 'spec.target', []);
  }
  const elsewhere = { ...spec('source.db', 'out.db'), target: pgEndpoint('127.0.0.1', `${schema}_data`) };
  assert.equal((await server.createMigration(token, elsewhere)).status, 201);
});
