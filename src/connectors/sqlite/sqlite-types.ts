/**
 * Type mapping between SQLite declared types and portable types, following SQLite's affinity rules
 * (column defaults: sqlite-defaults.ts).
 */
import type { LogicalType } from '../../core/logical-type.ts';

/**
 * Maps a declared column type (`VARCHAR(40)`, `DECIMAL(12,2)`, `DATETIME`, …) to a portable type.
 * SQLite accepts any declared type; names that say nothing specific fall back to their affinity.
 */
export function sqliteToLogical(declared: string): LogicalType {
  const upper = declared.trim().toUpperCase();
  const args = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(upper);
  const first = args?.[1] === undefined ? undefined : Number(args[1]);
  const second = args?.[2] === undefined ? undefined : Number(args[2]);
  if (upper.includes('JSON')) return { kind: 'json' };
  if (upper.includes('UUID')) return { kind: 'uuid' };
  if (upper.includes('BOOL')) return { kind: 'boolean' };
  if (upper === 'INTEGER' || upper.includes('BIGINT') || upper.includes('INT8')) return { kind: 'bigint' };
  if (upper.includes('INT')) return { kind: 'integer' };
  if (upper.startsWith(DECIMAL_TEXT)) {
    return first === undefined
      ? { kind: 'decimal' }
      : { kind: 'decimal', precision: first, scale: second ?? 0 };
  }
  if (upper.includes('CHAR') || upper.includes('CLOB') || upper.includes('TEXT')) {
    return first === undefined ? { kind: 'text' } : { kind: 'text', length: first };
  }
  if (upper.includes('BLOB') || upper.includes('BINARY')) return { kind: 'binary' };
  if (upper.includes('REAL') || upper.includes('FLOA') || upper.includes('DOUB')) return { kind: 'float' };
  if (upper.includes('TIMESTAMPTZ') || upper.includes('WITH TIME ZONE')) return { kind: 'timestamptz' };
  if (upper.includes('DATETIME') || upper.includes('TIMESTAMP')) return { kind: 'timestamp' };
  if (upper.includes('DATE')) return { kind: 'date' };
  if (upper.includes('TIME')) return { kind: 'time' };
  if (upper.includes('DEC') || upper.includes('NUMERIC') || upper.includes('MONEY')) {
    return first === undefined
      ? { kind: 'decimal' }
      : { kind: 'decimal', precision: first, scale: second ?? 0 };
  }
  // No declared type (any value) or an unknown name: keep the text form, which loses nothing.
  return { kind: 'text' };
}

/**
 * A decimal column with TEXT affinity (the name contains TEXT and no INT). SQLite's NUMERIC affinity
 * turns a decimal string into an INTEGER or a REAL, which keeps at most 15 significant digits exactly
 * (and a number past 2^63 only approximately), so wider decimals are kept as the text they are.
 */
const DECIMAL_TEXT = 'DECIMAL_TEXT';

/** Significant digits a REAL (an IEEE double) carries exactly through SQLite's text conversions. */
const EXACT_REAL_DIGITS = 15;

/** The declared type written for a portable type; chosen so that {@link sqliteToLogical} maps it back. */
export function logicalToSqlite(type: LogicalType): string {
  if (type.array) return 'JSON TEXT'; // SQLite has no arrays: JSON text, as the MySQL target writes
  switch (type.kind) {
    case 'boolean':
      return 'BOOLEAN';
    case 'integer':
      return 'INT';
    case 'bigint':
      return 'INTEGER';
    case 'decimal':
      if (type.precision === undefined) return DECIMAL_TEXT;
      return `${type.precision <= EXACT_REAL_DIGITS ? 'DECIMAL' : DECIMAL_TEXT}(${type.precision},${type.scale ?? 0})`;
    case 'float':
      return 'REAL';
    case 'text':
      return type.length === undefined ? 'TEXT' : `VARCHAR(${type.length})`;
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME';
    case 'timestamp':
      return 'DATETIME';
    case 'timestamptz':
      return 'TIMESTAMP WITH TIME ZONE';
    case 'binary':
      return 'BLOB';
    case 'json':
      return 'JSON TEXT';
    case 'uuid':
      return 'UUID TEXT';
  }
}

/** Quotes an identifier for SQLite. */
export function quoteSqliteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
