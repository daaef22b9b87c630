/**
 * Runs a command as a child process and measures it: wall time, and through GNU `/usr/bin/time -f
 * '%M %U %S'` when that exists, its peak RSS (the maximum resident set size, in KiB) and the CPU time it
 * used (user + system seconds, its children included: for a shell pipeline, every command of it).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

export interface Measured {
  wallMs: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak RSS of the command in MiB, or null without /usr/bin/time. */
  maxRssMb: number | null;
  /** CPU seconds (user + system) the command used, or null without /usr/bin/time. */
  cpuSeconds: number | null;
  /** Killed after `timeoutMs`. */
  timedOut: boolean;
}

export async function measureCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Measured> {
  const timed = existsSync(GNU_TIME);
  const dir = timed ? await mkdtemp(join(tmpdir(), 'jivs-bench-time-')) : null;
  const figuresFile = dir && join(dir, 'rss');
  const [file, argv] = figuresFile
    ? [GNU_TIME, ['-f', '%M %U %S', '-o', figuresFile, command, ...args]]
    : [command, [...args]];
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const started = performance.now();
  const child = spawn(file, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    // stdin closed: a crashed pgloader (SBCL) then leaves its debugger instead of waiting for input.
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that a timeout or Ctrl-C ends the command under /usr/bin/time as well.
    detached: true,
  });
  let timedOut = false;
  const killGroup = () => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  };
  const interrupted = () => {
    killGroup();
    process.exit(130);
  };
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          killGroup();
        }, options.timeoutMs);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, sig) => resolve([code, sig]));
  }).finally(() => {
    clearTimeout(timer);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  });
  const wallMs = performance.now() - started;
  let maxRssMb: number | null = null;
  let cpuSeconds: number | null = null;
  if (figuresFile && dir) {
    // GNU time writes "Command exited with non-zero status N" before the figures when the command fails.
    const lines = (await readFile(figuresFile, 'utf8').catch(() => '')).trim().split('\n');
    const figures = /^(\d+) ([\d.]+) ([\d.]+)$/.exec(lines.at(-1) ?? '');
    if (figures) {
      maxRssMb = Math.round(Number(figures[1]) / 1024);
      cpuSeconds = +(Number(figures[2]) + Number(figures[3])).toFixed(2);
    }
    await rm(dir, { recursive: true, force: true });
  }
  return {
    wallMs,
    exitCode,
    signal,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    maxRssMb,
    cpuSeconds,
    timedOut,
  };
}

/** The last `count` non-empty lines of a command's output, for an error message. */
export function lastLines(text: string, count = 12): string {
  return text.trim().split('\n').filter(Boolean).slice(-count).join('\n');
}
