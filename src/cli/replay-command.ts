/** `jivs replay <run>`: re-runs a run's rejected rows with the spec as it is now, and prints what moved. */
import { replayRejects } from '../engine/replay.ts';
import { loadSpec } from '../plan/load-spec.ts';
import { printJson, type GlobalOptions } from './cli-context.ts';
import { EXIT_SUCCESS } from './exit-codes.ts';
import { formatTable } from './format-table.ts';
import { openExistingStore } from './open-existing-store.ts';

export interface ReplayOptions extends GlobalOptions {
  /** The spec to replay with; default: the run's own spec file. */
  spec?: string;
  json?: boolean;
}

export async function replayCommand(which: string | undefined, options: ReplayOptions): Promise<number> {
  return openExistingStore(options, which, async (store, runId) => {
    const run = (await store.getRun(runId))!;
    const loaded = await loadSpec(options.spec ?? run.specFile);
    const result = await replayRejects(runId, loaded, store);
    if (options.json) {
      printJson({ runId, tables: result.tables, totals: result.report.totals });
      return EXIT_SUCCESS;
    }
    const out = [`Replayed the rejected rows of run ${runId} with ${loaded.file}`, ''];
    out.push(
      formatTable(
        ['table', 'replayed', 'loaded now', 'filtered now', 'still rejected'],
        result.tables.map((t) => [t.table, t.replayed, t.loaded, t.filtered, t.stillRejected]),
      ),
    );
    const left = result.tables.reduce((n, t) => n + t.stillRejected, 0);
    out.push(
      '',
      left ? `${left} row(s) are still rejected: jivs rejects ${runId}` : 'No rejected rows are left.',
    );
    process.stdout.write(`${out.join('\n')}\n`);
    return EXIT_SUCCESS;
  });
}
