#!/usr/bin/env node
/** The `jivs` command line. Exit codes: 0 success, 1 migration failed, 2 bad input. */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { InputError, MigrationFailedError, formatProblem } from '../core/errors.ts';
import { cliHint } from './next-step-hint.ts';
import type { GlobalOptions } from './cli-context.ts';
import type { RejectsOptions } from './rejects-command.ts';
import { EXIT_BAD_INPUT, EXIT_MIGRATION_FAILED, EXIT_SUCCESS } from './exit-codes.ts';

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number.');
  return n;
}

/** What the commands tell {@link runCli} about themselves. */
interface CliOutcome {
  exitCode: number;
  /** The command moves data (migrate, demo), so bad input means "nothing was migrated". */
  movesData: boolean;
}

/**
 * Each command loads its modules when it runs: the engine, the store and the spec schema take ~1 s to
 * load, which `jivs --help`, `--version` and usage errors need not pay.
 */
function buildProgram(outcome: CliOutcome): Command {
  const setExitCode = (code: number) => (outcome.exitCode = code);
  const program = new Command('jivs')
    .description('JiVS Migrate: declarative, streaming, verifiable data migrations')
    .version('0.1.0')
    .addOption(
      new Option(
        '--state <file>',
        'control-plane store file (default: $JIVS_STATE or .jivs/state.db); $JIVS_DATABASE_URL (postgres://…) puts it in PostgreSQL instead',
      ),
    )
    .showHelpAfterError('(run `jivs --help` for usage)')
    .exitOverride();
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();

  program
    .command('migrate')
    .description('run the migration a spec describes')
    .argument('<spec>', 'migration spec (YAML or JSON)')
    .option('--json', 'print the run report as JSON on stdout, no progress')
    .option('-q, --quiet', 'no progress output')
    .option('--resume', 'continue the newest unfinished run of this spec instead of starting a new one')
    .action(async (spec: string, options: { json?: boolean; quiet?: boolean; resume?: boolean }) => {
      outcome.movesData = true;
      const { migrateSpecFile } = await import('./migrate-command.ts');
      const { code } = await migrateSpecFile(spec, { ...globals(), ...options });
      setExitCode(code);
    });

  program
    .command('resume')
    .description('continue a crashed, paused or failed run from its checkpoints')
    .argument('<run>', 'run id')
    .option('--spec <file>', "spec file to use (default: the run's spec file; its content must be unchanged)")
    .option('--force', "resume although the run's process seems to be alive")
    .option('--json', 'print the run report as JSON on stdout, no progress')
    .option('-q, --quiet', 'no progress output')
    .action(
      async (run: string, options: { spec?: string; force?: boolean; json?: boolean; quiet?: boolean }) => {
        outcome.movesData = true;
        const { resumeRun } = await import('./migrate-command.ts');
        setExitCode(await resumeRun(run, { ...globals(), ...options }));
      },
    );

  program
    .command('pause')
    .description('stop a running run at its next batch boundary; `jivs resume` continues it')
    .argument('<run>', 'run id')
    .option('--wait <seconds>', 'how long to wait for the run to stop (0: do not wait)', positiveInteger, 60)
    .action(async (run: string, options: { wait: number }) => {
      const { pauseCommand } = await import('./pause-command.ts');
      setExitCode(await pauseCommand(run, { ...globals(), ...options }));
    });

  program
    .command('plan')
    .description('dry run: show tables, load order, type mapping and partitions; moves no data')
    .argument('<spec>', 'migration spec (YAML or JSON)')
    .option('--json', 'print the plan as JSON')
    .option('--ddl', 'print the DDL the target will receive (tables, keys, indexes, foreign keys, triggers)')
    .action(async (spec: string, options: { json?: boolean; ddl?: boolean }) => {
      const { planCommand } = await import('./plan-command.ts');
      await planCommand(spec, options);
    });

  program
    .command('status')
    .description('list recent runs, or show one run')
    .argument('[run]', 'run id')
    .option('--json', 'print as JSON')
    .option(
      '--rejects <n>',
      'also list the first n rejected rows (of the latest run without [run])',
      positiveInteger,
    )
    .action(async (run: string | undefined, options: { json?: boolean; rejects?: number }) => {
      const { statusCommand } = await import('./status-command.ts');
      await statusCommand(run, { ...globals(), ...options });
    });

  program
    .command('rejects')
    .description("list a run's rejected rows with the rules they failed, or export them")
    .argument('[run]', 'run id (default: the latest run)')
    .option('--table <name>', 'only rows of this target table')
    .option('--rule <name>', 'only rows that failed this rule (as the report names it)')
    .option('--column <name>', 'only rows with a failure on this target column')
    .addOption(
      new Option('--severity <level>', 'only rows with a failure of this severity').choices([
        'critical',
        'major',
        'minor',
        'warning',
      ]),
    )
    .option('--limit <n>', 'rows to print (default 50)', positiveInteger)
    .addOption(new Option('--export <format>', 'write every matching row').choices(['csv', 'jsonl']))
    .option('-o, --output <file>', 'file for --export (default: stdout)')
    .option('--json', 'print as JSON')
    .action(async (run: string | undefined, options: Omit<RejectsOptions, 'state'>) => {
      const { rejectsCommand } = await import('./rejects-command.ts');
      await rejectsCommand(run, { ...globals(), ...options });
    });

  program
    .command('replay')
    .description("re-run a run's rejected rows after fixing the spec; rows that pass are loaded")
    .argument('[run]', 'run id (default: the latest run)')
    .option('--spec <file>', "spec to replay with (default: the run's spec file)")
    .option('--json', 'print the outcome as JSON')
    .action(async (run: string | undefined, options: { spec?: string; json?: boolean }) => {
      outcome.movesData = true;
      const { replayCommand } = await import('./replay-command.ts');
      setExitCode(await replayCommand(run, { ...globals(), ...options }));
    });

  program
    .command('verify')
    .description(
      "compare the target's content with what the spec loads from its source; lists the differing keys",
    )
    .argument('<spec>', 'migration spec (YAML or JSON)')
    .option('--run <id>', 'leave out the rows this run rejected (they are not meant to be in the target)')
    .option('--tables <names>', 'only these tables (comma-separated)')
    .option('--json', 'print the comparison as JSON')
    .action(async (spec: string, options: { run?: string; tables?: string; json?: boolean }) => {
      const { verifyCommand } = await import('./verify-command.ts');
      setExitCode(await verifyCommand(spec, { ...globals(), ...options }));
    });

  program
    .command('serve')
    .description('run the HTTP service: REST API, live progress, metrics (settings from JIVS_* variables)')
    .option('--port <n>', 'port to listen on (default: $JIVS_PORT or 8080)', positiveInteger)
    .option('--host <address>', 'address to listen on (default: $JIVS_HOST or 127.0.0.1)')
    .action(async (options: { port?: number; host?: string }) => {
      const { serveCommand } = await import('./serve-command.ts');
      setExitCode(await serveCommand({ ...globals(), ...options }));
    });

  program
    .command('user')
    .description("manage the service's users")
    .command('add')
    .description('add a user; the password comes from a prompt or --password-stdin')
    .argument('<name>', 'user name')
    .addOption(
      new Option('--role <role>', 'what the user may do')
        .choices(['admin', 'engineer', 'viewer', 'auditor'])
        .makeOptionMandatory(),
    )
    .option('--password-stdin', 'read the password from stdin instead of asking')
    .action(
      async (
        name: string,
        options: { role: 'admin' | 'engineer' | 'viewer' | 'auditor'; passwordStdin?: boolean },
      ) => {
        const { userAddCommand } = await import('./user-command.ts');
        setExitCode(await userAddCommand(name, { ...globals(), ...options }));
      },
    );

  program
    .command('schema')
    .description('print the JSON Schema of migration specs (for editors: jivs schema > jivs.schema.json)')
    .action(async () => {
      const { MIGRATION_SPEC_JSON_SCHEMA } = await import('../spec/published-schema.ts');
      const { printJson } = await import('./cli-context.ts');
      printJson(MIGRATION_SPEC_JSON_SCHEMA);
    });

  program
    .command('demo')
    .description('generate a legacy ERP database in SQLite and migrate it into an embedded SQLite target')
    .option('--rows <n>', 'rows to generate, in total', positiveInteger, 100_000)
    .option('--dir <dir>', 'where to put the demo files', 'jivs-demo')
    .option('--seed <n>', 'random seed of the generated data', positiveInteger, 42)
    .option('--json', 'print the run report as JSON on stdout, no progress')
    .option('-q, --quiet', 'no progress output')
    .action(async (options: { rows: number; dir: string; seed: number; json?: boolean; quiet?: boolean }) => {
      outcome.movesData = true;
      // The generator's fake-data library also costs ~40 MB that other commands need not pay.
      const { demoCommand } = await import('./demo-command.ts');
      setExitCode(await demoCommand({ ...globals(), ...options }));
    });

  return program;
}

/** Runs the CLI with `argv` and returns the exit code (never exits the process itself). */
export async function runCli(argv: string[]): Promise<number> {
  const outcome: CliOutcome = { exitCode: EXIT_SUCCESS, movesData: false };
  const program = buildProgram(outcome);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return outcome.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; every other commander error is a usage error.
      return error.exitCode === 0 ? EXIT_SUCCESS : EXIT_BAD_INPUT;
    }
    if (error instanceof InputError) {
      const consequence = outcome.movesData ? 'nothing was migrated; ' : '';
      process.stderr.write(`error: ${consequence}fix the input and run again:\n`);
      for (const problem of error.problems) process.stderr.write(`  ${formatProblem(problem)}\n`);
      if (error.nextStep) process.stderr.write(`  ${cliHint(error.nextStep, error.runId)}\n`);
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`error: ${(error as Error).message ?? String(error)}\n`);
    if (error instanceof MigrationFailedError && error.nextStep)
      process.stderr.write(`  ${cliHint(error.nextStep, error.runId)}\n`);
    return EXIT_MIGRATION_FAILED;
  }
}

process.exitCode = await runCli(process.argv.slice(2));
