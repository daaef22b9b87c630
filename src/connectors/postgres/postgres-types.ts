/** Type mapping between PostgreSQL and portable types (column defaults: postgres-defaults.ts). */
import type { LogicalKind, LogicalType } from '../../core/logical-type.ts';

/** The largest `varchar(n)` PostgreSQL accepts; longer limits become `text`. */
const MAX_VARCHAR_LENGTH = 10_485_760;
/** The largest `numeric(p, s)` precision PostgreSQL accepts. */
const MAX_NUMERIC_PRECISION = 1000;
/** VARHDRSZ: the offset PostgreSQL adds to a type modifier. */
const TYPMOD_OFFSET = 4;

/** What the introspector knows about a column's type (domains already resolved to their base type). */
export interface PostgresTypeInfo {
  /** `pg_type.typname` of the base type, or of the element type for an array (`int4`, `varchar`, …). */
  typeName: string;
  /** The type modifier (`atttypmod`), -1 when none. */
  typmod: number;
  /** The column holds arrays of `typeName`. */
  isArray: boolean;
  /** Labels of an enum type, in their sort order; null when the type is not an enum. */
  enumValues: string[] | null;
}

const SIMPLE_TYPES: Record<string, LogicalKind> = {
  int2: 'integer',
  int4: 'integer',
  int8: 'bigint',
  float4: 'float',
  float8: 'float',
  bool: 'boolean',
  text: 'text',
  name: 'text',
  date: 'date',
  time: 'time',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  bytea: 'binary',
  json: 'json',
  jsonb: 'json',
  uuid: 'uuid',
};

/** True when {@link postgresToLogical} only fell back to text because it has no mapping for the type. */
export function isUnmappedPostgresType(info: PostgresTypeInfo): boolean {
  return (
    !info.enumValues &&
    !(info.typeName in SIMPLE_TYPES) &&
    !['varchar', 'bpchar', 'numeric'].includes(info.typeName)
  );
}

/** Precision and scale of a `numeric` type modifier, or null for an unconstrained numeric. */
export function numericTypmod(typmod: number): { precision: number; scale: number } | null {
  if (typmod < TYPMOD_OFFSET) return null;
  const value = typmod - TYPMOD_OFFSET;
  // The scale is an 11-bit signed field since PostgreSQL 15 (negative scales round to tens, hundreds…).
  const scale = ((value & 0x7ff) ^ 1024) - 1024;
  return { precision: (value >> 16) & 0xffff, scale };
}

/**
 * Maps a PostgreSQL column type to a portable type. Types without a portable counterpart (interval,
 * inet, money, geometric types, …) become text: their text form loses nothing, and the column's
 * nativeType says what it was.
 */
export function postgresToLogical(info: PostgresTypeInfo): LogicalType {
  const base = elementToLogical(info);
  return info.isArray ? { ...base, array: true } : base;
}

function elementToLogical(info: PostgresTypeInfo): LogicalType {
  if (info.enumValues) return { kind: 'text', enumValues: info.enumValues };
  const { typeName, typmod } = info;
  if (typeName === 'varchar' || typeName === 'bpchar') {
    return typmod >= TYPMOD_OFFSET ? { kind: 'text', length: typmod - TYPMOD_OFFSET } : { kind: 'text' };
  }
  if (typeName === 'numeric') {
    const size = numericTypmod(typmod);
    // Negative scales (and scales beyond the precision) have no portable form; unconstrained keeps every value.
    if (!size || size.scale < 0 || size.scale > size.precision) return { kind: 'decimal' };
    return { kind: 'decimal', precision: size.precision, scale: size.scale };
  }
  if (typeName === 'int2') return { kind: 'integer', min: -32768, max: 32767 };
  return { kind: SIMPLE_TYPES[typeName] ?? 'text' };
}

/**
 * The PostgreSQL type written for a portable type; `enumType` is the (already quoted) enum type to use
 * for a column with enum values, when the target creates enum types.
 */
export function logicalToPostgres(type: LogicalType, enumType?: string): string {
  const base = enumType ?? elementToPostgres(type);
  return type.array ? `${base}[]` : base;
}

function elementToPostgres(type: LogicalType): string {
  switch (type.kind) {
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'bigint':
      return 'bigint';
    case 'decimal':
      if (type.precision === undefined || type.precision < 1 || type.precision > MAX_NUMERIC_PRECISION) {
        return 'numeric';
      }
      return `numeric(${type.precision},${Math.min(type.scale ?? 0, type.precision)})`;
    case 'float':
      return 'double precision';
    case 'text':
      return type.length !== undefined && type.length >= 1 && type.length <= MAX_VARCHAR_LENGTH
        ? `varchar(${type.length})`
        : 'text';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'timestamp':
      return 'timestamp';
    case 'timestamptz':
      return 'timestamptz';
    case 'binary':
      return 'bytea';
    case 'json':
      return 'jsonb';
    case 'uuid':
      return 'uuid';
  }
}
