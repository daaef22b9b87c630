/** `jivs status [run]`: the recent runs, or one run with its phases, partitions and rejected rows. */
import type { RunReport } from '../engine/report.ts';
import { isInterrupted } from '../engine/run-interruption.ts';
import { ownerMayBeAlive } from '../engine/run-owner.ts';
import { describeReason, type RunRecord } from '../state/run-types.ts';
import { formatReport } from './format-report.ts';
import { formatDuration, formatTable } from './format-table.ts';
import { printJson, withStore, type GlobalOptions } from './cli-context.ts';
import { openExistingStore } from './open-existing-store.ts';
import { stateStoreExists } from './state-path.ts';
import { rejectAsSeen } from '../state/reject-visibility.ts';

const NO_RUNS = 'No runs yet. Start one with `jivs migrate <spec>` or `jivs demo`.\n';

export interface StatusOptions extends GlobalOptions {
  json?: boolean;
  rejects?: number;
}

export async function statusCommand(runId: string | undefined, options: StatusOptions): Promise<void> {
  if (runId !== undefined || options.rejects !== undefined) return showRun(runId, options);
  // Reading must not create a store: without one there are simply no runs.
  if (!stateStoreExists(options.state)) {
    if (options.json) return printJson([]);
    return void process.stdout.write(NO_RUNS);
  }
  await withStore(options, async (store) => {
    const runs = await store.listRuns();
    if (options.json) return printJson(runs);
    if (!runs.length) return void process.stdout.write(NO_RUNS);
    const rows = runs.map((r) => [
      r.id,
      r.specName,
      shownStatus(r),
      r.startedAt,
      r.finishedAt ? formatDuration(Date.parse(r.finishedAt) - Date.parse(r.startedAt)) : '',
    ]);
    process.stdout.write(`${formatTable(['run', 'spec', 'status', 'started', 'took'], rows)}\n`);
  });
}

/** A run whose process or service crashed or was killed shows as interrupted (engine/run-interruption.ts). */
function shownStatus(run: RunRecord): string {
  const status = isInterrupted(run) ? 'interrupted' : run.status;
  return run.attempt > 1 ? `${status} (attempt ${run.attempt})` : status;
}

/** One run (the latest without `which`), with its partitions and, on request, its first rejected rows. */
async function showRun(which: string | undefined, options: StatusOptions): Promise<void> {
  await openExistingStore(options, which, async (store, runId) => {
    const run = (await store.getRun(runId))!;
    const partitions = await store.partitions(runId);
    const stored = options.rejects ? await store.quarantine.list(runId, { limit: options.rejects }) : [];
    const rejects = stored.map((r) => rejectAsSeen(r, true));
    if (options.json) return printJson({ ...run, partitions, rejects });
    const report = run.report as RunReport | null;
    const out: string[] = [];
    if (report) out.push(formatReport(report, isInterrupted(run) ? 'interrupted' : report.status));
    else
      out.push(
        `Run ${run.id} (${run.specName}): ${shownStatus(run).toUpperCase()}, started ${run.startedAt}`,
      );
    if (
      run.status !== 'succeeded' &&
      !report?.rolledBack &&
      !(run.status === 'running' && ownerMayBeAlive(run.owner))
    ) {
      out.push('', `Resumable: \`jivs resume ${run.id}\` continues it from its checkpoints.`);
    }
    out.push('', 'Partitions');
    out.push(
      formatTable(
        ['table', '#', 'status', 'extracted', 'loaded', 'rejected', 'attempt', 'owner'],
        partitions.map((p) => [
          p.table,
          p.index,
          p.status,
          p.extracted,
          p.loaded,
          p.rejected,
          p.attempt ?? '',
          p.owner ?? '',
        ]),
      ),
    );
    if (rejects.length) {
      out.push('', `Rejected rows (first ${rejects.length})`);
      for (const r of rejects) out.push(`  ${r.table} ${r.key}: ${r.reasons.map(describeReason).join('; ')}`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
  });
}
