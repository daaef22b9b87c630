/**
 * Phase 4, Validation: every rule of a row in one pass over the batch. Per row: the spec's rules on the
 * transformed values, then the PII masks, then the target's own constraints on what would be loaded
 * (NOT NULL, length, allowed values, no NUL in text: everything a bulk load would otherwise fail a whole
 * batch on), then uniqueness (only rows that are otherwise fine claim their values). A failure of
 * severity critical or major rejects the row; minor and warning only count in the quality report. Rows
 * the source could only read approximately (see row-defect.ts) are rejected for that alone, unchecked;
 * rows it changed at the spec's request (see row-repair.ts) load, counted under the repair's rule, and
 * values it replaced as the spec asks (invalid text) count as warnings of their column's `invalidText` rule.
 */
import type { Row, RowBatch } from '../connectors/connector.ts';
import { replacedValues, rowDefect } from '../connectors/row-defect.ts';
import { rowRepair } from '../connectors/row-repair.ts';
import { keyText, type Key, type KeyIndex } from '../rules/key-index.ts';
import { rejects, type QualityTally } from '../rules/quality.ts';
import { IMPLICIT_RULES, uniqueKey, type TableProgram, type UniqueCheck } from '../rules/table-program.ts';
import type { RejectReason } from '../state/run-types.ts';
import type { TablePlan } from '../plan/plan-types.ts';
import type { TransformedBatch } from './transform.ts';

export interface Rejection {
  /** Position of the row in its batch. */
  index: number;
  /** The row as extracted, before transformation. */
  sourceRow: Row;
  reasons: RejectReason[];
}

export interface ValidatedBatch {
  accepted: RowBatch;
  /** Position in the batch of each accepted row (for naming a row the target refuses later). */
  positions: number[];
  rejected: Rejection[];
  filtered: number;
}

/** A row that passed every per-row check, before uniqueness decides. */
interface Candidate {
  index: number;
  row: Row;
  reasons: RejectReason[] | undefined;
  uniqueKeys: (Key | null)[] | undefined;
  parentKeys: unknown[] | undefined;
  /** Indexes of the unique rules it claimed a value under. */
  claimed?: number[];
  rejected?: boolean;
}

export type BatchValidator = (source: RowBatch, transformed: TransformedBatch) => ValidatedBatch;

type Check = (value: unknown) => string | null;

function constraintChecks(plan: TablePlan): Check[] {
  return plan.target.columns.map((target) => {
    const required = !target.nullable;
    const text = target.type.kind === 'text' && !target.type.array;
    const limit = text ? target.type.length : undefined;
    const allowed = target.type.enumValues && new Set(target.type.enumValues);
    const { min, max } = target.type;
    const ranged = (min !== undefined || max !== undefined) && !target.type.array;
    return (value) => {
      if (value === null) return required ? 'is NULL but the target column is NOT NULL' : null;
      if (text && typeof value === 'string' && value.includes('\0')) {
        return 'contains a NUL character, which text columns cannot hold';
      }
      if (allowed && !allowed.has(value as string)) {
        return `${JSON.stringify(value)} is not one of the allowed values (${[...allowed].join(', ')})`;
      }
      if (limit !== undefined && typeof value === 'string' && value.length > limit) {
        const length = [...value].length; // characters, not UTF-16 units
        if (length > limit) return `is ${length} characters, longer than varchar(${limit})`;
      }
      if (ranged && outsideRange(value, min, max)) {
        return `is outside the range of the target column (${min ?? '…'} to ${max ?? '…'})`;
      }
      return null;
    };
  });
}

/** A number (canonical integer or decimal) below `min` or above `max`; other values are not ranged. */
function outsideRange(value: unknown, min: number | undefined, max: number | undefined): boolean {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' && typeof number !== 'bigint') return false;
  return (min !== undefined && number < min) || (max !== undefined && number > max);
}

/** Whether `row` has a value under every column of unique rule `check` (what uniqueKey returns non-null for). */
function hasUniqueValue(check: UniqueCheck, row: Row): boolean {
  for (const p of check.positions) if (row[p] === null || row[p] === undefined) return false;
  return true;
}

const IMPLICIT_INDEX: Record<string, number> = {
  filter: IMPLICIT_RULES.filter,
  transform: IMPLICIT_RULES.transform,
  cast: IMPLICIT_RULES.cast,
};

/** How a validator is used. */
export interface ValidatorOptions {
  /**
   * Recomputes what a run meant to load, for content verification: uniqueness and parent-key claims
   * are skipped entirely (the key index is never written; pass a throwaway one), and every row the
   * filter kept is returned, masked, in `accepted` whatever its reasons, in the order of the batch
   * (the caller leaves out the rows the run rejected). `rejected` stays empty.
   */
  recompute?: boolean;
  /**
   * Rows do not come in partition-key order (a replay of rejected rows): rules kept in-partition claim
   * through the key index too (whose set the caller fills with the loaded keys first).
   */
  unordered?: boolean;
  /**
   * In-partition rules (see rules/unique-proof.ts): the partition key of the last row read before this
   * validator's first batch (the resume checkpoint's lastKey), or null from the partition's start.
   */
  lastKey?: number | null;
}

