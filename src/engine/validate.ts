/**
 * Phase 4, Validation: checks transformed rows against the target's constraints (NOT NULL, length,
 * allowed values, no NUL in text): everything a bulk load would otherwise fail a whole batch on. Rows
 * the source could only read approximately (see row-defect.ts) are rejected too. Each batch splits into
 * rows to load and rows to reject, with every reason for each. Compiled once per table; all checks of a
 * row run in one pass.
 */
import type { Row, RowBatch } from '../connectors/connector.ts';
import { rowDefect } from '../connectors/row-defect.ts';
import type { TablePlan } from './plan-types.ts';
import type { TransformedBatch } from './transform.ts';

export interface Rejection {
  /** Position of the row in its batch. */
  index: number;
  /** The row as extracted, before transformation. */
  sourceRow: Row;
  reasons: string[];
}

export interface ValidatedBatch {
  accepted: RowBatch;
  rejected: Rejection[];
}

export type BatchValidator = (source: RowBatch, transformed: TransformedBatch) => ValidatedBatch;

type Check = (value: unknown) => string | null;

function checksFor(plan: TablePlan): Check[] {
  return plan.columns.map(({ target }) => {
    const required = !target.nullable;
    const text = target.type.kind === 'text' && !target.type.array;
    const limit = text ? target.type.length : undefined;
    const allowed = target.type.enumValues && new Set(target.type.enumValues);
    return (value) => {
      if (value === null)
        return required ? `${target.name}: is NULL but the target column is NOT NULL` : null;
      if (text && typeof value === 'string' && value.includes('\0')) {
        return `${target.name}: contains a NUL character, which text columns cannot hold`;
      }
      if (allowed && !allowed.has(value as string)) {
        return `${target.name}: ${JSON.stringify(value)} is not one of the allowed values (${[...allowed].join(', ')})`;
      }
      if (limit !== undefined && typeof value === 'string' && value.length > limit) {
        const length = [...value].length; // characters, not UTF-16 units
        if (length > limit) return `${target.name}: is ${length} characters, longer than varchar(${limit})`;
      }
      return null;
    };
  });
}

/** Compiles the validation of one table. */
export function compileValidator(plan: TablePlan): BatchValidator {
  const checks = checksFor(plan);
  const width = checks.length;
  return (source, transformed) => {
    const accepted: RowBatch = [];
    const rejected: Rejection[] = [];
    for (let r = 0; r < transformed.rows.length; r++) {
      const row = transformed.rows[r]!;
      let reasons = transformed.failures[r];
      const defect = rowDefect(source[r]!);
      if (defect !== undefined) (reasons ??= []).unshift(defect);
      for (let c = 0; c < width; c++) {
        const problem = checks[c]!(row[c]);
        // A value that failed its cast is null now; don't also report it as a NOT NULL violation.
        if (
          problem !== null &&
          !reasons?.some((reason) => reason.startsWith(`${plan.columns[c]!.target.name}:`))
        ) {
          (reasons ??= []).push(problem);
        }
      }
      if (reasons) rejected.push({ index: r, sourceRow: source[r]!, reasons });
      else accepted.push(row);
    }
    return { accepted, rejected };
  };
}
