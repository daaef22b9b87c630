/**
 * `jivs replay <run>`: re-runs only the rejected rows of a run, from the quarantine (masked columns
 * with their raw values from the run's key index), through the transforms and rules of the spec as it
 * is now (after the user fixed a rule or a transform), and loads those that pass into the run's target
 * tables. Their accounting moves from rejected to loaded (or
 * filtered) in the run's stored report and partitions; rows that still fail keep their new reasons.
 * Uniqueness and references are checked against the run's key index, so a replayed row cannot
 * duplicate a row loaded before. Rows the source gave only approximately (see row-defect.ts) stay rejected.
 */
import { existsSync } from 'node:fs';
import type { Row, Sink, Source } from '../connectors/connector.ts';
import { openSink, openSource } from '../plan/open-connectors.ts';
import { markRowDefect } from '../connectors/row-defect.ts';
import { InputError } from '../core/errors.ts';
import { KeyIndex } from '../rules/key-index.ts';
import { removeKeyIndexFiles } from '../rules/key-index-file.ts';
import type { LoadedSpec } from '../plan/load-spec.ts';
import type { RunStore } from '../state/run-store.ts';
import type { RejectReason } from '../state/run-types.ts';
import { addCounts, isBalanced } from './accounting.ts';
import { closeConnections } from './cleanup.ts';
import { compileTablePrograms, maskingSalt, type CompiledTable } from './compile-programs.ts';
import { keyIndexPath } from './orchestrator.ts';
import { guardStateFiles } from './state-files.ts';
import { planWithTarget } from '../plan/plan-with-target.ts';
import type { TablePlan } from '../plan/plan-types.ts';
import { allVerified, RejectReasonTally, type RunReport } from './report.ts';
import { verifyTable } from './verification-phase.ts';
import { compileTransform } from './transform.ts';
import { compileValidator } from './validate.ts';
import { claimLoadedKeys, needsLoadedKeys } from './replay-unique-keys.ts';

export interface TableReplay {
  table: string;
  replayed: number;
  loaded: number;
  filtered: number;
  stillRejected: number;
}

export interface ReplayResult {
  runId: string;
  tables: TableReplay[];
  report: RunReport;
}

/** Values as the quarantine stored them (toJson) back to a row in read order: Buffers come back. */
function rowFrom(values: Record<string, unknown>, plan: TablePlan): Row {
  return plan.columns.map((c) => {
    const value = values[c.source.name];
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof (value as { $base64?: unknown }).$base64 === 'string'
    ) {
      return Buffer.from((value as { $base64: string }).$base64, 'base64');
    }
    return value ?? null;
  });
}

async function replayTable(
  runId: string,
  plan: TablePlan,
  store: RunStore,
  sink: Sink,
  keyIndex: KeyIndex,
  { program, tally, quarantine }: CompiledTable,
): Promise<{
  result: TableReplay;
  reasons: RejectReasonTally;
  byPartition: Map<number, { loaded: number; filtered: number }>;
}> {
  const name = plan.target.name;
  const transform = compileTransform(plan, program);
  const validate = compileValidator(plan, program, keyIndex, tally, { unordered: true });
  const reasons = new RejectReasonTally();
  const byPartition = new Map<number, { loaded: number; filtered: number }>();
  const result: TableReplay = { table: name, replayed: 0, loaded: 0, filtered: 0, stillRejected: 0 };
  const writer = await sink.openWriter(plan.target);
  try {
    for await (const page of store.quarantine.pages(runId, { table: name })) {
      // Masked columns are stored masked; their raw values come back from the key index.
      const rows = page.map((r) => {
        const row = rowFrom({ ...r.values, ...r.rawValues, ...keyIndex.rejectedValues(name, r.key) }, plan);
        // The source gave the row only approximately (invalid bytes, a wrong field count): no change of
        // the spec's rules makes its stored values exact, so it stays rejected for the same reason.
        const defects = r.reasons
          .filter((reason) => reason.rule === 'source')
          .map((reason) => reason.message);
        if (defects.length) markRowDefect(row, defects.join('; '));
        return row;
      });
      const transformed = transform(rows);
      const { accepted, rejected } = validate(rows, transformed);
      if (accepted.length) await writer.write(accepted);
      const still = new Map<number, RejectReason[]>(rejected.map((r) => [r.index, r.reasons]));
      const resolved: number[] = [];
      const stillRejected: { id: number; reasons: RejectReason[] }[] = [];
      page.forEach((reject, i) => {
        const found = still.get(i);
        if (found) {
          const newReasons = quarantine.reasons(found);
          stillRejected.push({ id: reject.id, reasons: newReasons });
          reasons.add(newReasons);
          return;
        }
        resolved.push(reject.id);
        const counts = byPartition.get(reject.partition) ?? { loaded: 0, filtered: 0 };
        if (transformed.rows[i] === null) counts.filtered++;
        else counts.loaded++;
        byPartition.set(reject.partition, counts);
      });
      await store.quarantine.settle(resolved, stillRejected);
      result.replayed += page.length;
      result.loaded += accepted.length;
      result.filtered += transformed.filtered;
      result.stillRejected += rejected.length;
    }
  } finally {
    await writer.close();
  }
  return { result, reasons, byPartition };
}

