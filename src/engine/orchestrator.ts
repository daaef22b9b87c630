/**
 * Runs a migration through its seven phases, recording everything in the control-plane store:
 * Planning → (Extraction → Transformation → Validation → Loading, streamed per partition) →
 * Verification → Cleanup.
 */
import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pLimit from 'p-limit';
import type { Sink, Source } from '../connectors/connector.ts';
import { describeEndpoint, openSink, openSource } from '../connectors/open-connectors.ts';
import { InputError, MigrationFailedError } from '../errors.ts';
import { KeyIndex } from '../rules/key-index.ts';
import type { LoadedSpec } from '../spec/load-spec.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import type { StateStore } from '../state/state-store.ts';
import type { PhaseName, RejectedRow, RowCounts, RunStatus } from '../state/run-types.ts';
import { addCounts, emptyCounts, isBalanced } from './accounting.ts';
import { closeConnections, finalizeTargetTables } from './cleanup.ts';
import { compileTablePrograms, maskingSalt, type CompiledTable } from './compile-programs.ts';
import { ErrorPolicyExceeded, enforceErrorPolicy } from './error-policy.ts';
import { checkTargetTables, prepareTargetTables } from './load.ts';
import { runPartitionPipeline } from './partition-pipeline.ts';
import { PhaseClock } from './phase-clock.ts';
import { planMigration } from './plan.ts';
import type { MigrationPlan, TablePlan } from './plan-types.ts';
import { allVerified, RejectReasonTally, type RunReport, type TableReport } from './report.ts';
import type { RunObserver } from './run-observer.ts';
import { verifyTable, type TableVerification } from './verify.ts';

const STREAMING_PHASES: PhaseName[] = ['extraction', 'transformation', 'validation', 'loading'];

export interface RunOptions {
  store: StateStore;
  observer?: RunObserver;
  /** Aborting stops every partition at its next batch boundary; the run ends as failed. */
  signal?: AbortSignal;
}

/** A sortable, readable run id: `20261129-194700-3f9a07c2` (32 random bits: runs started in the same second never collide in practice). */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

/** Identifies a spec's content, so runs of the same spec can be found again. */
export function specHash(spec: unknown): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
}

/** Everything one run accumulates while it goes. */
class RunState {
  readonly totals = emptyCounts();
  readonly tableCounts = new Map<string, RowCounts>();
  readonly partitionsDone = new Map<string, number>();
  readonly tallies = new Map<string, RejectReasonTally>();
  readonly rowsBefore = new Map<string, number>();
  readonly verifications = new Map<string, TableVerification>();
  readonly warnings: string[] = [];
  /** Per target table, once Planning is done. */
  compiled = new Map<string, CompiledTable>();
  /** Settles once every partition of the table has ended, however it ended. */
  readonly tableSettled = new Map<string, Promise<void>>();
  plan: MigrationPlan | null = null;

  constructor(
    readonly spec: MigrationSpec,
    readonly keyIndex: KeyIndex,
    readonly clock: PhaseClock,
  ) {}

  countsOf(table: string): RowCounts {
    let counts = this.tableCounts.get(table);
    if (!counts) this.tableCounts.set(table, (counts = emptyCounts()));
    return counts;
  }

  tallyOf(table: string): RejectReasonTally {
    let tally = this.tallies.get(table);
    if (!tally) this.tallies.set(table, (tally = new RejectReasonTally()));
    return tally;
  }
}

/**
 * Opens the source, plans, then opens the target and checks it. Bad input stops here, before a run is
 * recorded or the target is touched; whatever was opened is closed again.
 */
async function openAndPlan(loaded: LoadedSpec): Promise<{ source: Source; sink: Sink; plan: MigrationPlan }> {
  const source = await openSource(loaded.spec.source, loaded.baseDir, 'source');
  try {
    const plan = await planMigration(loaded.spec, source, loaded.baseDir);
    const sink = await openSink(loaded.spec.target, loaded.baseDir, 'target');
    try {
      await checkTargetTables(sink, plan.tables);
    } catch (error) {
      await sink.close();
      throw error;
    }
    return { source, sink, plan };
  } catch (error) {
    await source.close();
    throw error;
  }
}

/**
 * Runs a loaded spec to the end and returns its report, stored whatever the outcome. Bad input
 * (an InputError from Planning) is thrown before any run is recorded.
 */
