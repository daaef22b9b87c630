/**
 * The one way tests get a scratch directory: a fresh folder under the system temp directory, removed
 * after the test that asked for it (given its context) or else when the test process exits.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

const created: string[] = [];
process.once('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});

/**
 * A fresh, empty directory whose name starts with `prefix`.
 * @param prefix the start of the folder's name, so that a leftover one says which tests made it
 * @param test when given, the folder is removed after this test; otherwise when the process exits
 */
export async function tempDir(prefix = 'jivs-test-', test?: Pick<TestContext, 'after'>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  if (test) test.after(() => rm(dir, { recursive: true, force: true, maxRetries: 3 }));
  else created.push(dir);
  return dir;
}
