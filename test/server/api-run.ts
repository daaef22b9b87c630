/** Defines a migration through the API, starts it and waits for its end (its SSE stream closes). */
import assert from 'node:assert/strict';
import type { TestServer } from './server-fixture.ts';
import { collectEvents } from './sse-client.ts';

/** Creates a migration from `spec` as `token`, runs it to its end and returns the run id. */
export async function runThroughApi(
  server: TestServer,
  token: string,
  spec: Record<string, unknown>,
): Promise<string> {
  const created = await server.request<{ id: string }>('POST', '/api/v1/migrations', {
    token,
    body: { spec: { version: 1, ...spec } },
  });
  assert.equal(created.status, 201, created.text);
  const started = await server.request<{ runId: string }>(
    'POST',
    `/api/v1/migrations/${created.body.id}/runs`,
    { token },
  );
  assert.equal(started.status, 202, started.text);
  const { runId } = started.body;
  const events = await collectEvents(`${server.url}/api/v1/runs/${runId}/events`, token);
  assert.equal(events.at(-1)?.event, 'end', JSON.stringify(events.at(-1)));
  return runId;
}
