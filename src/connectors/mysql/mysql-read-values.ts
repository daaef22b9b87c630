/**
 * Turns what mysql2 delivers into canonical values. The driver already gives most values their final
 * form (see connectionOptions: numbers, strings for dates/decimals/JSON, Buffers for binary), so only
 * the columns listed here get a converter, compiled once per read from the introspected column; every
 * other column is passed through untouched.
 *
 * Why not a mysql2 `typeCast`: it runs for every value of every column, cannot see UNSIGNED or SET
 * (the field flags are not passed to it) and cannot mark a row; converting after the driver's compiled
 * row parser is both simpler and faster.
 */
import type { ColumnSchema, Row } from '../connector.ts';
import { markRowDefect, rowDefect } from '../row-defect.ts';
import { GEOMETRY_TYPES, parseNativeType, quoteMysqlIdentifier } from './mysql-types.ts';

/** Converts one non-null value of a column; may mark the row. */
export type ReadConverter = (value: unknown, row: Row) => unknown;

export type ZeroDates = 'null' | 'reject';

/** The select-list expression of a column: spatial values as WKT text. */
export function selectExpression(column: ColumnSchema): string {
  const quoted = quoteMysqlIdentifier(column.name);
  return GEOMETRY_TYPES.has(parseNativeType(column.nativeType).base)
    ? `ST_AsText(${quoted}) AS ${quoted}`
    : quoted;
}

/** The converter of a column's values, or null when the driver's value is already canonical. */
export function readConverterFor(column: ColumnSchema, zeroDates: ZeroDates): ReadConverter | null {
  const native = parseNativeType(column.nativeType);
  const kind = column.type.kind;
  switch (native.base) {
    case 'tinyint':
      return kind === 'boolean' ? toBoolean : null;
    case 'bigint':
      return native.unsigned ? toDecimalString : toBigint;
    case 'decimal':
    case 'numeric':
    case 'dec':
    case 'fixed':
      return canonicalDecimal;
    case 'bit':
      if (kind === 'boolean') return (value) => bitsOf(value as Buffer) !== 0n;
      if (kind === 'decimal') return (value) => bitsOf(value as Buffer).toString();
      return (value) => safeNumber(bitsOf(value as Buffer));
    case 'set':
      return (value) => (value === '' ? [] : String(value).split(','));
    case 'date':
    case 'datetime':
    case 'timestamp':
      return zeroDateConverter(column.name, zeroDates);
  }
  if (GEOMETRY_TYPES.has(native.base)) return (value) => (Buffer.isBuffer(value) ? value.toString() : value);
  return null;
}

/** Applies a table's converters to a row in place. */
export function rowConverter(converters: (ReadConverter | null)[]): ((row: Row) => void) | null {
  const positions: number[] = [];
  const functions: ReadConverter[] = [];
  converters.forEach((converter, index) => {
    if (converter) {
      positions.push(index);
      functions.push(converter);
    }
  });
  if (!positions.length) return null;
  const count = positions.length;
  return (row) => {
    for (let i = 0; i < count; i++) {
      const position = positions[i]!;
      const value = row[position];
      if (value !== null && value !== undefined) row[position] = functions[i]!(value, row);
    }
  };
}

/** tinyint(1): 0/1 become booleans; any other value stays a number, which the cast then rejects. */
function toBoolean(value: unknown): unknown {
  if (value === 0) return false;
  if (value === 1) return true;
  return value;
}

/** mysql2 gives BIGINT as a number, or as a string beyond 2^53 (supportBigNumbers). */
function toBigint(value: unknown): unknown {
  return typeof value === 'string' ? BigInt(value) : value;
}

/** BIGINT UNSIGNED maps to decimal(20,0), whose canonical form is a string. */
function toDecimalString(value: unknown): unknown {
  return typeof value === 'number' ? String(value) : value;
}

/** `12.50` → `12.5`, `3.00` → `3`, `-0.00` → `0`: the canonical decimal (no trailing zeros). */
function canonicalDecimal(value: unknown): unknown {
  if (typeof value !== 'string' || !value.includes('.')) return value;
  let end = value.length;
  while (value.charCodeAt(end - 1) === 48) end--; // '0'
  if (value.charCodeAt(end - 1) === 46) end--; // '.'
  const text = end === value.length ? value : value.slice(0, end);
  return text === '-0' ? '0' : text;
}

/** A BIT value (big-endian bytes) as an unsigned integer. */
function bitsOf(bytes: Buffer): bigint {
  let result = 0n;
  for (const byte of bytes) result = (result << 8n) | BigInt(byte);
  return result;
}

function safeNumber(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/**
 * A DATE/DATETIME/TIMESTAMP text with a zero month or day (`0000-00-00`, `2024-00-10`) is no date:
 * it becomes NULL, and with `reject` the row is also marked so that the engine rejects it.
 */
function zeroDateConverter(column: string, zeroDates: ZeroDates): ReadConverter {
  return (value, row) => {
    const text = value as string;
    const zero =
      (text.charCodeAt(5) === 48 && text.charCodeAt(6) === 48) ||
      (text.charCodeAt(8) === 48 && text.charCodeAt(9) === 48);
    if (!zero) return value;
    if (zeroDates === 'reject') {
      const reason = `${column}: zero date "${text}"`;
      const earlier = rowDefect(row);
      markRowDefect(row, earlier === undefined ? reason : `${earlier}; ${reason}`);
    }
    return null;
  };
}
