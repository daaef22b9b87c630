/**
 * Issue 11, items 3 and 4: a spec in the service may refer to the service's environment only as a
 * password, only to variables on JIVS_SPEC_ENV_ALLOW, and never to a run's internal secret variables;
 * a run's process gets no driver defaults (PGPASSWORD); a stored password goes only to the endpoint it
 * was stored for. Each test is the attack, against a real service; where a password could travel, a
 * fake PostgreSQL server that asks for it in cleartext records what arrives.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { createTestSchema } from '../connectors/postgres/postgres-test-schema.ts';
import { misplacedSecretReferences } from '../../src/server/specs/env-policy.ts';
import { runThroughApi } from './api-run.ts';
import { demoSpecDocument } from './demo-spec-document.ts';
import { passwordCatcher } from './fake-postgres.ts';
import { startServer } from './server-fixture.ts';
import { POSTGRES } from '../support/databases.ts';

const PG = POSTGRES;

interface Problems {
  error: string;
  problems: { path: string; message: string }[];
}

/** Sets a variable in the service's environment for the test. */
function setEnv(t: TestContext, name: string, value: string): void {
  const before = process.env[name];
  process.env[name] = value;
  t.after(() => {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  });
}

async function pgSchema(t: TestContext): Promise<string> {
  const schema = await createTestSchema('jivs_secenv');
  t.after(() => schema.drop());
  return schema.name;
}

test('environment references outside password fields, internal ones and unlisted ones are refused before any run', async (t) => {
  const leaked = `leak-${randomBytes(8).toString('hex')}`;
  setEnv(t, 'PGPASSWORD', leaked);
  const server = await startServer(t, { specEnvAllow: ['JIVS_TEST_OK_*'] });
  const token = await server.tokenFor('engineer');
  const demo = await demoSpecDocument(server.dir);
  const target = { type: 'postgres', ...PG };
  const attempts: [Record<string, unknown>, string, string][] = [
    [{ ...demo, target: { ...target, host: '${ENV:HOME}' } }, 'spec.target.host', 'HOME'],
    [{ ...demo, target: { ...target, database: 'db_${ENV:HOME}' } }, 'spec.target.database', 'HOME'],
    [
      { ...demo, source: { ...(demo.source as object), path: '${ENV:HOME}/x.db' } },
      'spec.source.path',
      'HOME',
    ],
    [
      { ...demo, target: { ...target, password: '${ENV:JIVS_SECRET_KEY}' } },
      'spec.target.password',
      'JIVS_SECRET_KEY',
    ],
    [{ ...demo, target: { ...target, password: '${ENV:PGPASSWORD}' } }, 'spec.target.password', 'PGPASSWORD'],
    // Allow-listed, but not a password field.
    [
      { ...demo, target: { ...target, user: '${ENV:JIVS_TEST_OK_USER}' } },
      'spec.target.user',
      'JIVS_TEST_OK_USER',
    ],
  ];
  for (const [spec, path, variable] of attempts) {
    const refused = await server.createMigration(token, spec);
    assert.equal(refused.status, 400, refused.text);
    const problem = refused.body.problems.find((p) => p.path === path);
    assert.ok(problem, `${path}: ${refused.text}`);
    assert.match(problem.message, new RegExp(`"${variable}"`));
  }
  const unlisted = await server.createMigration(token, {
    ...demo,
    target: { ...target, password: '${ENV:PGPASSWORD}' },
  });
  assert.match(unlisted.body.problems[0]!.message, /add it to JIVS_SPEC_ENV_ALLOW on the server/);
  assert.deepEqual(await server.store.migrations.list(), [], 'nothing stored');

  // A spec stored before the rule (straight into the store) does not run, plan or pass validation.
  await server.store.migrations.create({
    id: 'stored-before',
    name: 'stored-before',
    spec: { ...demo, target: { ...target, host: '${ENV:HOME}' } },
    createdBy: 'engineer-user',
  });
  for (const action of ['runs', 'plan']) {
    const started = await server.request<Problems>('POST', `/api/v1/migrations/stored-before/${action}`, {
      token,
    });
    assert.equal(started.status, 400, started.text);
    assert.equal(started.body.problems[0]!.path, 'spec.target.host');
  }
  const validated = await server.request<{ valid: boolean }>(
    'POST',
    '/api/v1/migrations/stored-before/validate',
    {
      token,
    },
  );
  assert.equal(validated.body.valid, false);
  assert.deepEqual(await server.store.listRuns({ limit: 10 }), [], 'no run');
  for (const text of [...server.responses, ...server.logs])
    assert.ok(!text.includes(leaked), 'no value shown');
});

