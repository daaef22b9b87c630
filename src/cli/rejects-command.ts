/**
 * `jivs rejects <run>`: the quarantine of a run — rejected rows with their key, values, the rules they
 * failed and why — filtered by table, rule, column or severity, printed or exported as CSV or JSONL.
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Severity } from '../spec/rules-schema.ts';
import { describeReason } from '../state/run-types.ts';
import { REJECT_EXPORT_COLUMNS, rejectExportRecord } from '../state/reject-export.ts';
import { rejectAsSeen } from '../state/reject-visibility.ts';
import type { RejectFilter, StoredReject } from '../state/quarantine-store.ts';
import type { StateStore } from '../state/state-store.ts';
import { toJson } from '../core/json-values.ts';
import { printJson, type GlobalOptions } from './cli-context.ts';
import { openExistingStore } from './open-existing-store.ts';

export interface RejectsOptions extends GlobalOptions {
  table?: string;
  rule?: string;
  column?: string;
  severity?: Severity;
  limit?: number;
  export?: 'csv' | 'jsonl';
  output?: string;
  json?: boolean;
}

/** Every matching reject, one at a time; the CLI's user owns the store and sees what it keeps raw. */
async function* allRejects(
  store: StateStore,
  runId: string,
  filter: RejectFilter,
): AsyncGenerator<StoredReject> {
  for await (const page of store.quarantine.pages(runId, filter)) {
    for (const reject of page) yield rejectAsSeen(reject, true);
  }
}

async function exportRejects(
  rows: AsyncGenerator<StoredReject>,
  format: 'csv' | 'jsonl',
  output: NodeJS.WritableStream,
): Promise<number> {
  let count = 0;
  if (format === 'jsonl') {
    for await (const r of rows) {
      const { id: _id, ...row } = r;
      if (!output.write(`${toJson(row)}\n`)) await new Promise((resolve) => output.once('drain', resolve));
      count++;
    }
    return count;
  }
  const csv = stringify({ header: true, columns: REJECT_EXPORT_COLUMNS });
  csv.pipe(output, { end: false });
  for await (const r of rows) {
    if (!csv.write(rejectExportRecord(r))) await new Promise((resolve) => csv.once('drain', resolve));
    count++;
  }
  csv.end();
  await finished(csv);
  return count;
}

export async function rejectsCommand(which: string | undefined, options: RejectsOptions): Promise<void> {
  await openExistingStore(options, which, async (store, runId) => {
    const filter: RejectFilter = {
      table: options.table,
      rule: options.rule,
      column: options.column,
      severity: options.severity,
    };
    const total = await store.quarantine.count(runId, filter);
    if (options.export) {
      const file = options.output ? createWriteStream(options.output) : process.stdout;
      const count = await exportRejects(allRejects(store, runId, filter), options.export, file);
      if (options.output) {
        (file as ReturnType<typeof createWriteStream>).end();
        await finished(file as ReturnType<typeof createWriteStream>);
        process.stderr.write(`wrote ${count} rejected row(s) to ${options.output}\n`);
      }
      return;
    }
    const limit = options.limit ?? 50;
    const rows = (await store.quarantine.list(runId, { ...filter, limit })).map((r) => rejectAsSeen(r, true));
    if (options.json) return printJson({ total, rows: rows.map(({ id: _id, ...row }) => row) });
    if (total === 0) {
      process.stdout.write(`No rejected rows${filterText(filter)} in run ${runId}.\n`);
      return;
    }
    const out = [
      `${total} rejected row(s)${filterText(filter)} in run ${runId}${total > rows.length ? `, the first ${rows.length}` : ''}:`,
    ];
    for (const r of rows) {
      out.push('', `${r.table} ${r.key} (partition ${r.partition + 1})`);
      for (const reason of r.reasons)
        out.push(`  ✗ [${reason.severity}] ${reason.rule}: ${describeReason(reason)}`);
      out.push(`  values: ${toJson(r.values)}`);
    }
    if (total > rows.length) out.push('', `More: --limit ${total}, or --export csv|jsonl --output <file>.`);
    process.stdout.write(`${out.join('\n')}\n`);
  });
}

function filterText(filter: RejectFilter): string {
  const parts = Object.entries(filter)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${v}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
