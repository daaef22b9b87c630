/** The run report as people read it at the end of `jivs migrate` and in `jivs status <run>`. */
import { cliHint } from './next-step-hint.ts';
import { describeCounts } from '../engine/accounting.ts';
import type { RunReport } from '../engine/report.ts';
import { SEVERITIES } from '../rules/quality.ts';
import { formatNotMigrated } from './format-not-migrated.ts';
import { formatDuration, formatTable } from './format-table.ts';

/** `status`: the status to show, when it is not the report's own (`interrupted`). */
export function formatReport(report: RunReport, status: string = report.status): string {
  const out: string[] = [];
  out.push(
    `Run ${report.runId} (${report.spec.name}): ${status.toUpperCase()} in ${formatDuration(report.durationMs)}${report.attempt > 1 ? ` (attempt ${report.attempt})` : ''}`,
  );
  out.push(`  ${report.source}  →  ${report.target}`);
  out.push('');
  out.push('Phases');
  out.push(
    formatTable(
      ['phase', 'wall', 'busy'],
      report.phases.map((p) => [
        p.phase,
        formatDuration(p.durationMs),
        p.busyMs === null ? '' : formatDuration(p.busyMs),
      ]),
    ),
  );
  out.push('');
  out.push('Tables');
  out.push(
    formatTable(
      ['source', 'target', 'parts', 'extracted', 'loaded', 'rejected', 'filtered', 'in target', 'verified'],
      report.tables.map((t) => [
        t.source,
        t.target,
        t.partitions,
        t.extracted,
        t.loaded,
        t.rejected,
        t.filtered,
        t.verification?.targetRows ?? '',
        t.verification === null ? '-' : t.verification.problems.length ? 'NO' : 'yes',
      ]),
    ),
  );
  out.push('');
  out.push(
    `Accounting: ${describeCounts(report.totals)} (${report.accountingBalanced ? 'balanced' : 'NOT BALANCED'})`,
  );
  out.push(
    `Throughput: ${report.rowsPerSecond.toLocaleString('en-US')} rows/s; peak memory (RSS): ${report.peakRssMb} MiB`,
  );
  out.push(...formatVerification(report));
  out.push(...formatQuality(report));
  const reasons = report.tables.filter((t) => t.topRejectReasons.length);
  if (reasons.length) {
    out.push('');
    out.push('Most frequent reject reasons');
    for (const table of reasons) {
      for (const r of table.topRejectReasons) out.push(`  ${table.target}.${r.reason}  (${r.rows} rows)`);
    }
    out.push(`  All rejected rows, with their values and rules: jivs rejects ${report.runId}`);
  }
  // Reports stored before the list existed have none.
  out.push(...formatNotMigrated(report.notMigrated ?? []));
  const notes = report.tables.flatMap((t) => t.notes.map((n) => `${t.target}: ${n}`));
  if (report.warnings.length || notes.length) {
    out.push('');
    out.push('Warnings');
    for (const w of [...report.warnings, ...notes]) out.push(`  ${w}`);
  }
  if (report.error) {
    out.push('');
    out.push(`Error: ${report.error}`);
  }
  const next = report.nextSteps ?? [];
  if (next.length) {
    out.push('');
    out.push('Next');
    for (const step of next) out.push(`  ${cliHint(step, report.runId)}`);
  }
  return out.join('\n');
}

/** Per table: the content comparison and the source recount, with the keys that differ. */
function formatVerification(report: RunReport): string[] {
  const out: string[] = [];
  for (const table of report.tables) {
    const v = table.verification;
    if (!v || (v.content == null && v.sourceRows == null)) continue;
    const parts: string[] = [];
    const content = v.content;
    if (content?.skipped) parts.push(`content not compared (${content.skipped})`);
    else if (content) {
      const found = content.differencesTotal
        ? `${content.differencesTotal} DIFFER`
        : content.replacedValues
          ? 'as meant'
          : 'identical';
      parts.push(`${content.meantRows} rows in ${content.ranges} key range(s) hashed: ${found}`);
      if (content.replacedValues) parts.push(describeReplacedValues(content.replacedValues));
    }
    if (v.sourceRows != null) parts.push(`source recount ${v.sourceRows}`);
    out.push(`  ${table.target}: ${parts.join('; ')}`);
    for (const d of content?.differences.slice(0, 10) ?? []) out.push(`    ${d.kind} ${d.key}`);
  }
  return out.length ? ['', 'Verification', ...out] : [];
}

/**
 * Values loaded as `invalidText` replaced them: compared as meant, so they verify, but they are not what
 * the source holds, and the verdict must say so.
 */
export function describeReplacedValues(count: number): string {
  return `${count} value(s) replaced by U+FFFD or NULL for invalid source text (invalidText), so not as the source holds them`;
}

/** Per table: the quality score, failures by severity, the rules that failed, and incomplete columns. */
function formatQuality(report: RunReport): string[] {
  const tables = report.tables.filter((t) => t.quality !== null);
  if (!tables.length) return [];
  const out = ['', 'Data quality (score: pass rate weighted by severity, 100 = no rule failed)'];
  out.push(
    formatTable(
      ['table', 'score', 'rows checked', 'critical', 'major', 'minor', 'warning'],
      tables.map(({ target, quality }) => [
        target,
        quality!.score.toFixed(2),
        quality!.rowsChecked,
        ...SEVERITIES.map((s) => quality!.bySeverity[s].failed),
      ]),
    ),
  );
  for (const { target, quality } of tables) {
    const failed = quality!.rules.filter((r) => r.failed > 0).sort((a, b) => b.failed - a.failed);
    for (const rule of failed.slice(0, 8)) {
      out.push(`  ${target}: ${rule.name} [${rule.severity}] failed ${rule.failed} of ${rule.checked}`);
    }
    const incomplete = quality!.completeness.filter((c) => c.share < 1);
    if (incomplete.length) {
      const shares = incomplete.map((c) => `${c.column} ${(c.share * 100).toFixed(1)}%`).join(', ');
      out.push(`  ${target}: filled ${shares}`);
    }
  }
  return out;
}
