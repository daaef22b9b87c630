/**
 * `jivs verify <spec>`: compares the content of the spec's target with what the spec would load from
 * its source, and lists the rows that differ. Exit code 0 when everything matches, 1 when a difference
 * is found, 2 on bad input.
 */
import { loadSpec } from '../plan/load-spec.ts';
import type { StateStore } from '../state/state-store.ts';
import type { ChangedColumn } from '../verify/difference-list.ts';
import { verifySpec, type SpecVerification } from '../engine/verify-spec.ts';
import { printJson, type GlobalOptions } from './cli-context.ts';
import { EXIT_MIGRATION_FAILED, EXIT_SUCCESS } from './exit-codes.ts';
import { describeReplacedValues } from './format-report.ts';
import { formatTable } from './format-table.ts';
import { openExistingStore } from './open-existing-store.ts';

/** The options of `jivs verify`. */
export interface VerifyOptions extends GlobalOptions {
  /** Leave out the rows this run rejected (they are not meant to be in the target). */
  run?: string;
  json?: boolean;
  /** Comma-separated table names; default: every table of the spec. */
  tables?: string;
}

/** Differences printed per table in the text output (the JSON lists up to 100). */
const PRINTED_DIFFERENCES = 20;

/** The rejected keys of `runId`, one set per table, read once per table from the quarantine. */
function rejectedKeys(store: StateStore, runId: string): (table: string) => Promise<Set<string>> {
  return async (table) => {
    const keys = new Set<string>();
    for await (const page of store.quarantine.pages(runId, { table }))
      for (const row of page) keys.add(row.key);
    return keys;
  };
}

/** The text output of `jivs verify`: a table per table, then the differing keys. */
export function formatVerification(result: SpecVerification, runId: string | undefined): string {
  const out = [`Content of ${result.target} compared with ${result.source}`];
  if (runId) out.push(`(rows rejected by run ${runId} left out)`);
  out.push('');
  out.push(
    formatTable(
      ['table', 'meant rows', 'target rows', 'ranges', 'differing', 'differences'],
      result.tables.map((t) =>
        t.skipped
          ? [t.table, '', '', '', '', 'skipped']
          : [t.table, t.meantRows, t.targetRows, t.ranges, t.rangesDiffering, t.differencesTotal],
      ),
    ),
  );
  for (const table of result.tables) {
    if (table.skipped) {
      out.push('', `${table.table}: not compared: ${table.skipped}`);
      continue;
    }
    for (const note of table.notes) out.push('', `${table.table}: note: ${note}`);
    if (table.replacedValues)
      out.push('', `${table.table}: note: ${describeReplacedValues(table.replacedValues)}`);
    if (!table.differencesTotal) continue;
    out.push('', `${table.table}: ${table.differencesTotal} row(s) differ`);
    const shown = table.differences.slice(0, PRINTED_DIFFERENCES);
    for (const difference of shown) {
      out.push(`  ${difference.kind.padEnd(7)}  ${difference.key}`);
      for (const change of difference.columns ?? []) out.push(`             ${describeChange(change)}`);
    }
    const unlisted = table.differencesTotal - shown.length;
    if (unlisted > 0) {
      out.push(
        `  … and ${unlisted} more${table.differences.length > shown.length ? ' (--json lists up to 100)' : ''}`,
      );
    }
  }
  out.push('', result.matches ? 'The target holds what the spec means to load.' : 'Differences found.');
  return out.join('\n');
}

/** `amount: meant "12.5", target "12.25"`, or the column alone where values are not shown (personal data). */
function describeChange(change: ChangedColumn): string {
  if (!('meant' in change)) return `${change.column}: differs (personal or masked: values not shown)`;
  const show = (value: string | null | undefined) => (value === null ? 'NULL' : JSON.stringify(value));
  return `${change.column}: meant ${show(change.meant)}, target ${show(change.target)}`;
}

/** Runs `jivs verify <file>` and returns its exit code. */
export async function verifyCommand(file: string, options: VerifyOptions): Promise<number> {
  const loaded = await loadSpec(file);
  const tables = options.tables
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const verify = (excludedKeys?: (table: string) => Promise<Set<string>>) =>
    verifySpec(loaded, { tables, excludedKeys });
  const result = options.run
    ? await openExistingStore(options, options.run, (store) => verify(rejectedKeys(store, options.run!)))
    : await verify();
  if (options.json) printJson({ runId: options.run ?? null, ...result });
  else process.stdout.write(`${formatVerification(result, options.run)}\n`);
  return result.matches ? EXIT_SUCCESS : EXIT_MIGRATION_FAILED;
}
