/**
 * Issue 11, item 9: a deeply nested JSON body is refused with a 400 that names the limit, before any
 * route walks it (it used to overflow the stack in sealSecrets: a 500), and the service keeps answering.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../src/server/json-body.ts';
import { startServer } from './server-fixture.ts';

type ErrorBody = { error: string; problems: { path: string; message: string }[] };

test('a 10,000-deep body is a 400 naming the limit, and the service still answers', async (t) => {
  const server = await startServer(t);
  const token = await server.tokenFor('engineer');
  const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
  const spec = `{"spec":{"name":"deep","source":${deep}}}`;
  for (const body of [spec, deep]) {
    const response = await server.request<ErrorBody>('POST', '/api/v1/migrations', { token, body });
    assert.equal(response.status, 400, response.text);
    assert.equal(response.body.error, 'the request body nests too deeply');
    assert.match(response.body.problems[0]!.message, new RegExp(`more than ${MAX_JSON_DEPTH} levels`));
  }
  const objects = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
  const login = await server.request('POST', '/api/v1/auth/login', { body: objects });
  assert.equal(login.status, 400, 'every route, public ones too');

  assert.ok(!server.logs.some((l) => l.includes('RangeError')), 'no stack overflow anywhere');
  assert.equal((await server.request('GET', '/healthz')).status, 200);
  const listed = await server.request('GET', '/api/v1/migrations', { token });
  assert.equal(listed.status, 200);
});

test('bodies up to the limit are parsed as before', async (t) => {
  const server = await startServer(t);
  const token = await server.tokenFor('engineer');
  const atLimit = `{"spec":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`;
  const response = await server.request<ErrorBody>('POST', '/api/v1/migrations', { token, body: atLimit });
  assert.equal(response.status, 400, response.text);
  assert.notEqual(response.body.error, 'the request body nests too deeply', 'the schema, not the depth');
  const poisoned = await server.request('POST', '/api/v1/auth/login', {
    body: '{"username":"a","password":"b","__proto__":{"x":1}}',
  });
  assert.equal(poisoned.status, 400, 'prototype poisoning is still refused');
  const invalid = await server.request<ErrorBody>('POST', '/api/v1/auth/login', { body: '{"username":' });
  assert.equal(invalid.body.error, 'the request body is not valid JSON');
});

test('the depth check counts levels without recursion', () => {
  assert.equal(nestsDeeperThan(1, 0), false);
  assert.equal(nestsDeeperThan([], 0), true);
  assert.equal(nestsDeeperThan({ a: [1, { b: 2 }] }, 3), false);
  assert.equal(nestsDeeperThan({ a: [1, { b: [] }] }, 3), true);
  let deep: unknown = 0;
  for (let i = 0; i < 200_000; i++) deep = [deep];
  assert.equal(nestsDeeperThan(deep, 64), true);
});
