/**
 * Shows a run's progress: a bar per table on a terminal (rows, rows/s, ETA), plain lines otherwise.
 * Writes to stderr so stdout stays clean for the report or `--json`.
 */
import cliProgress from 'cli-progress';
import type { RunObserver, TableProgress } from '../engine/run-observer.ts';
import { formatDuration } from './format-table.ts';

type Writer = (line: string) => void;

/** Plain lines, one per phase and one per finished partition: for logs and pipes. */
export function plainProgress(write: Writer = (l) => process.stderr.write(`${l}\n`)): RunObserver {
  const lastDone = new Map<string, number>();
  return {
    runStarted: (id) => write(`run ${id} started`),
    planned: (plan) =>
      write(
        `planned ${plan.tables.length} table(s), ${plan.tables.reduce((n, t) => n + t.partitions.length, 0)} partition(s), ~${plan.tables.reduce((n, t) => n + t.estimatedRows, 0).toLocaleString('en-US')} rows`,
      ),
    phaseStarted: (phase) => write(`phase ${phase} started`),
    phaseFinished: (phase, ms) => write(`phase ${phase} finished in ${formatDuration(ms)}`),
    tableProgress: (p: TableProgress) => {
      if (p.partitionsDone <= (lastDone.get(p.table) ?? 0)) return;
      lastDone.set(p.table, p.partitionsDone);
      write(
        `${p.table}: partition ${p.partitionsDone}/${p.partitions} done, extracted ${p.extracted}, loaded ${p.loaded}, rejected ${p.rejected}`,
      );
    },
    warning: (message) => write(`warning: ${message}`),
  };
}

/** A progress bar per table, for an interactive terminal. */
export function barProgress(): RunObserver & { stop(): void } {
  const bars = new cliProgress.MultiBar(
    {
      format:
        ' {table} |{bar}| {percentage}% | {value}/{total} rows | {speed} rows/s | ETA {eta_formatted} | rejected {rejected}',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const byTable = new Map<string, { bar: cliProgress.SingleBar; started: number }>();
  const log = (line: string) => bars.log(`${line}\n`);
  return {
    planned: (plan) => {
      const width = Math.max(...plan.tables.map((t) => t.target.name.length));
      for (const table of plan.tables) {
        const bar = bars.create(Math.max(table.estimatedRows, 1), 0, {
          table: table.target.name.padEnd(width),
          speed: 0,
          rejected: 0,
        });
        byTable.set(table.target.name, { bar, started: 0 });
      }
    },
    phaseFinished: (phase, ms) => log(`${phase} finished in ${formatDuration(ms)}`),
    tableProgress: (p) => {
      const entry = byTable.get(p.table);
      if (!entry) return;
      entry.started ||= performance.now();
      const seconds = (performance.now() - entry.started) / 1000;
      if (p.extracted > entry.bar.getTotal()) entry.bar.setTotal(p.extracted);
      entry.bar.update(p.extracted, {
        speed: seconds > 0.2 ? Math.round(p.extracted / seconds).toLocaleString('en-US') : '-',
        rejected: p.rejected,
      });
      if (p.partitionsDone === p.partitions) entry.bar.setTotal(p.extracted || 1);
    },
    warning: (message) => log(`warning: ${message}`),
    stop: () => bars.stop(),
  };
}