export async function runMigration(loaded: LoadedSpec, options: RunOptions): Promise<RunReport> {
  const { spec } = loaded;
  const { store, observer = {} } = options;
  const startedAt = new Date();
  const clock = new PhaseClock();
  clock.start('planning');
  observer.phaseStarted?.('planning');
  const salt = maskingSalt(spec);
  const { source, sink, plan } = await openAndPlan(loaded);
  const runId = newRunId(startedAt);
  const state = new RunState(spec, new KeyIndex(keyIndexPath(store, runId)), clock);
  await store.createRun({
    id: runId,
    specName: spec.name,
    specFile: loaded.file,
    specHash: specHash(spec),
    status: 'running',
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    error: null,
  });
  observer.runStarted?.(runId);
  const planning = state.clock.finish('planning');
  await store.recordPhase(runId, planning);
  observer.phaseFinished?.('planning', planning.durationMs);

  const phase = async <T>(name: PhaseName, work: () => Promise<T>): Promise<T> => {
    state.clock.start(name);
    observer.phaseStarted?.(name);
    try {
      return await work();
    } finally {
      const timing = state.clock.finish(name);
      await store.recordPhase(runId, timing);
      observer.phaseFinished?.(name, timing.durationMs);
    }
  };

  let status: RunStatus = 'succeeded';
  let error: Error | null = null;
  try {
    state.plan = plan;
    state.warnings.push(...plan.warnings);
    plan.warnings.forEach((w) => observer.warning?.(w));
    observer.planned?.(plan);

    state.compiled = await compileTablePrograms(plan.tables, source, state.keyIndex, salt);
    await streamAllPartitions(runId, plan, source, sink, state, options);

    await phase('verification', async () => {
      for (const table of plan.tables) {
        const verification = await verifyTable(
          sink,
          table,
          state.countsOf(table.target.name),
          state.rowsBefore.get(table.target.name) ?? 0,
        );
        state.verifications.set(table.target.name, verification);
        if (verification.foreignKeyViolations) {
          const message = `${table.target.name}: ${verification.foreignKeyViolations} row(s) reference a missing parent row (foreign key check).`;
          state.warnings.push(message);
          observer.warning?.(message);
        }
      }
      const failed = [...state.verifications.values()].flatMap((v) =>
        v.problems.map((p) => `${v.table}: ${p}`),
      );
      if (failed.length) throw new MigrationFailedError(`verification failed:\n${failed.join('\n')}`);
    });
  } catch (caught) {
    status = 'failed';
    error = caught instanceof Error ? caught : new Error(String(caught));
  }

  await phase('cleanup', async () => {
    if (status === 'succeeded') {
      const failures = await finalizeTargetTables(sink, plan.tables);
      if (failures.length) {
        status = 'failed';
        error = new MigrationFailedError(`cleanup failed:\n${failures.join('\n')}`);
      }
    }
    state.keyIndex.close();
    // Only a replay reads the key index again, and only rejected rows are replayed.
    if (state.totals.rejected === 0) await rm(state.keyIndex.path, { force: true });
    await closeConnections(source, sink);
  });

  const report = buildReport(runId, loaded, state, startedAt, status, error);
  await store.finishRun(runId, status, error ? (error as Error).message : null, report);
  return report;
}

/** Where a run keeps its key index (uniqueness and references): beside the store, for replays. */
export function keyIndexPath(store: StateStore, runId: string): string {
  const dir = store.path === ':memory:' ? join(tmpdir(), 'jivs-keys') : join(dirname(store.path), 'keys');
  return join(dir, `${runId}.db`);
}

/** Extraction → Transformation → Validation → Loading for every partition, `parallelism` at a time. */
async function streamAllPartitions(
  runId: string,
  plan: MigrationPlan,
  source: Source,
  sink: Sink,
  state: RunState,
  options: RunOptions,
): Promise<void> {
  const { store, observer = {} } = options;
  for (const phase of STREAMING_PHASES) {
    state.clock.start(phase);
    observer.phaseStarted?.(phase);
  }
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const rowsBefore = await prepareTargetTables(sink, plan.tables);
    rowsBefore.forEach((rows, table) => state.rowsBefore.set(table, rows));
    for (const table of plan.tables) {
      for (const partition of table.partitions) {
        await store.savePartition(runId, {
          table: table.target.name,
          index: partition.index,
          bounds: partition.bounds,
          status: 'pending',
          ...emptyCounts(),
        });
      }
    }
    const limit = pLimit(state.spec.parallelism);
    const jobs = plan.tables.flatMap((table) => {
      let remaining = table.partitions.length;
      let settle!: () => void;
      state.tableSettled.set(table.target.name, new Promise<void>((resolve) => (settle = resolve)));
      if (remaining === 0) settle();
      return table.partitions.map((partition) =>
        limit(async () => {
          try {
            // A table whose references rules read a parent's loaded keys waits for the parent. Tables are
            // queued parents first, so the parent's partitions already hold their slots: no deadlock.
            await Promise.all(table.quality.dependsOn.map((parent) => state.tableSettled.get(parent)));
            if (abort.signal.aborted) return;
            await runOnePartition(runId, table, partition.index, source, sink, state, options, abort.signal);
            if (remaining === 1) checkCompleteness(table, state, options.observer ?? {});
          } catch (error) {
            abort.abort(error);
            throw error;
          } finally {
            if (--remaining === 0) settle();
          }
        }),
      );
    });
    const results = await Promise.allSettled(jobs);
    const firstFailure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (firstFailure) throw firstFailure.reason;
    if (options.signal?.aborted)
      throw new MigrationFailedError('stopped on request before all rows were moved.');
    enforceErrorPolicy(state.spec.errors, state.totals, true);
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
    for (const phase of STREAMING_PHASES) {
      const timing = state.clock.finish(phase);
      await store.recordPhase(runId, timing);
      observer.phaseFinished?.(phase, timing.durationMs);
    }
  }
}

