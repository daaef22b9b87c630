/**
 * The data-quality report: per table and rule, rows checked, passed and failed; failures by severity;
 * completeness per column; and one quality score per table.
 *
 * Score = 100 × Σ w(severity) × passed / Σ w(severity) × checked, over every rule of the table
 * (the implicit ones, cast, target constraints and source defects, count as critical), with weights critical 8,
 * major 4, minor 2, warning 1. A table whose rules checked nothing scores 100. Completeness rules
 * count once per table: checked 1, passed 1 or 0, so a missed completeness target weighs like one row.
 */
import type { Severity } from '../spec/rules-schema.ts';

export const SEVERITIES: readonly Severity[] = ['critical', 'major', 'minor', 'warning'];

export const SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = {
  critical: 8,
  major: 4,
  minor: 2,
  warning: 1,
};

/** True when a failure of this severity rejects the row. */
export function rejects(severity: Severity): boolean {
  return severity === 'critical' || severity === 'major';
}

/** One rule of a table, as the report names it. */
export interface RuleDescriptor {
  /** `email_address.format`, `order_lines.unique(order_no,line_no)`, or the rule's own name. */
  name: string;
  /** notNull, range, pattern, format, unique, references, completeness, check, cast, transform, … */
  kind: string;
  /** Target column; null for rules over the row. */
  column: string | null;
  severity: Severity;
}

export interface RuleStats extends RuleDescriptor {
  checked: number;
  passed: number;
  failed: number;
}

export interface ColumnCompleteness {
  column: string;
  /** Rows with a value that is neither NULL nor empty text. */
  nonEmpty: number;
  rows: number;
  /** nonEmpty / rows (1 for an empty table). */
  share: number;
}

export interface TableQuality {
  table: string;
  rowsChecked: number;
  rules: RuleStats[];
  bySeverity: Record<Severity, { checked: number; failed: number }>;
  completeness: ColumnCompleteness[];
  /** 0–100, see the module comment. */
  score: number;
}

export function qualityScore(rules: readonly RuleStats[]): number {
  let weighted = 0;
  let passed = 0;
  for (const rule of rules) {
    const weight = SEVERITY_WEIGHTS[rule.severity];
    weighted += weight * rule.checked;
    passed += weight * rule.passed;
  }
  return weighted === 0 ? 100 : Math.round((passed / weighted) * 10000) / 100;
}

/** The counts of a tally, JSON-safe: a partition's share is stored with its checkpoint. */
export interface TallyState {
  checked: number[];
  failed: number[];
  nonEmpty: number[];
  rows: number;
}

/**
 * Counts rule outcomes and non-empty values: one per partition (whose counts its checkpoint keeps), and
 * one per table that adds up its partitions' ({@link add}) and counts the completeness rules.
 */
export class QualityTally {
  private readonly checked: number[];
  private readonly failed: number[];
  private readonly nonEmpty: number[];
  private rows = 0;

  constructor(
    readonly table: string,
    readonly rules: readonly RuleDescriptor[],
    readonly columns: readonly string[],
  ) {
    this.checked = rules.map(() => 0);
    this.failed = rules.map(() => 0);
    this.nonEmpty = columns.map(() => 0);
  }

  /** A tally of the same rules and columns, with nothing counted (or `state`'s counts). */
  blank(state?: TallyState): QualityTally {
    const tally = new QualityTally(this.table, this.rules, this.columns);
    if (state) tally.add(state);
    return tally;
  }

  state(): TallyState {
    return {
      checked: [...this.checked],
      failed: [...this.failed],
      nonEmpty: [...this.nonEmpty],
      rows: this.rows,
    };
  }

  /** Adds the counts of another tally of the same rules and columns. */
  add(state: TallyState): void {
    const sum = (into: number[], from: number[]) => from.forEach((n, i) => (into[i]! += n));
    sum(this.checked, state.checked);
    sum(this.failed, state.failed);
    sum(this.nonEmpty, state.nonEmpty);
    this.rows += state.rows;
  }

  /** Rule `index` checked `count` more rows. */
  check(index: number, count = 1): void {
    this.checked[index]! += count;
  }

  fail(index: number): void {
    this.failed[index]!++;
  }

  /** Counts the non-empty values of one row that reached validation (values in column order). */
  countValues(row: readonly unknown[]): void {
    this.rows++;
    for (let c = 0; c < this.nonEmpty.length; c++) {
      const value = row[c];
      if (value !== null && value !== undefined && value !== '') this.nonEmpty[c]!++;
    }
  }

  completeness(): ColumnCompleteness[] {
    return this.columns.map((column, c) => ({
      column,
      nonEmpty: this.nonEmpty[c]!,
      rows: this.rows,
      share: this.rows === 0 ? 1 : this.nonEmpty[c]! / this.rows,
    }));
  }

  report(): TableQuality {
    const rules = this.rules.map((rule, i) => ({
      ...rule,
      checked: this.checked[i]!,
      failed: this.failed[i]!,
      passed: this.checked[i]! - this.failed[i]!,
    }));
    const bySeverity = Object.fromEntries(
      SEVERITIES.map((s) => [s, { checked: 0, failed: 0 }]),
    ) as TableQuality['bySeverity'];
    for (const rule of rules) {
      bySeverity[rule.severity].checked += rule.checked;
      bySeverity[rule.severity].failed += rule.failed;
    }
    return {
      table: this.table,
      rowsChecked: this.rows,
      rules,
      bySeverity,
      completeness: this.completeness(),
      score: qualityScore(rules),
    };
  }
}
