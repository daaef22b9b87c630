/**
 * Phase 3, Transformation: turns extracted rows into target rows. Per row: the spec's filter (over the
 * source values), each column's transform steps, the cast to the target type, then the computed columns.
 * Runs the table's compiled program (rules/table-program.ts) in one plain loop per batch.
 */
import type { Row, RowBatch } from '../connectors/connector.ts';
import { rowDefect } from '../connectors/row-defect.ts';
import { ExpressionRuntimeError } from '../rules/expression.ts';
import type { TableProgram } from '../rules/table-program.ts';
import { TransformError } from '../rules/transform-error.ts';
import type { RejectReason } from '../state/run-types.ts';
import { CoercionError, coercerFor, type Coercer } from '../core/coerce.ts';
import type { TablePlan } from '../plan/plan-types.ts';

/** Transformed rows, position for position with the input batch; failed rows carry their reasons. */
export interface TransformedBatch {
  /** null where the filter left the row out. */
  rows: (Row | null)[];
  /** Sparse: `failures[i]` lists why row i could not be transformed. */
  failures: (RejectReason[] | undefined)[];
  /** Rows the filter left out. */
  filtered: number;
}

export type BatchTransform = (batch: RowBatch) => TransformedBatch;

function reason(rule: string, column: string | null, message: string): RejectReason {
  return { rule, column, severity: 'critical', message };
}

/** Compiles the transformation of one table. */
export function compileTransform(plan: TablePlan, program: TableProgram): BatchTransform {
  const targets = plan.target.columns;
  const readWidth = plan.columns.length;
  const width = targets.length;
  const coercers: Coercer[] = targets.map((c) => coercerFor(c.type));
  const names = targets.map((c) => c.name);
  const { filter, steps, computed } = program;
  return (batch) => {
    const rows: (Row | null)[] = new Array(batch.length);
    const failures: (RejectReason[] | undefined)[] = [];
    let filtered = 0;
    for (let r = 0; r < batch.length; r++) {
      const input = batch[r]!;
      // A row the source could not read exactly is rejected for that, never filtered on guessed values.
      if (filter && rowDefect(input) === undefined) {
        try {
          if (!filter(input)) {
            rows[r] = null;
            filtered++;
            continue;
          }
        } catch (error) {
          if (!(error instanceof ExpressionRuntimeError)) throw error;
          (failures[r] ??= []).push(reason('filter', null, `filter cannot be evaluated: ${error.message}`));
        }
      }
      const output: unknown[] = new Array(width);
      for (let c = 0; c < width; c++) {
        let value: unknown;
        if (c < readWidth) {
          value = input[c];
          const step = steps[c];
          if (step) {
            try {
              value = step(value, input);
            } catch (error) {
              if (!(error instanceof TransformError)) throw error;
              (failures[r] ??= []).push(reason('transform', names[c]!, error.message));
              output[c] = null;
              continue;
            }
          }
        } else {
          try {
            value = computed[c - readWidth]!(output);
          } catch (error) {
            if (!(error instanceof ExpressionRuntimeError)) throw error;
            (failures[r] ??= []).push(reason('transform', names[c]!, `expression failed: ${error.message}`));
            output[c] = null;
            continue;
          }
        }
        if (value === null || value === undefined) {
          output[c] = null;
          continue;
        }
        try {
          output[c] = coercers[c]!(value);
        } catch (error) {
          if (!(error instanceof CoercionError)) throw error;
          (failures[r] ??= []).push(reason('cast', names[c]!, error.message));
          output[c] = null;
        }
      }
      rows[r] = output;
    }
    return { rows, failures, filtered };
  };
}
