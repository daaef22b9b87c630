/**
 * Phase 3, Transformation: turns extracted rows into target rows. In this version that is the cast of
 * every value to its target column's type (renames and column selection were settled by Planning, which
 * reads the source columns in target order). Compiled once per table into a plain loop.
 */
import type { Row, RowBatch } from '../connectors/connector.ts';
import { CoercionError, coercerFor, type Coercer } from './coerce.ts';
import type { TablePlan } from './plan-types.ts';

/** Transformed rows, position for position with the input batch; failed rows carry their reasons. */
export interface TransformedBatch {
  rows: Row[];
  /** Sparse: `failures[i]` lists why row i could not be transformed. */
  failures: (string[] | undefined)[];
}

export type BatchTransform = (batch: RowBatch) => TransformedBatch;

/** Compiles the transformation of one table. */
export function compileTransform(plan: TablePlan): BatchTransform {
  const names = plan.columns.map((c) => c.target.name);
  const coercers: Coercer[] = plan.columns.map((c) => coercerFor(c.target.type));
  const width = coercers.length;
  return (batch) => {
    const rows: Row[] = new Array(batch.length);
    const failures: (string[] | undefined)[] = [];
    for (let r = 0; r < batch.length; r++) {
      const input = batch[r]!;
      const output: unknown[] = new Array(width);
      for (let c = 0; c < width; c++) {
        const value = input[c];
        if (value === null || value === undefined) {
          output[c] = null;
          continue;
        }
        try {
          output[c] = coercers[c]!(value);
        } catch (error) {
          if (!(error instanceof CoercionError)) throw error;
          (failures[r] ??= []).push(`${names[c]}: ${error.message}`);
          output[c] = null;
        }
      }
      rows[r] = output;
    }
    return { rows, failures };
  };
}