/** Replays the rejected rows of `runId` with `loaded` (the run's spec, as fixed by the user). */
export async function replayRejects(
  runId: string,
  given: LoadedSpec,
  store: RunStore,
): Promise<ReplayResult> {
  const loaded = guardStateFiles(given, store);
  const run = await store.getRun(runId);
  if (!run) throw new InputError(`no run "${runId}" in the state store.`, { nextStep: 'list-runs' });
  const report = run.report as RunReport | null;
  if (!report || run.status === 'running' || run.status === 'paused') {
    throw new InputError(`run ${runId} has not finished; replay its rejected rows once it has.`, {
      nextStep: 'resume-run',
      runId,
    });
  }
  const indexPath = keyIndexPath(store, runId);
  if (!existsSync(indexPath)) {
    throw new InputError(
      `the key index of run ${runId} (${indexPath}) is gone, so uniqueness cannot be checked; run the migration again instead.`,
    );
  }
  const { spec } = loaded;
  const salt = maskingSalt(spec);
  let source: Source | undefined;
  let sink: Sink | undefined;
  /** The target read as a source, for the loaded keys of in-partition unique rules. */
  let target: Source | undefined;
  const keyIndex = new KeyIndex(indexPath);
  let result: ReplayResult;
  try {
    source = await openSource(spec.source, loaded.files, 'source');
    const plan = await planWithTarget(spec, source, loaded.files);
    sink = await openSink(spec.target, loaded.files, 'target');
    const { compiled } = await compileTablePrograms(plan.tables, source, keyIndex, salt, spec);
    const partitions = await store.partitions(runId);
    const tables: TableReplay[] = [];
    for (const table of plan.tables) {
      const tableReport = report.tables.find((t) => t.target === table.target.name);
      if (!tableReport || tableReport.rejected === 0) continue;
      const tableProgram = compiled.get(table.target.name)!;
      if (needsLoadedKeys(tableProgram.program)) {
        target ??= await openSource(spec.target, loaded.files, 'target');
        await claimLoadedKeys(target, table, tableProgram.program, keyIndex, spec.batchSize);
      }
      const { result, reasons, byPartition } = await replayTable(
        runId,
        table,
        store,
        sink,
        keyIndex,
        tableProgram,
      );
      tables.push(result);
      const delta = {
        extracted: 0,
        loaded: result.loaded,
        rejected: -(result.loaded + result.filtered),
        filtered: result.filtered,
      };
      addCounts(tableReport, delta);
      addCounts(report.totals, delta);
      tableReport.topRejectReasons = reasons.top();
      if (tableReport.verification) {
        const { rowsBefore } = tableReport.verification;
        tableReport.verification = await verifyTable(sink, table, tableReport, rowsBefore);
      }
      for (const [index, counts] of byPartition) {
        const partition = partitions.find((p) => p.table === table.target.name && p.index === index);
        if (!partition) continue;
        partition.loaded += counts.loaded;
        partition.filtered += counts.filtered;
        partition.rejected -= counts.loaded + counts.filtered;
        await store.savePartition(runId, partition);
      }
    }
    report.accountingBalanced = report.tables.every((t) => isBalanced(t));
    report.verified = allVerified(report.tables);
    await store.updateReport(runId, report);
    result = { runId, tables, report };
  } finally {
    keyIndex.close();
    await closeConnections(source, sink, target);
  }
  if (report.totals.rejected === 0) await removeKeyIndexFiles(indexPath);
  return result;
}
