/**
 * Starts the process of a run (run-child.ts) the same way from the sources under tsx and from the
 * compiled dist: the script sits next to this module with the same extension, and the child gets this
 * process's loader flags (`--import tsx`), but none of its test-runner or debugger flags.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The runner script beside this module: `.ts` under tsx, `.js` in dist. */
export const RUNNER_PATH = fileURLToPath(
  new URL(`./run-child${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

/**
 * Variables a run's process must not see: the service's own secrets. A spec could otherwise refer to
 * them (`${ENV:JIVS_JWT_SECRET}` as a file path) and have an error message print them.
 */
const SCRUBBED = [
  'JIVS_JWT_SECRET',
  'JIVS_SECRET_KEY',
  'JIVS_ADMIN_PASSWORD',
  'JIVS_METRICS_TOKEN',
  'JIVS_DATABASE_URL',
  'NODE_TEST_CONTEXT',
];

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

export function forkRunner(script = RUNNER_PATH): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SCRUBBED) delete env[name];
  return fork(script, [], {
    execArgv: childExecArgv(),
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Structured clone: plans and reports may hold bigint values.
    serialization: 'advanced',
  });
}
