/**
 * The figures of the MariaDB → PostgreSQL benchmark (mariadb-postgres.ts): one JSON summary of every
 * tool and JiVS variant measured in the same run, with the ratios and targets of issue 13, and the short
 * human summary of it.
 */
import type { RunReport } from '../src/engine/report.ts';
import { fingerprintMismatches, type Fingerprint } from './orders-table.ts';

/** MB in the figures: 10^6 bytes of source row data (the values as text, as COPY carries them). */
const MB = 1e6;

const seconds = (ms: number) => +(ms / 1000).toFixed(2);
const ratio = (a: number, b: number) => +(a / b).toFixed(2);

/** One measured command. */
export interface ToolRun {
  wallMs: number;
  error: string | null;
  maxRssMb: number | null;
  /** User + system CPU seconds of the command (its children included), or null when not measured. */
  cpuSeconds: number | null;
  fingerprint: Fingerprint | null;
}

/** One `jivs migrate` of a spec variant. */
export interface JivsRun extends ToolRun {
  report: RunReport | null;
}

/** Everything one benchmark run measured. */
export interface Measurements {
  rows: number;
  source: {
    table: string;
    generatedSeconds: number | null;
    bytesPerRow: number;
    innodbBytes: number;
    copyFileBytes: number;
  };
  expected: Fingerprint;
  /** The full bench spec. */
  jivs: JivsRun;
  /** Transforms and rules stripped. */
  jivsWithoutRules: JivsRun;
  /** Rules kept, checkpoints and verification off. */
  jivsBare: JivsRun;
  /** Rules and checkpoints, verification off. */
  jivsCheckpointed: JivsRun;
  baseline: ToolRun & { primaryKeyMs: number; what: string };
  pipe: (ToolRun & { what: string }) | null;
  pgloader: (ToolRun & { what: string }) | { skipped: string };
}

/** How a copy compares with the source: `correct` when every aggregate and the sample hash agree. */
function correctness(expected: Fingerprint, actual: Fingerprint | null) {
  if (!actual) return { correct: false, mismatches: ['not checked: the load failed'] };
  const mismatches = fingerprintMismatches(expected, actual);
  return { correct: mismatches.length === 0, mismatches };
}

/** Wall time, rows/s, MB/s and CPU seconds per 1M rows of one command. */
function figures(run: ToolRun, rows: number, sourceBytes: number) {
  const cpu = run.cpuSeconds === null ? null : +((run.cpuSeconds * 1e6) / rows).toFixed(2);
  if (run.error) return { wallSeconds: seconds(run.wallMs), cpuSecondsPer1MRows: cpu };
  return {
    wallSeconds: seconds(run.wallMs),
    rowsPerSecond: Math.round(rows / (run.wallMs / 1000)),
    mbPerSecond: +(sourceBytes / MB / (run.wallMs / 1000)).toFixed(1),
    cpuSecondsPer1MRows: cpu,
  };
}

