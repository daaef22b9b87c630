/** `jivs` usage, help, version, exit codes of bad arguments, and `jivs schema`. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { describeResult, parseJson, runJivs } from './run-jivs.ts';
import { tempDir } from '../support/temp-dir.ts';

describe('jivs usage', { concurrency: true }, () => {
  test('--help exits 0 and lists every command', async (t) => {
    const result = await runJivs(['--help'], { cwd: await tempDir('jivs-cli-', t) });
    assert.equal(result.code, 0, describeResult(result));
    for (const command of ['migrate', 'plan', 'status', 'schema', 'demo']) {
      assert.match(result.stdout, new RegExp(`^\\s+${command}\\b`, 'm'), `${command} in:\n${result.stdout}`);
    }
    assert.match(result.stdout, /--state <file>/);
  });

  test('--version exits 0 and prints the version', async (t) => {
    const result = await runJivs(['--version'], { cwd: await tempDir('jivs-cli-', t) });
    assert.equal(result.code, 0, describeResult(result));
    assert.match(result.stdout.trim(), /^\d+\.\d+\.\d+$/);
  });

  test('an unknown command exits 2 and says so', async (t) => {
    const result = await runJivs(['migrat', 'x.yaml'], { cwd: await tempDir('jivs-cli-', t) });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, /unknown command 'migrat'/);
    assert.match(result.stderr, /jivs --help/);
  });

  test('an unknown option exits 2 and says so', async (t) => {
    const dir = await tempDir('jivs-cli-', t);
    const result = await runJivs(['demo', '--rowz', '300'], { cwd: dir });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, /unknown option '--rowz'/);
    assert.equal(existsSync(join(dir, 'jivs-demo')), false, 'the demo must not have run');
  });

  test('an invalid option value exits 2', async (t) => {
    const result = await runJivs(['status', '--rejects', 'many'], { cwd: await tempDir('jivs-cli-', t) });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, /--rejects/);
  });

  test('demo --rows below the minimum exits 2 naming the option', async (t) => {
    const dir = await tempDir('jivs-cli-', t);
    const result = await runJivs(['demo', '--rows', '50', '--dir', 'demo'], { cwd: dir });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, /--rows: must be a whole number of at least 100, got 50/);
    assert.equal(existsSync(join(dir, 'demo', 'migrated.db')), false);
  });

  test('migrate without a spec exits 2', async (t) => {
    const result = await runJivs(['migrate'], { cwd: await tempDir('jivs-cli-', t) });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, /missing required argument 'spec'/);
  });
});

describe('jivs schema', () => {
  test('prints the JSON Schema of specs', async (t) => {
    const result = await runJivs(['schema'], { cwd: await tempDir('jivs-cli-', t) });
    assert.equal(result.code, 0, describeResult(result));
    const schema = parseJson<{ title: string; properties: Record<string, unknown>; required: string[] }>(
      result,
    );
    assert.equal(schema.title, 'JiVS Migrate migration spec');
    for (const key of ['source', 'target', 'tables']) assert.ok(key in schema.properties, key);
    assert.deepEqual([...schema.required].sort(), ['source', 'target', 'version']);
  });
});
