/**
 * Starts the process of a run (run-child.ts) the same way from the sources under tsx and from the
 * compiled dist: the script sits next to this module with the same extension, and the child gets this
 * process's loader flags (`--import tsx`), but none of its test-runner or debugger flags. Its
 * environment is the caller's to give (child-env.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The runner script beside this module: `.ts` under tsx, `.js` in dist. */
export const RUNNER_PATH = fileURLToPath(
  new URL(`./run-child${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

function childExecArgv(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (/^--(test|watch|inspect|debug|eval|print|input-type|experimental-test)/.test(arg) || arg === '-e') {
      // Flags with a separate value take it along.
      if (!arg.includes('=') && /^--(test-reporter|test-name-pattern|inspect-port|eval|print)$/.test(arg))
        i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

/** Forks a run's process with exactly `env` (see child-env.ts) as its environment. */
export function forkRunner(env: NodeJS.ProcessEnv, script = RUNNER_PATH): ChildProcess {
  return fork(script, [], {
    execArgv: childExecArgv(),
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Structured clone: plans and reports may hold bigint values.
    serialization: 'advanced',
  });
}