/** The JSON summary. */
export function summarize(m: Measurements) {
  const { rows, expected } = m;
  const sourceBytes = m.source.bytesPerRow * rows;
  const ok = (run: ToolRun | null | undefined): run is ToolRun => Boolean(run && !run.error);
  const pgloader = 'skipped' in m.pgloader ? null : m.pgloader;
  const variant = (what: string, run: JivsRun) => ({
    what,
    error: run.error,
    ...figures(run, rows, sourceBytes),
    peakRssMb: run.report?.peakRssMb ?? null,
    partitionThreads: run.report?.partitionThreads ?? null,
    ...correctness(expected, run.fingerprint),
  });
  /** a / b of two runs' wall times, when both succeeded. */
  const wallRatio = (a: ToolRun | null, b: ToolRun | null) =>
    ok(a) && ok(b) ? ratio(a.wallMs, b.wallMs) : null;
  const { jivs, jivsWithoutRules, jivsBare, jivsCheckpointed, baseline, pipe } = m;
  const report = jivs.report;
  const ratios = {
    jivsToBaseline: wallRatio(jivs, baseline),
    jivsToPipe: wallRatio(jivs, pipe),
    bareToPipe: wallRatio(jivsBare, pipe),
    jivsToPgloader: wallRatio(jivs, pgloader),
    rulesToNoRules: wallRatio(jivs, jivsWithoutRules),
    checkpointsToNone: wallRatio(jivsCheckpointed, jivsBare),
    verificationToNone: wallRatio(jivs, jivsCheckpointed),
  };
  const atMost = (value: number | null, limit: number) => (value === null ? null : value <= limit);
  const cpuPer1M = (run: ToolRun) => (run.cpuSeconds === null ? null : (run.cpuSeconds * 1e6) / rows);
  return {
    benchmark: 'mariadb-postgres',
    rows,
    units: {
      mb: '10^6 bytes of source row data (values as text)',
      rss: 'MiB',
      cpu: 'user + system CPU seconds of the process (and its children), per 10^6 rows',
    },
    source: {
      table: m.source.table,
      generatedSeconds: m.source.generatedSeconds,
      bytesPerRow: +m.source.bytesPerRow.toFixed(1),
      sourceMb: +(sourceBytes / MB).toFixed(1),
      innodbMb: +(m.source.innodbBytes / MB).toFixed(1),
      copyFileMb: +(m.source.copyFileBytes / MB).toFixed(1),
      fingerprint: expected,
    },
    jivs: {
      spec: 'bench/orders-mariadb-to-postgres.yaml',
      status: report?.status ?? 'failed',
      error: jivs.error,
      ...figures(jivs, rows, sourceBytes),
      peakRssMb: report?.peakRssMb ?? null,
      peakRssMbByTime: jivs.maxRssMb,
      partitionThreads: report?.partitionThreads ?? null,
      phases: Object.fromEntries(
        (report?.phases ?? []).map((p) => [
          p.phase,
          { wallMs: Math.round(p.durationMs), busyMs: p.busyMs && Math.round(p.busyMs) },
        ]),
      ),
      totals: report?.totals ?? null,
      accountingBalanced: report?.accountingBalanced ?? null,
      verified: report?.verified ?? null,
      warnings: report?.warnings ?? [],
      quality: report?.tables[0]?.quality ?? null,
      ...correctness(expected, jivs.fingerprint),
    },
    jivsWithoutRules: variant('the same spec with every transform and rule taken out', jivsWithoutRules),
    jivsWithoutCheckpointsOrVerification: variant(
      'the rules spec with checkpoints: false and verify: { content: false, sourceCounts: false }',
      jivsBare,
    ),
    jivsWithCheckpointsWithoutVerification: variant(
      'the rules spec with verify: { content: false, sourceCounts: false }',
      jivsCheckpointed,
    ),
    baseline: {
      what: baseline.what,
      ...figures(baseline, rows, sourceBytes),
      peakRssMb: baseline.maxRssMb,
      primaryKeySeconds: seconds(baseline.primaryKeyMs),
      ...correctness(expected, baseline.fingerprint),
    },
    pipe: pipe && {
      what: pipe.what,
      error: pipe.error,
      ...figures(pipe, rows, sourceBytes),
      ...correctness(expected, pipe.fingerprint),
    },
    pgloader: pgloader
      ? {
          what: pgloader.what,
          error: pgloader.error,
          ...figures(pgloader, rows, sourceBytes),
          peakRssMb: pgloader.maxRssMb,
          ...correctness(expected, pgloader.fingerprint),
        }
      : { skipped: 'skipped' in m.pgloader ? m.pgloader.skipped : null },
    ratios,
    /** The targets of issue 13 (null: not measured). */
    targets: {
      fullSpecAtMost1_2xPipe: atMost(ratios.jivsToPipe, 1.2),
      bareAtMost1_0xPipe: atMost(ratios.bareToPipe, 1.0),
      atLeast3xFasterThanPgloader: atMost(ratios.jivsToPgloader, 1 / 3),
      verificationCostAtMost10Percent: atMost(ratios.verificationToNone, 1.1),
      checkpointsCostAtMost5Percent: atMost(ratios.checkpointsToNone, 1.05),
      rulesCostAtMost15Percent: atMost(ratios.rulesToNoRules, 1.15),
      peakRssAtMost256Mb: report ? report.peakRssMb <= 256 : null,
      fullSpecAtMost10CpuSecondsPer1MRows: atMost(cpuPer1M(jivs), 10),
      bareAtMost7CpuSecondsPer1MRows: atMost(cpuPer1M(jivsBare), 7),
    },
  };
}

export type Summary = ReturnType<typeof summarize>;

/** One line of the human summary. */
function toolLine(
  name: string,
  t: {
    wallSeconds: number;
    rowsPerSecond?: number;
    mbPerSecond?: number;
    cpuSecondsPer1MRows?: number | null;
    peakRssMb?: number | null;
    error?: string | null;
    correct: boolean;
  },
): string {
  const cpu = t.cpuSecondsPer1MRows == null ? '-' : String(t.cpuSecondsPer1MRows);
  const rss = t.peakRssMb === undefined ? '' : `, peak RSS ${t.peakRssMb ?? '?'} MiB`;
  const line = `${String(t.wallSeconds).padStart(7)} s ${String(t.rowsPerSecond ?? '-').padStart(8)} rows/s ${String(t.mbPerSecond ?? '-').padStart(6)} MB/s, ${cpu.padStart(6)} CPU-s/1M rows${rss}`;
  const outcome = t.error
    ? `, FAILED: ${t.error.split('\n').slice(0, 2).join(' ')}`
    : t.correct
      ? ''
      : ', INCORRECT';
  return `${name.padEnd(34)} ${line}${outcome}`;
}

/** The human summary, one line each. */
export function summaryLines(summary: Summary): string[] {
  const r = summary.ratios;
  const n = (value: number | null) => value ?? 'n/a';
  return [
    `MariaDB → PostgreSQL, ${summary.rows} rows × ${summary.source.bytesPerRow} bytes:`,
    toolLine(`JiVS (${summary.jivs.partitionThreads ?? '?'} partition threads)`, summary.jivs),
    toolLine('no rules', summary.jivsWithoutRules),
    toolLine('no checkpoints, no verification', summary.jivsWithoutCheckpointsOrVerification),
    toolLine('checkpoints, no verification', summary.jivsWithCheckpointsWithoutVerification),
    `${toolLine('\\copy', summary.baseline)}, + ${summary.baseline.primaryKeySeconds} s primary key (not counted)`,
    ...(summary.pipe ? [toolLine('pipe', summary.pipe)] : []),
    'skipped' in summary.pgloader
      ? `pgloader  ${summary.pgloader.skipped}`
      : toolLine('pgloader', summary.pgloader),
    `JiVS / pipe = ${n(r.jivsToPipe)} (target ≤ 1.2), bare / pipe = ${n(r.bareToPipe)} (target ≤ 1.0), JiVS / \\copy = ${n(r.jivsToBaseline)}, JiVS / pgloader = ${n(r.jivsToPgloader)} (target ≤ 0.33)`,
    `rules on / off = ${n(r.rulesToNoRules)} (target ≤ 1.15), checkpoints on / off = ${n(r.checkpointsToNone)} (target ≤ 1.05), verification on / off = ${n(r.verificationToNone)} (target ≤ 1.10)`,
  ];
}
