/**
 * The key of a target row as verification reports it: the JSON array of its primary-key values, like
 * RejectedRow.key (an integer as a number, or as a string beyond 2^53; other values in their normal
 * spelling, see value-normalizer.ts), so the same key read from either side is the same text.
 */
import type { ColumnSchema, Row } from '../connectors/connector.ts';
import { valueNormalizer } from './value-normalizer.ts';

/** A row's key text. */
export type RowKeyer = (row: Row) => string;

const INTEGER_TEXT = /^-?\d+$/;

function keyValue(column: ColumnSchema): (value: unknown) => unknown {
  const normalize = valueNormalizer(column);
  const { kind } = column.type;
  if (column.type.array || (kind !== 'integer' && kind !== 'bigint' && kind !== 'boolean')) return normalize;
  return (value) => {
    const text = normalize(value);
    if (text === null || kind === 'boolean') return text === null ? null : text === 't';
    if (!INTEGER_TEXT.test(text)) return text;
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text;
  };
}

/** Compiles the key of rows in `columns` order whose key columns are at `positions`. */
export function createRowKeyer(columns: readonly ColumnSchema[], positions: readonly number[]): RowKeyer {
  const values = positions.map((p) => keyValue(columns[p]!));
  if (positions.length === 1) {
    const [position] = positions as [number];
    const [value] = values as [(value: unknown) => unknown];
    return (row) => `[${JSON.stringify(value(row[position]))}]`;
  }
  return (row) => JSON.stringify(positions.map((p, i) => values[i]!(row[p])));
}

/** Orders key texts by their values: numbers (and integer strings) numerically, the rest as text. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const left = JSON.parse(a) as unknown[];
  const right = JSON.parse(b) as unknown[];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = compareValues(left[i], right[i]);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

function asInteger(value: unknown): bigint | null {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) return BigInt(value);
  return null;
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const x = asInteger(a);
  const y = asInteger(b);
  if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const s = String(a);
  const t = String(b);
  return s < t ? -1 : s > t ? 1 : 0;
}