/** Compiles the validation of one table; `tally` counts every rule outcome for the quality report. */
export function compileValidator(
  plan: TablePlan,
  program: TableProgram,
  keyIndex: KeyIndex,
  tally: QualityTally,
  options?: ValidatorOptions,
): BatchValidator {
  const recompute = options?.recompute === true;
  const constraints = constraintChecks(plan);
  const names = plan.target.columns.map((c) => c.name);
  const width = constraints.length;
  const { checks, unique, masks, keySets, descriptors } = program;
  const masked = masks.some((m) => m !== null);
  const strategies = unique.map(({ strategy }) =>
    options?.unordered && strategy.kind === 'in-partition' ? 'key-index' : strategy.kind,
  );
  /**
   * Every unique rule is proven by the source and no parent keys are claimed: a rule only counts the rows
   * it checks (those with a value), and rows are accepted as they come, without claims.
   */
  const provenOnly =
    !recompute && keySets.length === 0 && unique.length > 0 && strategies.every((s) => s === 'proven');
  /** Uniqueness or parent keys: rows are claimed before they are accepted. */
  const keyed = !recompute && !provenOnly && (unique.length > 0 || keySets.length > 0);
  /** provenOnly: per rule, whether the current row has a value to check (read before masking). */
  const provenPresent = new Uint8Array(provenOnly ? unique.length : 0);
  /** One key-index transaction a batch, only where the batch writes keys. */
  const indexed = keyed && (keySets.length > 0 || strategies.includes('key-index'));
  const inKeyTransaction = (work: () => void) => (indexed ? keyIndex.transaction(work) : work());
  /** In-partition rules: the key claimed last (rows come in key order, so a duplicate repeats it). */
  const lastClaimed: (Key | null)[] = unique.map(() => options?.lastKey ?? null);

  /** The outcome of each claim under rule `u`, in order: true where the value is new. */
  const claim = (u: number, keys: Key[]): boolean[] => {
    const strategy = strategies[u];
    if (strategy === 'key-index') return keyIndex.claimMany(unique[u]!.set, keys);
    if (strategy === 'proven') return keys.map(() => true);
    let last = lastClaimed[u];
    return keys.map((key) => {
      if (key === last) return false;
      last = key;
      return true;
    });
  };

  /**
   * Uniqueness, once per batch and rule: the rows that passed everything else claim their values in one
   * statement; a duplicate (of an earlier batch, or earlier in this one) fails the rule. A row rejected
   * by one unique rule gives back what it claimed under the others. (With several unique rules, a row
   * that lost a value to such a row within the same batch stays rejected: rare, and on the safe side.)
   */
  const claimUniqueValues = (candidates: Candidate[]) => {
    for (let u = 0; u < unique.length; u++) {
      const check = unique[u]!;
      const claiming = candidates.filter((c) => !c.rejected && c.uniqueKeys![u] !== null);
      tally.check(check.rule, claiming.length);
      const won = claim(
        u,
        claiming.map((c) => c.uniqueKeys![u]!),
      );
      claiming.forEach((candidate, i) => {
        if (won[i]) {
          (candidate.claimed ??= []).push(u);
          return;
        }
        tally.fail(check.rule);
        (candidate.reasons ??= []).push({
          rule: descriptors[check.rule]!.name,
          column: check.column,
          severity: check.severity,
          message:
            check.message ??
            `${check.column === null ? `${check.label} ` : ''}duplicates the value of a row loaded before`,
        });
        if (!rejects(check.severity)) return;
        candidate.rejected = true;
        for (const earlier of candidate.claimed ?? []) {
          if (strategies[earlier] === 'key-index')
            keyIndex.release(unique[earlier]!.set, candidate.uniqueKeys![earlier]!);
        }
      });
    }
    // What the in-partition rules hold now: the key of the last row that won its claim and kept it (a row
    // rejected by a later rule gave its claim back, as it would to the key index).
    for (let u = 0; u < unique.length; u++) {
      if (strategies[u] !== 'in-partition') continue;
      for (let i = candidates.length - 1; i >= 0; i--) {
        const candidate = candidates[i]!;
        if (candidate.rejected || !candidate.claimed?.includes(u)) continue;
        lastClaimed[u] = candidate.uniqueKeys![u]!;
        break;
      }
    }
  };

  return (source, transformed) => {
    const accepted: RowBatch = [];
    const positions: number[] = [];
    const rejected: Rejection[] = [];
    const checkedRows = transformed.rows.length - transformed.filtered;
    tally.check(IMPLICIT_RULES.transform, checkedRows);
    tally.check(IMPLICIT_RULES.cast, checkedRows);
    tally.check(IMPLICIT_RULES.constraints, checkedRows);
    tally.check(IMPLICIT_RULES.source, checkedRows);
    for (const rule of program.repairs.values()) tally.check(rule, checkedRows);
    for (const rule of program.invalidText ?? []) tally.check(rule, checkedRows);
    if (program.filter) tally.check(IMPLICIT_RULES.filter, transformed.rows.length);
    const candidates: Candidate[] = [];
    inKeyTransaction(() => {
      for (let r = 0; r < transformed.rows.length; r++) {
        const row = transformed.rows[r];
        if (!row) continue;
        const defect = rowDefect(source[r]!);
        if (defect !== undefined && !recompute) {
          // The source could not read the row exactly: that is the reason; checks of its values would judge guesses.
          tally.fail(IMPLICIT_RULES.source);
          tally.countValues(row);
          const reason: RejectReason = {
            rule: 'source',
            column: null,
            severity: 'critical',
            message: defect,
          };
          rejected.push({ index: r, sourceRow: source[r]!, reasons: [reason] });
          continue;
        }
        const failures = transformed.failures[r];
        let reasons: RejectReason[] | undefined = failures && [...failures];
        if (failures) {
          const counted = new Set<number>();
          for (const f of failures) counted.add(IMPLICIT_INDEX[f.rule]!);
          for (const index of counted) tally.fail(index);
        }
        if (defect !== undefined) {
          tally.fail(IMPLICIT_RULES.source);
          (reasons ??= []).unshift({ rule: 'source', column: null, severity: 'critical', message: defect });
        }
        const repair = rowRepair(source[r]!);
        if (repair !== undefined) {
          const rule = program.repairs.get(repair);
          if (rule === undefined)
            throw new Error(`the source marked a row with "${repair}", a repair its table does not declare`);
          tally.fail(rule);
        }
        if (program.invalidText) {
          for (const position of replacedValues(source[r]!) ?? []) tally.fail(program.invalidText[position]!);
        }
        tally.countValues(row);
        const clean = failures === undefined;
        for (const check of checks) {
          if (check.needsCleanRow && !clean) continue;
          tally.check(check.rule);
          const problem = check.test(row);
          if (problem === null) continue;
          tally.fail(check.rule);
          (reasons ??= []).push({
            rule: descriptors[check.rule]!.name,
            column: check.column,
            severity: check.severity,
            message: check.message ?? problem,
          });
        }
        // Unique and parent keys are taken from the values before masking.
        if (provenOnly) {
          for (let u = 0; u < unique.length; u++) provenPresent[u] = hasUniqueValue(unique[u]!, row) ? 1 : 0;
        }
        const uniqueKeys = keyed && unique.length ? unique.map((u) => uniqueKey(u, row)) : undefined;
        const parentKeys = keySets.length ? keySets.map((k) => row[k.position]) : undefined;
        if (masked) {
          for (let c = 0; c < width; c++) {
            const mask = masks[c];
            if (mask) row[c] = mask(row[c]);
          }
        }
        let constraintFailed = false;
        for (let c = 0; c < width; c++) {
          const problem = constraints[c]!(row[c]);
          // A value that failed its transform or cast is null now; don't also report it as NOT NULL.
          if (problem === null || failures?.some((f) => f.column === names[c])) continue;
          constraintFailed = true;
          (reasons ??= []).push({
            rule: 'target constraints',
            column: names[c]!,
            severity: 'critical',
            message: problem,
          });
        }
        if (constraintFailed) tally.fail(IMPLICIT_RULES.constraints);
        if (!recompute && reasons?.some((reason) => rejects(reason.severity))) {
          rejected.push({ index: r, sourceRow: source[r]!, reasons });
          continue;
        }
        if (keyed) candidates.push({ index: r, row, reasons, uniqueKeys, parentKeys });
        else {
          for (let u = 0; u < provenPresent.length; u++) if (provenPresent[u]) tally.check(unique[u]!.rule);
          accepted.push(row);
          positions.push(r);
        }
      }
      if (keyed) claimUniqueValues(candidates);
      for (const candidate of candidates) {
        if (candidate.rejected) {
          rejected.push({
            index: candidate.index,
            sourceRow: source[candidate.index]!,
            reasons: candidate.reasons!,
          });
          continue;
        }
        accepted.push(candidate.row);
        positions.push(candidate.index);
      }
      for (let k = 0; keyed && k < keySets.length; k++) {
        const keys: string[] = [];
        for (const { rejected: no, parentKeys } of candidates) {
          const value = parentKeys![k];
          if (!no && value !== null && value !== undefined) keys.push(keyText([value]));
        }
        keyIndex.claimMany(keySets[k]!.set, keys);
      }
    });
    if (unique.length) rejected.sort((a, b) => a.index - b.index);
    return { accepted, positions, rejected, filtered: transformed.filtered };
  };
}
