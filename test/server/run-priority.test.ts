/**
 * A job's process (a run, a resume, a plan) runs at a lower CPU priority than the service: a run may keep
 * every core busy, and the service's own requests still come first (`npm run bench -- --only service`).
 */
import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { once } from 'node:events';
import { test } from 'node:test';
import pino from 'pino';
import { RunProcesses } from '../../src/server/runs/run-processes.ts';
import { tempDir } from '../support/temp-dir.ts';

test('a job process is niced below the service', async (t) => {
  const dir = await tempDir('jivs-priority-', t);
  const processes = new RunProcesses([]);
  const failures: string[] = [];
  const child = processes.spawn(
    {
      kind: 'plan',
      spec: {
        version: 1,
        source: { type: 'sqlite', path: 'missing.db' },
        target: { type: 'sqlite', path: 'out.db' },
      },
      secrets: {},
      specFile: 'api:migrations/priority',
      files: { baseDir: dir, confineTo: dir, forbidden: [] },
      allowedHosts: [],
    },
    () => pino({ level: 'silent' }),
    (message) => {
      if (message.type === 'failed') failures.push(message.failure.message);
    },
  );
  assert.equal(getPriority(child.pid) - getPriority(), 10);
  await once(child, 'exit');
  // The job itself (a spec whose source file is missing) is refused as bad input, as always.
  assert.match(failures.join('\n'), /missing\.db/);
  await processes.allEnded(10_000);
});