test('an allow-listed variable reaches the run only as its password, and driver defaults not at all', async (t) => {
  const secret = `pw-${randomBytes(8).toString('hex')}`;
  const leaked = `leak-${randomBytes(8).toString('hex')}`;
  const variable = `JIVS_TEST_OK_${randomBytes(3).toString('hex').toUpperCase()}`;
  setEnv(t, variable, secret);
  setEnv(t, 'PGPASSWORD', leaked);
  const server = await startServer(t, { specEnvAllow: ['JIVS_TEST_OK_*'] });
  const token = await server.tokenFor('engineer');
  const demo = await demoSpecDocument(server.dir);
  const schema = await pgSchema(t);

  // A real run into PostgreSQL with the password from the allow-listed variable.
  const runId = await runThroughApi(server, token, {
    ...demo,
    target: { type: 'postgres', ...PG, schema, password: `\${ENV:${variable}}` },
  });
  const run = await server.request<{ status: string }>('GET', `/api/v1/runs/${runId}`, { token });
  assert.equal(run.body.status, 'succeeded', run.text);

  // A server that asks for the password gets the referenced value, and nothing from PGPASSWORD.
  const catcher = await passwordCatcher(t);
  const source = { type: 'postgres', host: '127.0.0.1', port: catcher.port, database: 'x' };
  for (const [i, password] of [`\${ENV:${variable}}`, undefined].entries()) {
    const migration = await server.createMigration(
      token,
      { ...demo, source: { ...source, password } },
      `catcher-${i}`,
    );
    assert.equal(migration.status, 201, migration.text);
    const refused = await server.request('POST', `/api/v1/migrations/${migration.body.id}/runs`, { token });
    assert.equal(refused.status, 400, refused.text);
  }
  assert.equal(catcher.passwords[0], secret, 'the referenced variable, through its field');
  assert.ok(catcher.connections >= 2, 'both runs connected');
  assert.ok(!catcher.passwords.includes(leaked), 'PGPASSWORD of the service never reached the run');
  for (const text of [...server.responses, ...server.logs]) {
    assert.ok(!text.includes(secret) && !text.includes(leaked), 'no value shown');
  }
});

test('a stored password goes only to the endpoint it was stored for', async (t) => {
  const server = await startServer(t, { secretKey: randomBytes(32).toString('base64') });
  const owner = await server.tokenFor('engineer', 'owner');
  const attacker = await server.tokenFor('engineer', 'attacker');
  const demo = await demoSpecDocument(server.dir);
  const schema = await pgSchema(t);
  const stored = `stored-${randomBytes(8).toString('hex')}`;
  const catcher = await passwordCatcher(t);

  // The owner stores a source password (PostgreSQL source, its demo target).
  const source = { type: 'postgres', ...PG, schema, password: stored };
  const created = await server.createMigration(owner, { ...demo, source });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id;
  const shown = (
    await server.request<{ spec: Record<string, unknown> }>('GET', `/api/v1/migrations/${id}`, {
      token: attacker,
    })
  ).body.spec;
  assert.equal((shown.source as { password: string }).password, '***');

  // Attack: keep the source as it is ("***") and point the target at a server of one's own, with the
  // run's internal variable as its password.
  const evilTarget = {
    type: 'postgres',
    host: '127.0.0.1',
    port: catcher.port,
    database: 'x',
    password: '${ENV:JIVS_SECRET_SOURCE_PASSWORD}',
  };
  const chained = await server.request<Problems>('PUT', `/api/v1/migrations/${id}`, {
    token: attacker,
    body: { name: 'chained', spec: { ...shown, target: evilTarget } },
  });
  assert.equal(chained.status, 400, chained.text);
  assert.equal(chained.body.problems[0]!.path, 'spec.target.password');
  assert.match(chained.body.problems[0]!.message, /JIVS_SECRET_SOURCE_PASSWORD/);

  // Moving the source itself keeps no password: "***" is refused, leaving it out sends none.
  const moved = { ...(shown.source as object), port: catcher.port };
  const kept = await server.request<Problems>('PUT', `/api/v1/migrations/${id}`, {
    token: attacker,
    body: { name: 'moved', spec: { ...shown, source: moved } },
  });
  assert.equal(kept.status, 400, kept.text);
  assert.equal(kept.body.problems[0]!.path, 'spec.source.password');
  const { password: _dropped, ...withoutPassword } = moved as { password?: string };
  const cleared = await server.request('PUT', `/api/v1/migrations/${id}`, {
    token: attacker,
    body: { name: 'moved', spec: { ...shown, source: withoutPassword } },
  });
  assert.equal(cleared.status, 200, cleared.text);
  const storedNow = (await server.store.migrations.get(id))!.spec as { source: { password?: string } };
  assert.equal(storedNow.source.password, undefined, 'the stored password is gone');
  const run = await server.request('POST', `/api/v1/migrations/${id}/runs`, { token: attacker });
  assert.equal(run.status, 400, run.text);
  assert.ok(catcher.connections >= 1, 'the run connected to the new source');
  assert.ok(!catcher.passwords.includes(stored), 'and did not send it the stored password');
  for (const text of [...server.responses, ...server.logs]) assert.ok(!text.includes(stored));
});

test("a run's process refuses an internal secret reference anywhere but its own field", () => {
  assert.deepEqual(
    misplacedSecretReferences({
      source: { password: '${ENV:JIVS_SECRET_SOURCE_PASSWORD}' },
      target: { password: '${ENV:JIVS_SECRET_TARGET_PASSWORD}' },
    }),
    [],
  );
  const problems = misplacedSecretReferences({
    source: { password: '${ENV:JIVS_SECRET_SOURCE_PASSWORD}' },
    target: { password: '${ENV:JIVS_SECRET_SOURCE_PASSWORD}', host: 'x${ENV:JIVS_SECRET_TARGET_PASSWORD}' },
  });
  assert.deepEqual(problems.map((p) => p.path).sort(), ['target.host', 'target.password']);
});
