/**
 * Native types that hold single-precision floats, as PostgreSQL and MySQL spell them (lower case):
 * `real`/`float4`, MySQL `float`, `float(p ≤ 24)`, `float(m,d)`. Verification compares such values after
 * rounding to single precision (Math.fround), as such a column stores them. SQLite's `REAL` (a double)
 * does not match.
 */
import type { LogicalType } from './logical-type.ts';

const SINGLE_PRECISION =
  /^\s*(?:real|float4|float(?:\s*\(\s*(?:(?:\d|1\d|2[0-4])|\d+\s*,\s*\d+)\s*\))?)(?:\s+unsigned)?(?:\s+zerofill)?\s*$/;

/** True when a column of this portable type and native type stores single-precision floats. */
export function isSinglePrecision(column: { type: LogicalType; nativeType: string }): boolean {
  return column.type.kind === 'float' && SINGLE_PRECISION.test(column.nativeType);
}
