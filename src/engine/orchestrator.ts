/**
 * Runs a migration through its seven phases, recording everything in the control-plane store:
 * Planning → (Extraction → Transformation → Validation → Loading, streamed per partition) →
 * Verification → Cleanup. A run that crashed, was stopped or failed continues with
 * {@link resumeMigration} from the checkpoints its partitions committed in the target.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Sink, Source } from '../connectors/connector.ts';
import { describeEndpoint, openSink, openSource } from '../plan/open-connectors.ts';
import { InputError, MigrationFailedError } from '../core/errors.ts';
import { KeyIndex } from '../rules/key-index.ts';
import { removeKeyIndexFiles } from '../rules/key-index-file.ts';
import { loadSpec, type LoadedSpec } from '../plan/load-spec.ts';
import type { RunStore } from '../state/run-store.ts';
import type { PhaseName, RunStatus } from '../state/run-types.ts';
import { isBalanced } from './accounting.ts';
import { readCheckpoints, type PartitionCheckpoint } from './checkpoints.ts';
import { closeConnections, finalizeTargetTables, rollbackTargetTables } from './cleanup.ts';
import { specHash } from './spec-hash.ts';
import { compileTablePrograms, maskingSalt } from './compile-programs.ts';
import { checkTargetTables } from './load.ts';
import { PhaseClock } from './phase-clock.ts';
import { planWithTarget } from '../plan/plan-with-target.ts';
import type { MigrationPlan } from '../plan/plan-types.ts';
import { allVerified, nextStepsOf, topRejectReasons, type RunReport, type TableReport } from './report.ts';
import { currentOwner, ownerMayBeAlive } from './run-owner.ts';
import { outerStopMessage, RunPaused } from './run-interruption.ts';
import type { RunObserver } from './run-observer.ts';
import { streamAllPartitions } from './stream-partitions.ts';
import { guardStateFiles, keyIndexDir } from './state-files.ts';
import { RunState } from './run-state.ts';
import { verifyTables } from './verification-phase.ts';

/** How often a run looks for a control request (`jivs pause`) from another process. */
const CONTROL_POLL_MS = 500;

export interface RunOptions {
  store: RunStore;
  observer?: RunObserver;
  /** Aborting stops every partition at its next batch boundary; the run ends paused (resumable). */
  signal?: AbortSignal;
}

export interface ResumeOptions extends RunOptions {
  /** The spec to resume with (default: the run's spec file); it must be the spec the run started with. */
  spec?: LoadedSpec;
  /** Resume although the run's owner process seems alive (a reused process id). */
  force?: boolean;
}

/** A sortable, readable run id: `20261129-194700-3f9a07c2` (32 random bits: runs started in the same second never collide in practice). */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

/** What one execution of a run works with. */
export interface Execution {
  runId: string;
  loaded: LoadedSpec;
  source: Source;
  sink: Sink;
  plan: MigrationPlan;
  /** When the run first started (earlier than this execution for a resume). */
  startedAt: Date;
  /** When this execution started. */
  executionStartedAt: Date;
  /** Time the earlier attempts ran (from the last report stored); 0 for a new run. */
  earlierAttemptsMs: number;
  attempt: number;
  clock: PhaseClock;
  /** For a resume: what the target holds, by partitionName, and the prepared tables' rows before. */
  resume: { checkpoints: Map<string, PartitionCheckpoint>; rowsBefore: Map<string, number> | null } | null;
}

/**
 * Opens the source, plans, then opens the target and (for a new run) checks it. Bad input stops here,
 * before a run is recorded or the target is touched; whatever was opened is closed again.
 */
