/**
 * Issue 11, item 13: engineers must not use the service to probe hosts and ports. JIVS_ALLOWED_HOSTS
 * limits database endpoints to listed CIDRs and names (refused at intake when the host says enough,
 * else by the run's process after resolving it), and a first connection gives up after 10 s.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { createTestSchema } from '../connectors/postgres/postgres-test-schema.ts';
import { runThroughApi } from './api-run.ts';
import { demoSpecDocument } from './demo-spec-document.ts';
import { silentServer } from './fake-postgres.ts';
import { startServer } from './server-fixture.ts';
import { POSTGRES } from '../support/databases.ts';

const PG = POSTGRES;

interface Problems {
  error: string;
  problems: { path: string; message: string }[];
}

async function pgSchema(t: TestContext): Promise<string> {
  const schema = await createTestSchema('jivs_sechosts');
  t.after(() => schema.drop());
  return schema.name;
}

test('JIVS_ALLOWED_HOSTS lets listed hosts run and refuses others before connecting', async (t) => {
  const server = await startServer(t, { allowedHosts: ['127.0.0.1/32'] });
  const token = await server.tokenFor('engineer');
  const demo = await demoSpecDocument(server.dir);
  const schema = await pgSchema(t);

  const runId = await runThroughApi(server, token, { ...demo, target: { type: 'postgres', ...PG, schema } });
  const run = await server.request<{ status: string }>('GET', `/api/v1/runs/${runId}`, { token });
  assert.equal(run.body.status, 'succeeded', run.text);

  // An address outside the list: refused as the spec comes in.
  for (const host of ['10.255.255.1', '127.0.0.2', '::1']) {
    const refused = await server.createMigration(token, { ...demo, target: { type: 'mysql', ...PG, host } });
    assert.equal(refused.status, 400, refused.text);
    const problem = refused.body.problems.find((p) => p.path === 'spec.target.host');
    assert.ok(problem, refused.text);
    assert.match(problem.message, new RegExp(`"${host.replace(/\./g, '\\.')}".*JIVS_ALLOWED_HOSTS`));
  }
});

test('a host name is refused by the run when it resolves outside the list', async (t) => {
  const server = await startServer(t, { allowedHosts: ['127.0.0.2/32'] });
  const token = await server.tokenFor('engineer');
  const demo = await demoSpecDocument(server.dir);
  // localhost resolves to 127.0.0.1 (and ::1): not in the list. Intake cannot know without DNS.
  const created = await server.createMigration(token, {
    ...demo,
    source: { type: 'postgres', ...PG, host: 'localhost' },
  });
  assert.equal(created.status, 201, created.text);
  // The message (the list, not a connect timeout) shows it was refused before connecting.
  for (const action of ['runs', 'plan']) {
    const refused = await server.request<Problems>(
      'POST',
      `/api/v1/migrations/${created.body.id}/${action}`,
      {
        token,
      },
    );
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.problems[0]!.path, 'spec.source.host');
    assert.match(refused.body.problems[0]!.message, /"localhost".*JIVS_ALLOWED_HOSTS/);
    assert.doesNotMatch(refused.body.problems[0]!.message, /127\.0\.0\.1|::1/, 'no resolved address shown');
  }
  assert.deepEqual(await server.store.listRuns({ limit: 10 }), [], 'no run recorded');

  // Without a CIDR, a name that is not listed cannot be allowed: refused at intake.
  const names = await startServer(t, { allowedHosts: ['db.example'] });
  const other = await names.createMigration(await names.tokenFor('engineer'), {
    ...demo,
    source: { type: 'postgres', ...PG, host: 'localhost' },
  });
  assert.equal(other.status, 400, other.text);
  assert.equal(other.body.problems[0]!.path, 'spec.source.host');
});

test(
  'a server that never answers is given up after 10 s, with a clear message',
  { timeout: 60_000 },
  async (t) => {
    const silent = await silentServer(t);
    const server = await startServer(t);
    const token = await server.tokenFor('engineer');
    const demo = await demoSpecDocument(server.dir);
    const created = await server.createMigration(token, {
      ...demo,
      source: { type: 'postgres', ...PG, port: silent.port },
    });
    assert.equal(created.status, 201, created.text);
    const began = Date.now();
    const refused = await server.request<Problems>('POST', `/api/v1/migrations/${created.body.id}/runs`, {
      token,
    });
    const took = Date.now() - began;
    assert.equal(refused.status, 400, refused.text);
    assert.equal(silent.connections, 1, 'one attempt, not retried');
    assert.match(
      refused.body.problems[0]!.message,
      /cannot connect to .*no answer within 10 s; check host, port/,
    );
    // 10 s, plus the run process starting; generous above, so a busy machine does not fail it.
    assert.ok(took >= 9_000 && took < 30_000, `gave up after ${took} ms`);
  },
);
