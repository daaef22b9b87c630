/** `jivs migrate <spec>`: runs a migration and prints its report. */
import { runMigration } from '../engine/orchestrator.ts';
import type { RunReport } from '../engine/report.ts';
import type { RunObserver } from '../engine/run-observer.ts';
import { loadSpec } from '../spec/load-spec.ts';
import { printJson, withStore, type GlobalOptions } from './cli-context.ts';
import { EXIT_MIGRATION_FAILED, EXIT_SUCCESS } from './exit-codes.ts';
import { formatReport } from './format-report.ts';
import { barProgress, plainProgress } from './progress-display.ts';

export interface MigrateOptions extends GlobalOptions {
  json?: boolean;
  quiet?: boolean;
}

/** Chooses how progress is shown: bars on a terminal, lines otherwise, nothing for --json/--quiet. */
export function progressFor(options: MigrateOptions): RunObserver & { stop?(): void } {
  if (options.json || options.quiet) return {};
  return process.stderr.isTTY ? barProgress() : plainProgress();
}

/** Runs a spec file and prints the report; returns the exit code. */
export async function migrateSpecFile(
  file: string,
  options: MigrateOptions,
): Promise<{ code: number; report: RunReport }> {
  const loaded = await loadSpec(file);
  const observer = progressFor(options);
  const abort = new AbortController();
  const stop = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const report = await withStore(options, (store) =>
      runMigration(loaded, { store, observer, signal: abort.signal }),
    );
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
