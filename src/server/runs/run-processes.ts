/**
 * The child processes the service runs its jobs in (run-child.ts): each one started with only the
 * allowed environment, its output logged line by line, and all of them waited for (or killed after a
 * grace period) when the service stops.
 */
import type { ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { ApiError, badRequest } from '../http-errors.ts';
import { childEnvironment } from './child-env.ts';
import { forkRunner } from './fork-child.ts';
import type { ChildFailure, ChildJob, ChildMessage, ParentMessage } from './ipc-messages.ts';

/**
 * The niceness of a job's process (and the partition threads it starts): a run may use every core, and the
 * service's own requests (status, events, other users) still come first.
 */
const JOB_NICENESS = 10;

export class RunProcesses {
  private readonly children = new Set<ChildProcess>();

  /** @param envAllow the variables a job's process may see (all the environment it gets). */
  constructor(private readonly envAllow: readonly string[]) {}

  /** Starts a child for `job`, wiring its output to the log and its messages to `onMessage`. */
  spawn(job: ChildJob, log: () => Logger, onMessage: (m: ChildMessage) => void): ChildProcess {
    const child = forkRunner(childEnvironment(process.env, this.envAllow));
    try {
      setPriority(child.pid!, JOB_NICENESS);
    } catch {
      // Not permitted here (or the process is already gone): it runs at the service's priority.
    }
    this.children.add(child);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => log().warn({ stream: 'child' }, line));
    }
    child.on('message', onMessage);
    child.once('exit', () => this.children.delete(child));
    child.send({ type: 'start', job } satisfies ParentMessage);
    return child;
  }

  /** Plans in a child process (Planning may read the whole source catalogue); resolves with the plan. */
  plan(job: ChildJob & { kind: 'plan' }, log: () => Logger): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let plan: unknown;
      let failure: ChildFailure | null = null;
      const child = this.spawn(job, log, (message) => {
        if (message.type === 'plan') plan = message.plan;
        if (message.type === 'failed') failure = message.failure;
      });
      child.once('exit', (code, signal) => {
        if (plan !== undefined) return resolve(plan);
        const f = failure as ChildFailure | null;
        if (f?.input) reject(badRequest('the migration does not fit its source', inBody(f.problems)));
        else
          reject(
            new ApiError(422, `planning failed: ${f?.message ?? `its process ended (${signal ?? code})`}`),
          );
      });
    });
  }

  /** Resolves once every child has ended; those still running after `graceMs` are killed. */
  async allEnded(graceMs: number): Promise<void> {
    const exits = [...this.children].map(
      (child) =>
        new Promise<void>((resolve) =>
          child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
        ),
    );
    const timer = setTimeout(() => this.children.forEach((c) => c.kill('SIGKILL')), graceMs);
    await Promise.all(exits);
    clearTimeout(timer);
  }
}

/** Spec problems as the request names them: inside `spec`. */
export function inBody(problems: { path: string; message: string }[]) {
  return problems.map((p) => ({ ...p, path: p.path ? `spec.${p.path}` : 'spec' }));
}
