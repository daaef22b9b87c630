/**
 * Phases 2–5 of a run: prepares the target tables, then streams every partition (Extraction →
 * Transformation → Validation → Loading) `parallelism` at a time, enforcing the error policy and the
 * completeness rules as tables finish.
 */
import pLimit from 'p-limit';
import { pinnedHosts } from '../connectors/pinned-lookups.ts';
import type { MigrationPlan } from '../plan/plan-types.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import type { PhaseName } from '../state/run-types.ts';
import { emptyCounts } from './accounting.ts';
import { partitionName, type PartitionCheckpoint } from './checkpoints.ts';
import { ErrorPolicyExceeded, enforceErrorPolicy } from './error-policy.ts';
import { prepareTargetTables } from './load.ts';
import type { TablePlan } from '../plan/plan-types.ts';
import { currentOwner } from './run-owner.ts';
import type { RunObserver } from './run-observer.ts';
import type { PartitionJob } from './partition-job.ts';
import { PartitionThreads } from './partition-threads.ts';
import { runPartition, type PartitionRun } from './run-partition.ts';
import { specHash } from './spec-hash.ts';
import type { RunState } from './run-state.ts';
import type { Execution, RunOptions } from './orchestrator.ts';
import { RunPaused } from './run-interruption.ts';

const STREAMING_PHASES: PhaseName[] = ['extraction', 'transformation', 'validation', 'loading'];

/** Rows a partition holds (estimated) from which `partitionThreads: auto` runs partitions on threads. */
const THREADS_FROM_PARTITION_ROWS = 20_000;

/**
 * Worker threads for the run's partitions, or null to run them on the main thread: the spec's
 * `partitionThreads`, for a target that is a database server (file targets and SQLite take one writer),
 * with a key index other threads can open.
 */
function partitionThreadsFor(spec: MigrationSpec, plan: MigrationPlan, keyIndexPath: string) {
  const setting = spec.partitionThreads ?? 'auto';
  const server = spec.target.type === 'postgres' || spec.target.type === 'mysql';
  if (setting === 'off' || !server || keyIndexPath === ':memory:') return null;
  const large = plan.tables.some(
    (t) => t.partitions.length > 0 && t.estimatedRows / t.partitions.length >= THREADS_FROM_PARTITION_ROWS,
  );
  return setting === 'on' || large ? new PartitionThreads(spec.parallelism) : null;
}

/**
 * Prepares the target tables (a new run, or a resume of a run that never got that far), then runs
 * every partition's Extraction → Transformation → Validation → Loading, `parallelism` at a time.
 */