async function openAndPlan(
  loaded: LoadedSpec,
  checkTargets: boolean,
): Promise<{ source: Source; sink: Sink; plan: MigrationPlan }> {
  const source = await openSource(loaded.spec.source, loaded.files, 'source');
  try {
    const plan = await planWithTarget(loaded.spec, source, loaded.files);
    const sink = await openSink(loaded.spec.target, loaded.files, 'target');
    try {
      if (checkTargets) await checkTargetTables(sink, plan.tables);
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
export async function runMigration(spec: LoadedSpec, options: RunOptions): Promise<RunReport> {
  const loaded = guardStateFiles(spec, options.store);
  const startedAt = new Date();
  const clock = new PhaseClock();
  clock.start('planning');
  options.observer?.phaseStarted?.('planning');
  const { source, sink, plan } = await openAndPlan(loaded, true);
  const runId = newRunId(startedAt);
  await options.store.createRun({
    id: runId,
    specName: loaded.spec.name,
    specFile: loaded.file,
    specHash: specHash(loaded.spec),
    status: 'running',
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    error: null,
    owner: currentOwner(),
    attempt: 1,
  });
  return execute(
    {
      runId,
      loaded,
      source,
      sink,
      plan,
      startedAt,
      executionStartedAt: startedAt,
      earlierAttemptsMs: 0,
      attempt: 1,
      clock,
      resume: null,
    },
    options,
  );
}

/**
 * Continues a run that crashed, was paused or failed: partitions that are done stay done, the others
 * continue after their last checkpoint, and the report covers the whole run. Refuses (InputError) a
 * run that succeeded, is still running, or whose spec changed.
 */
export async function resumeMigration(runId: string, options: ResumeOptions): Promise<RunReport> {
  const { store } = options;
  const run = await store.getRun(runId);
  if (!run) throw new InputError(`no run "${runId}" in the state store.`, { nextStep: 'list-runs' });
  if (run.status === 'succeeded') throw new InputError(`run ${runId} succeeded; there is nothing to resume.`);
  if ((run.report as RunReport | null)?.rolledBack) {
    throw new InputError(
      `run ${runId} failed and was rolled back, so it cannot be resumed; start a new run.`,
    );
  }
  if (run.status === 'running' && ownerMayBeAlive(run.owner) && !options.force) {
    throw new InputError(
      `run ${runId} is still running in process ${run.owner}; stop it first, or force the resume if that process no longer runs it.`,
      { nextStep: 'stop-run', runId },
    );
  }
  const loaded = guardStateFiles(options.spec ?? (await loadSpec(run.specFile)), store);
  if (specHash(loaded.spec) !== run.specHash) {
    throw new InputError([
      {
        path: loaded.file,
        message: `the spec changed since run ${runId} started, and a resume must load the rest with the same spec; undo the change, or start a new run.`,
      },
    ]);
  }
  const executionStartedAt = new Date();
  const clock = new PhaseClock();
  clock.start('planning');
  options.observer?.phaseStarted?.('planning');
  const { source, sink, plan } = await openAndPlan(loaded, false);
  // The partitions as the run planned them: the source may have grown since.
  const stored = await store.partitions(runId);
  for (const table of plan.tables) {
    const mine = stored.filter((p) => p.table === table.target.name);
    if (mine.length) table.partitions = mine.map((p) => ({ index: p.index, bounds: p.bounds }));
  }
  const attempt = await store.claimRun(runId, currentOwner());
  const rowsBefore = await store.preparedTables(runId);
  const checkpoints =
    rowsBefore && loaded.spec.checkpoints
      ? await readCheckpoints(sink, runId)
      : new Map<string, PartitionCheckpoint>();
  return execute(
    {
      runId,
      loaded,
      source,
      sink,
      plan,
      startedAt: new Date(run.startedAt),
      executionStartedAt,
      earlierAttemptsMs: (run.report as RunReport | null)?.durationMs ?? 0,
      attempt,
      clock,
      resume: { checkpoints, rowsBefore },
    },
    options,
  );
}

/** The key index file of a run (see {@link keyIndexDir}). */
export function keyIndexPath(store: RunStore, runId: string): string {
  return join(keyIndexDir(store.localDir), `${runId}.db`);
}

/** Polls the store for a `jivs pause` of the run and aborts `controller` when one comes. */
function watchControl(store: RunStore, runId: string, controller: AbortController): () => void {
  const timer = setInterval(() => {
    store
      .controlOf(runId)
      .then((request) => {
        if (request === 'pause') controller.abort(new RunPaused('paused on request.'));
      })
      .catch(() => {});
  }, CONTROL_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

async function execute(run: Execution, options: RunOptions): Promise<RunReport> {
  const { runId, loaded, source, sink, plan } = run;
  const { spec } = loaded;
  const { store, observer = {} } = options;
  const state = new RunState(spec, new KeyIndex(keyIndexPath(store, runId)), run.clock);
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

  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(new RunPaused(outerStopMessage(options.signal?.reason)));
  if (options.signal?.aborted) onOuterAbort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const unwatch = watchControl(store, runId, stop);

  let status: RunStatus = 'succeeded';
  let error: Error | null = null;
  try {
    state.plan = plan;
    plan.warnings.forEach((w) => state.warn(w, observer));
    observer.planned?.(plan);
    const programs = await compileTablePrograms(plan.tables, source, state.keyIndex, maskingSalt(spec), spec);
    state.compiled = programs.compiled;
    state.lookups = programs.lookups;
    await streamAllPartitions(run, state, options, stop.signal);
    await phase('verification', async () => {
      const verifications = await verifyTables({
        runId,
        loaded,
        plan,
        source,
        sink,
        store,
        state,
        onWarning: (message) => state.warn(message, observer),
      });
      verifications.forEach((v) => state.verifications.set(v.table, v));
      const failed = verifications.flatMap((v) => v.problems.map((p) => `${v.table}: ${p}`));
      if (failed.length) throw new MigrationFailedError(`verification failed:\n${failed.join('\n')}`);
    });
  } catch (caught) {
    error = caught instanceof Error ? caught : new Error(String(caught));
    status = error instanceof RunPaused ? 'paused' : 'failed';
  } finally {
    unwatch();
    options.signal?.removeEventListener('abort', onOuterAbort);
  }

  let rolledBack = false;
  await phase('cleanup', async () => {
    if (status === 'succeeded') {
      const failures = await finalizeTargetTables(sink, plan.tables);
      if (failures.length) {
        status = 'failed';
        error = new MigrationFailedError(`cleanup failed:\n${failures.join('\n')}`);
      }
    }
    if (status === 'failed' && spec.rollback) {
      // Forget what was loaded first: a crash during the rollback then resumes as a fresh load.
      await sink.checkpoints?.clear(runId);
      await store.setPrepared(runId, null);
      (await rollbackTargetTables(sink, plan.tables)).forEach((n) => state.warn(n, observer));
      rolledBack = true;
    }
  });
  state.keyIndex.close();

  try {
    const report = await buildReport(run, state, store, status, error, rolledBack);
    await store.finishRun(runId, status, error ? (error as Error).message : null, report);
    // Checkpoints and the key index are what a resume needs. Only once the store says the run is over
    // may they go: a crash before that point resumes from them.
    if (status === 'succeeded' || rolledBack) {
      await sink.checkpoints?.clear(runId).catch(() => {});
      // Only a replay reads the key index of a finished run again, and only rejected rows are replayed;
      // a rolled-back run has no target left to replay into.
      if (rolledBack || report.totals.rejected === 0) await removeKeyIndexFiles(state.keyIndex.path);
    }
    return report;
  } finally {
    await closeConnections(source, sink);
  }
}

async function buildReport(
  run: Execution,
  state: RunState,
  store: RunStore,
  status: RunStatus,
  error: Error | null,
  rolledBack: boolean,
): Promise<RunReport> {
  const { loaded, runId } = run;
  const finishedAt = new Date();
  const thisAttemptMs = finishedAt.getTime() - run.executionStartedAt.getTime();
  const durationMs = run.earlierAttemptsMs + thisAttemptMs;
  const tables: TableReport[] = [];
  for (const table of state.plan?.tables ?? []) {
    const name = table.target.name;
    const counts = state.countsOf(name);
    tables.push({
      source: table.source.name,
      target: name,
      partitions: table.partitions.length,
      estimatedRows: table.estimatedRows,
      ...counts,
      verification: state.verifications.get(name) ?? null,
      topRejectReasons: counts.rejected ? await topRejectReasons(store, runId, name) : [],
      quality: state.compiled.get(name)?.tally.report() ?? null,
      notes: table.notes,
    });
  }
  return {
    runId,
    spec: { name: loaded.spec.name, file: loaded.file },
    source: describeEndpoint(loaded.spec.source),
    target: describeEndpoint(loaded.spec.target),
    status,
    error: error?.message ?? null,
    attempt: run.attempt,
    rolledBack,
    startedAt: run.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs,
    phases: state.clock.all(),
    tables,
    totals: state.totals(),
    accountingBalanced: tables.every((t) => isBalanced(t)),
    verified: allVerified(tables),
    rowsPerSecond: thisAttemptMs > 0 ? Math.round((state.extractedHere / thisAttemptMs) * 1000) : 0,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    partitionThreads: state.partitionThreads,
    warnings: state.warnings,
    nextSteps: nextStepsOf(status, error, rolledBack, tables),
    notMigrated: state.plan?.notMigrated ?? [],
  };
}
