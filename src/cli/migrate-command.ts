/** `jivs migrate <spec>` and `jivs resume <run>`: run (or continue) a migration and print its report. */
import { createInterface } from 'node:readline/promises';
import { resumeMigration, runMigration } from '../engine/orchestrator.ts';
import { specHash } from '../engine/spec-hash.ts';
import type { RunReport } from '../engine/report.ts';
import { ownerMayBeAlive } from '../engine/run-owner.ts';
import type { RunObserver } from '../engine/run-observer.ts';
import { loadSpec, type LoadedSpec } from '../plan/load-spec.ts';
import type { RunRecord } from '../state/run-types.ts';
import type { StateStore } from '../state/state-store.ts';
import { printJson, withStore, type GlobalOptions } from './cli-context.ts';
import { EXIT_MIGRATION_FAILED, EXIT_SUCCESS } from './exit-codes.ts';
import { formatReport } from './format-report.ts';
import { openExistingStore } from './open-existing-store.ts';
import { barProgress, plainProgress } from './progress-display.ts';

export interface MigrateOptions extends GlobalOptions {
  json?: boolean;
  quiet?: boolean;
  /** Continue the newest unfinished run of the same spec instead of starting a new one. */
  resume?: boolean;
}

export interface ResumeCommandOptions extends GlobalOptions {
  json?: boolean;
  quiet?: boolean;
  /** A spec file to use instead of the run's own (it must have the same content). */
  spec?: string;
  force?: boolean;
}

/**
 * Chooses how progress is shown: bars on a terminal, lines otherwise; for --json/--quiet only the
 * warnings (retries after faults among them), which go to stderr whatever the mode.
 */
export function progressFor(options: { json?: boolean; quiet?: boolean }): RunObserver & { stop?(): void } {
  if (options.json || options.quiet)
    return { warning: (message) => process.stderr.write(`warning: ${message}\n`) };
  return process.stderr.isTTY ? barProgress() : plainProgress();
}

/**
 * Runs `execute` with progress output and Ctrl-C / SIGTERM wired to a stop at the next batch boundary
 * (the run is then paused and resumable), prints the report and returns the exit code.
 */
async function runWithProgress(
  options: { json?: boolean; quiet?: boolean },
  execute: (observer: RunObserver, signal: AbortSignal) => Promise<RunReport>,
): Promise<{ code: number; report: RunReport }> {
  const observer = progressFor(options);
  const abort = new AbortController();
  const stop = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const report = await execute(observer, abort.signal);
    observer.stop?.();
    if (options.json) printJson(report);
    else process.stdout.write(`\n${formatReport(report)}\n`);
    return { code: report.status === 'succeeded' ? EXIT_SUCCESS : EXIT_MIGRATION_FAILED, report };
  } finally {
    observer.stop?.();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** Runs a spec file and prints the report; returns the exit code. */
export async function migrateSpecFile(
  file: string,
  options: MigrateOptions,
): Promise<{ code: number; report: RunReport }> {
  const loaded = await loadSpec(file);
  return withStore(options, async (store) => {
    const unfinished = await resumableRun(store, loaded);
    if (unfinished && (options.resume || (await userWantsResume(unfinished, options)))) {
      process.stderr.write(`resuming run ${unfinished.id}\n`);
      return runWithProgress(options, (observer, signal) =>
        resumeMigration(unfinished.id, { store, observer, signal, spec: loaded }),
      );
    }
    if (options.resume)
      process.stderr.write('no unfinished run of this spec to resume; starting a new run\n');
    return runWithProgress(options, (observer, signal) => runMigration(loaded, { store, observer, signal }));
  });
}

/** `jivs resume <run>`. */
export async function resumeRun(runId: string, options: ResumeCommandOptions): Promise<number> {
  return openExistingStore(options, runId, async (store) => {
    const spec = options.spec === undefined ? undefined : await loadSpec(options.spec);
    const { code } = await runWithProgress(options, (observer, signal) =>
      resumeMigration(runId, { store, observer, signal, spec, force: options.force }),
    );
    return code;
  });
}

/** The newest run of this spec that did not finish and is not running elsewhere, if any. */
async function resumableRun(store: StateStore, loaded: LoadedSpec): Promise<RunRecord | undefined> {
  const run = await store.latestUnfinishedRun(specHash(loaded.spec));
  if (!run) return undefined;
  if (run.status === 'running' && ownerMayBeAlive(run.owner)) {
    process.stderr.write(`note: run ${run.id} of this spec is running in process ${run.owner}\n`);
    return undefined;
  }
  const report = (await store.getRun(run.id))?.report as RunReport | null;
  return report?.rolledBack ? undefined : run;
}

/** Asks on a terminal; elsewhere says how to resume and starts a new run. */
async function userWantsResume(run: RunRecord, options: MigrateOptions): Promise<boolean> {
  const state = run.status === 'running' ? 'was interrupted' : `is ${run.status}`;
  if (!process.stdin.isTTY || !process.stderr.isTTY || options.json) {
    process.stderr.write(
      `note: run ${run.id} of this spec ${state}; \`jivs migrate --resume\` or \`jivs resume ${run.id}\` continues it. Starting a new run.\n`,
    );
    return false;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`Run ${run.id} of this spec ${state}. Resume it? [Y/n] `);
    return !/^n/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