export async function streamAllPartitions(
  run: Execution,
  state: RunState,
  options: RunOptions,
  signal: AbortSignal,
): Promise<void> {
  const { store, observer = {} } = options;
  const { runId, plan, sink } = run;
  const { spec } = state;
  for (const phase of STREAMING_PHASES) {
    state.clock.start(phase);
    observer.phaseStarted?.(phase);
  }
  const failFast = new AbortController();
  const onStop = () => failFast.abort(signal.reason);
  signal.addEventListener('abort', onStop, { once: true });
  const checkpoints = spec.checkpoints && sink.checkpoints !== undefined;
  let threads: PartitionThreads | null = null;
  try {
    let found = run.resume?.checkpoints ?? new Map<string, PartitionCheckpoint>();
    let rowsBefore = run.resume?.rowsBefore ?? null;
    if (rowsBefore === null || !checkpoints) {
      // Nothing loaded yet, or nothing that says what was: (re)create or empty the tables.
      rowsBefore = await prepareTargetTables(sink, plan.tables);
      found = new Map();
      if (checkpoints) await sink.checkpoints!.ensure();
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
      await store.setPrepared(runId, rowsBefore);
    }
    rowsBefore.forEach((rows, table) => state.rowsBefore.set(table, rows));
    const fresh = run.resume === null;
    const limit = pLimit(spec.parallelism);
    threads = partitionThreadsFor(spec, plan, state.keyIndex.path);
    state.partitionThreads = threads ? spec.parallelism : 0;
    const jobHash = specHash(run.loaded.spec);
    const jobs = plan.tables.flatMap((table) => {
      const name = table.target.name;
      const compiled = state.compiled.get(name)!;
      let remaining = table.partitions.length;
      let completed = 0;
      let settle!: () => void;
      state.tableSettled.set(name, new Promise<void>((resolve) => (settle = resolve)));
      if (remaining === 0) settle();
      const report = () =>
        observer.tableProgress?.({
          table: name,
          estimatedRows: table.estimatedRows,
          ...state.countsOf(name),
          partitionsDone: state.partitionsDone(name),
          partitions: table.partitions.length,
        });
      const tablePolicyPath = `${table.specPath ?? 'tables'}.errors`;
      return table.partitions.map((partition) =>
        limit(async () => {
          try {
            // A table whose references rules read a parent's loaded keys waits for the parent. Tables are
            // queued parents first, so the parent's partitions already hold their slots: no deadlock.
            await Promise.all(table.quality.dependsOn.map((parent) => state.tableSettled.get(parent)));
            if (failFast.signal.aborted) return;
            const partitionRun: PartitionRun = {
              runId,
              table,
              index: partition.index,
              source: run.source,
              sink,
              store,
              clock: state.clock,
              compiled,
              keyIndex: state.keyIndex,
              owner: currentOwner(),
              batchSize: spec.batchSize,
              strict: Boolean(table.quality.errors.strict ?? spec.errors.strict),
              checkpoints,
              digest: spec.verify.content,
              retry: spec.retry,
              signal: failFast.signal,
              found: found.get(partitionName(name, partition.index)) ?? null,
              fresh,
              progressed: (checkpoint) => {
                state.update(name, partition.index, checkpoint);
                report();
              },
              enforcePolicy: () => {
                enforceErrorPolicy(
                  table.quality.errors,
                  state.countsOf(name),
                  false,
                  tablePolicyPath,
                  `table ${name}`,
                );
                enforceErrorPolicy(spec.errors, state.totals());
              },
              log: (message) => state.warn(message, observer),
            };
            const final = threads
              ? await threads.run(
                  partitionJob(partitionRun, run, jobHash, state),
                  partitionRun,
                  failFast.signal,
                )
              : await runPartition(partitionRun);
            if (final === null) return;
            if (final.quality) compiled.tally.add(final.quality);
            if (++completed === table.partitions.length) {
              checkCompleteness(table, state, observer);
              // The table's rate is final once its last partition is done, however few rows it has.
              enforceErrorPolicy(
                table.quality.errors,
                state.countsOf(name),
                true,
                tablePolicyPath,
                `table ${name}`,
              );
            }
          } catch (error) {
            failFast.abort(error);
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
    if (signal.aborted) {
      throw signal.reason instanceof RunPaused ? signal.reason : new RunPaused('stopped on request.');
    }
    enforceErrorPolicy(spec.errors, state.totals(), true);
  } finally {
    await threads?.close();
    signal.removeEventListener('abort', onStop);
    for (const phase of STREAMING_PHASES) {
      const timing = state.clock.finish(phase);
      await store.recordPhase(runId, timing);
      observer.phaseFinished?.(phase, timing.durationMs);
    }
  }
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
    state.warn(message, observer);
  }
}

/** A partition as plain data, for a worker thread (partition-job.ts). */
function partitionJob(partition: PartitionRun, run: Execution, hash: string, state: RunState): PartitionJob {
  const { runId, table, index, found, fresh, owner, batchSize, strict, checkpoints, digest, retry } =
    partition;
  return {
    runId,
    specHash: hash,
    spec: run.loaded.spec,
    files: run.loaded.files.access,
    table,
    index,
    found,
    fresh,
    owner,
    batchSize,
    strict,
    checkpoints,
    digest,
    retry,
    keyIndexPath: state.keyIndex.path,
    lookups: state.lookups,
    pinnedHosts: pinnedHosts(),
  };
}
