/**
 * Runs the real `jivs` CLI as a child process (`node --import tsx src/cli/main.ts …`), the way a user
 * does, capturing stdout, stderr and the exit code. Each test works in its own temp directory.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** tsx as resolved from the repository: the child runs in a temp dir, where `--import tsx` finds nothing. */
const TSX = import.meta.resolve('tsx');

/** Variables that would leak the test runner's setup into the CLI under test. */
const SCRUBBED_ENV = ['JIVS_STATE', 'JIVS_DATABASE_URL', 'DEMO_TARGET', 'NODE_TEST_CONTEXT', 'NODE_OPTIONS'];

export interface JivsResult {
  /** The exit code, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface JivsOptions {
  /** Working directory of the CLI (a temp dir of the test). */
  cwd: string;
  /** Extra environment variables; `undefined` removes one. JIVS_STATE is unset unless given here. */
  env?: Record<string, string | undefined>;
  /** Kill the process (SIGKILL) and fail after this long; default 30 s. */
  timeoutMs?: number;
}

function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SCRUBBED_ENV) delete env[name];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** A running `jivs` process whose output can be awaited line by line. */
export class JivsProcess {
  stdout = '';
  stderr = '';
  readonly pid: number | undefined;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;
  private readonly exit: Promise<JivsResult>;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly args: string[],
    options: JivsOptions,
  ) {
    this.child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd: options.cwd,
      env: childEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pid = this.child.pid;
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.listeners.forEach((notify) => notify());
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.listeners.forEach((notify) => notify());
    });
    this.exit = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) =>
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }),
      );
    });
    // Keep the rejection handled until someone awaits it.
    this.exit.catch(() => {});
  }

  /** Sends a signal to the process. */
  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves once stderr matches `pattern`; rejects if the process ends or `timeoutMs` passes first. */
  waitForStderr(pattern: RegExp, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (pattern.test(this.stderr)) done();
      };
      const timer = setTimeout(
        () => done(new Error(`no ${pattern} on stderr within ${timeoutMs} ms:\n${this.stderr}`)),
        timeoutMs,
      );
      this.listeners.add(check);
      this.exit.then(
        () => {
          check();
          if (this.listeners.has(check))
            done(new Error(`jivs ended before ${pattern} appeared on stderr:\n${this.stderr}`));
        },
        (error: Error) => done(error),
      );
      check();
    });
  }

  /** Resolves with the result when the process ends; kills it (SIGKILL) and rejects after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<JivsResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(
          new Error(
            `jivs ${this.args.join(' ')} did not end within ${timeoutMs} ms (killed).\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`,
          ),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exit, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Starts `jivs …args` without waiting for it. */
export function spawnJivs(args: string[], options: JivsOptions): JivsProcess {
  return new JivsProcess(args, options);
}

/** Runs `jivs …args` to its end. */
export function runJivs(args: string[], options: JivsOptions): Promise<JivsResult> {
  return spawnJivs(args, options).waitForExit(options.timeoutMs ?? 30_000);
}

/** Runs `jivs …args` in `dir`, asserts it exits 0 and returns its stdout. */
export async function jivsStdout(dir: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const result = await runJivs(args, { cwd: dir, timeoutMs });
  assert.equal(result.code, 0, describeResult(result));
  return result.stdout;
}

/** Parses stdout as JSON, failing with the output when it is not JSON. */
export function parseJson<T>(result: JivsResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch (error) {
    throw new Error(
      `stdout is not JSON (${(error as Error).message}):\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}

/** The result, formatted for assertion messages. */
export function describeResult(result: JivsResult): string {
  return `exit ${result.code ?? result.signal}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}