async function runOnePartition(
  runId: string,
  table: TablePlan,
  index: number,
  source: Source,
  sink: Sink,
  state: RunState,
  options: RunOptions,
  signal: AbortSignal,
): Promise<void> {
  const { store, observer = {} } = options;
  const partition = table.partitions[index]!;
  const name = table.target.name;
  const progress = { table: name, index, bounds: partition.bounds, ...emptyCounts() };
  const tableCounts = state.countsOf(name);
  const tally = state.tallyOf(name);
  const tablePolicyPath = `${table.specPath ?? 'tables'}.errors`;
  const writer = await sink.openWriter(table.target);
  await store.savePartition(runId, { ...progress, status: 'running' });
  const report = () =>
    observer.tableProgress?.({
      table: name,
      estimatedRows: table.estimatedRows,
      ...tableCounts,
      partitionsDone: state.partitionsDone.get(name) ?? 0,
      partitions: table.partitions.length,
    });
  try {
    await runPartitionPipeline({
      source,
      writer,
      plan: table,
      partition,
      batchSize: state.spec.batchSize,
      clock: state.clock,
      ...state.compiled.get(name)!,
      keyIndex: state.keyIndex,
      strict: Boolean(table.quality.errors.strict ?? state.spec.errors.strict),
      signal,
      afterBatch: async (delta: RowCounts, rejected: RejectedRow[]) => {
        addCounts(progress, delta);
        addCounts(tableCounts, delta);
        addCounts(state.totals, delta);
        for (const row of rejected) tally.add(row.reasons);
        await store.addRejects(runId, rejected);
        await store.savePartition(runId, { ...progress, status: 'running' });
        report();
        enforceErrorPolicy(table.quality.errors, tableCounts, false, tablePolicyPath, `table ${name}`);
        enforceErrorPolicy(state.spec.errors, state.totals);
      },
    });
  } catch (error) {
    const stopped = error instanceof ErrorPolicyExceeded || signal.aborted;
    await store.savePartition(runId, { ...progress, status: stopped ? 'stopped' : 'failed' });
    if (error instanceof MigrationFailedError || error instanceof InputError) throw error;
    const where = `${table.source.name} → ${name}, partition ${index + 1}/${table.partitions.length}`;
    throw new MigrationFailedError(`${where}: ${(error as Error).message}`, { cause: error });
  } finally {
    await writer.close();
  }
  await store.savePartition(runId, { ...progress, status: signal.aborted ? 'stopped' : 'done' });
  state.partitionsDone.set(name, (state.partitionsDone.get(name) ?? 0) + 1);
  report();
}

/**
 * Completeness rules, once the table's last partition is done: below its threshold a rule fails in the
 * quality report and warns; a critical one fails the run.
 */
function checkCompleteness(table: TablePlan, state: RunState, observer: RunObserver): void {
  const name = table.target.name;
  const { program, tally } = state.compiled.get(name)!;
  const shares = tally.completeness();
  for (const rule of program.completeness) {
    tally.check(rule.rule);
    const { share, column } = shares[rule.position]!;
    if (share >= rule.threshold) continue;
    tally.fail(rule.rule);
    const message = `${name}.${column}: ${(share * 100).toFixed(2)}% of the values are filled, below the completeness rule's ${(rule.threshold * 100).toFixed(2)}%.`;
    if (rule.severity === 'critical')
      throw new ErrorPolicyExceeded(`stopped: ${message} Fix the data, lower the threshold or the severity.`);
    state.warnings.push(message);
    observer.warning?.(message);
  }
}

function buildReport(
  runId: string,
  loaded: LoadedSpec,
  state: RunState,
  startedAt: Date,
  status: RunStatus,
  error: Error | null,
): RunReport {
  const finishedAt = new Date();
  const durationMs = finishedAt.getTime() - startedAt.getTime();
  const tables: TableReport[] = (state.plan?.tables ?? []).map((table) => {
    const name = table.target.name;
    return {
      source: table.source.name,
      target: name,
      partitions: table.partitions.length,
      estimatedRows: table.estimatedRows,
      ...state.countsOf(name),
      verification: state.verifications.get(name) ?? null,
      topRejectReasons: state.tallies.get(name)?.top() ?? [],
      quality: state.compiled.get(name)?.tally.report() ?? null,
      notes: table.notes,
    };
  });
  const verified = allVerified(tables);
  return {
    runId,
    spec: { name: loaded.spec.name, file: loaded.file },
    source: describeEndpoint(loaded.spec.source),
    target: describeEndpoint(loaded.spec.target),
    status,
    error: error?.message ?? null,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs,
    phases: state.clock.all(),
    tables,
    totals: { ...state.totals },
    accountingBalanced: tables.every((t) => isBalanced(t)),
    verified,
    rowsPerSecond: durationMs > 0 ? Math.round((state.totals.extracted / durationMs) * 1000) : 0,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    warnings: state.warnings,
  };
}
