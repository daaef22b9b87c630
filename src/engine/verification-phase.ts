/**
 * Phase 6, Verification: proves what landed. Per table: the accounting balances, the target holds
 * exactly the rows it held before plus the rows loaded, the source still holds as many rows as were
 * extracted (loaded + rejected + filtered), the content of what landed equals what the run meant to
 * load (a hash per key range, differing ranges narrowed down to the keys), and (where the target can
 * tell) no row points at a missing parent.
 */
import type { Sink, Source } from '../connectors/connector.ts';
import type { CompiledTable } from './compile-programs.ts';
import { openSource } from '../plan/open-connectors.ts';
import type { LoadedSpec } from '../plan/load-spec.ts';
import type { RunStore } from '../state/run-store.ts';
import type { RowCounts } from '../state/run-types.ts';
import { ContentDigest } from '../verify/content-digest.ts';
import { verifyTableContent, type ContentVerification } from '../verify/verify-table-content.ts';
import { meantRowReader } from './meant-rows.ts';
import { describeCounts, isBalanced } from './accounting.ts';
import { partitionName } from './checkpoints.ts';
import { closeConnections } from './cleanup.ts';
import type { MigrationPlan, TablePlan } from '../plan/plan-types.ts';
import type { RunState } from './run-state.ts';

export interface TableVerification {
  table: string;
  /** Rows the target held before the load (append mode). */
  rowsBefore: number;
  /** Rows the target holds now. */
  targetRows: number;
  accountingBalanced: boolean;
  countsMatch: boolean;
  /** Rows the source holds now (counted again), or null when not counted. */
  sourceRows?: number | null;
  /** Rows referencing a missing parent row; null when the target cannot tell. */
  foreignKeyViolations: number | null;
  /** The content comparison, or null when it was not made. */
  content?: ContentVerification | null;
  /** Human-readable findings; empty when the table verified. */
  problems: string[];
}

/** What Verification found beyond the counts, when it looked. */
export interface DeeperFindings {
  sourceRows?: number | null;
  content?: ContentVerification | null;
}

/** Verifies one table against the counts the pipeline recorded for it (and the deeper findings). */
export async function verifyTable(
  sink: Sink,
  plan: TablePlan,
  counts: RowCounts,
  rowsBefore: number,
  deeper: DeeperFindings = {},
): Promise<TableVerification> {
  const table = plan.target.name;
  const targetRows = await sink.countRows(table);
  const accountingBalanced = isBalanced(counts);
  const countsMatch = targetRows === rowsBefore + counts.loaded;
  const foreignKeyViolations = sink.foreignKeyViolations
    ? await sink.foreignKeyViolations(plan.target)
    : null;
  const problems: string[] = [];
  if (!accountingBalanced) problems.push(`accounting does not balance: ${describeCounts(counts)}`);
  if (!countsMatch) {
    problems.push(
      `target holds ${targetRows} rows, expected ${rowsBefore + counts.loaded} (${rowsBefore} before + ${counts.loaded} loaded)`,
    );
  }
  const { sourceRows = null, content = null } = deeper;
  if (sourceRows !== null && sourceRows !== counts.extracted) {
    problems.push(
      `the source holds ${sourceRows} rows now but ${counts.extracted} were extracted (= loaded ${counts.loaded} + rejected ${counts.rejected} + filtered ${counts.filtered}); did rows change during the run?`,
    );
  }
  if (content && content.differencesTotal > 0) problems.push(describeDifferences(content));
  return {
    table,
    rowsBefore,
    targetRows,
    accountingBalanced,
    countsMatch,
    sourceRows,
    foreignKeyViolations,
    content,
    problems,
  };
}

function describeDifferences(content: ContentVerification): string {
  const listed = content.differences
    .slice(0, 10)
    .map((d) => `${d.kind} ${d.key}`)
    .join(', ');
  const more = content.differencesTotal > 10 ? ` and ${content.differencesTotal - 10} more` : '';
  return `${content.differencesTotal} row(s) differ between what the run loaded and what the target holds: ${listed}${more}`;
}

/** What verifying the tables of a run needs. */
export interface VerificationJob {
  runId: string;
  loaded: LoadedSpec;
  plan: MigrationPlan;
  source: Source;
  sink: Sink;
  store: RunStore;
  state: RunState;
  onWarning(message: string): void;
}

/** Verifies every table of the plan, as the spec's `verify` settings ask. */
export async function verifyTables(job: VerificationJob): Promise<TableVerification[]> {
  const { plan, state, sink, source, loaded } = job;
  const { verify } = loaded.spec;
  const target = verify.content ? await openSource(loaded.spec.target, loaded.files, 'target') : null;
  try {
    const verifications: TableVerification[] = [];
    for (const table of plan.tables) {
      const name = table.target.name;
      const counts = state.countsOf(name);
      // The source recount runs on the source server while the target is read back and hashed.
      const [sourceRows, content] = await Promise.all([
        verify.sourceCounts ? countSourceRows(source, table) : null,
        target ? verifyContent(job, table, target) : null,
      ]);
      if (content?.skipped) job.onWarning(`${name}: content not verified: ${content.skipped}`);
      const verification = await verifyTable(sink, table, counts, state.rowsBefore.get(name) ?? 0, {
        sourceRows,
        content,
      });
      if (verification.foreignKeyViolations) {
        job.onWarning(
          `${name}: ${verification.foreignKeyViolations} row(s) reference a missing parent row (foreign key check).`,
        );
      }
      verifications.push(verification);
    }
    return verifications;
  } finally {
    await closeConnections(target ?? undefined);
  }
}

/** The rows the source holds now in the table's partitions, counted on the server, all at once. */
async function countSourceRows(source: Source, table: TablePlan): Promise<number> {
  const counts = await Promise.all(table.partitions.map((p) => source.countRows(table.source, p.bounds)));
  return counts.reduce((sum, n) => sum + n, 0);
}

async function verifyContent(
  job: VerificationJob,
  table: TablePlan,
  target: Source,
): Promise<ContentVerification> {
  const { state, store, runId } = job;
  const name = table.target.name;
  const excluded = new Set<string>();
  if (state.countsOf(name).rejected > 0) {
    for await (const page of store.quarantine.pages(runId, { table: name }))
      for (const row of page) excluded.add(row.key);
  }
  const expected = table.partitions.map((p) => {
    const digest = state.partitions.get(partitionName(name, p.index))?.digest;
    return digest ? new ContentDigest(digest) : null;
  });
  const compiled = state.compiled.get(name)!;
  return verifyTableContent({
    plan: table,
    meantRows: () =>
      meantRowReader({
        plan: table,
        compiled,
        source: job.source,
        isExcluded: (key) => excluded.has(key),
        batchSize: state.spec.batchSize,
      }),
    target,
    expected,
    batchSize: state.spec.batchSize,
    replacedValues: replacedValuesOf(compiled),
  });
}

/** Values the run replaced for invalid text (`invalidText: replace | null`), from its quality tally. */
function replacedValuesOf({ program, tally }: CompiledTable): number {
  if (!program.invalidText) return 0;
  const { rules } = tally.report();
  return program.invalidText.reduce((sum, rule) => sum + rules[rule]!.failed, 0);
}
