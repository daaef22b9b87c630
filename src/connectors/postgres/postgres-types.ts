/**
 * Type mapping between PostgreSQL and portable types, and the portable form of column defaults in
 * both directions.
 */
import type { ColumnSchema } from '../connector.ts';
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

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const QUOTED = /^'((?:[^']|'')*)'$/s;
/** A trailing cast such as `::text`, `::character varying(20)`, `::"my type"[]`, `::public.mood`. */
const TRAILING_CAST =
  /::(?:"(?:[^"]|"")+"|[a-z_][\w$]*)(?:\.(?:"(?:[^"]|"")+"|[a-z_][\w$]*))?(?: [a-z ]+?)?(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])*$/i;
const CURRENT_TIMESTAMP =
  /^(?:now\(\)|current_timestamp(?:\(\d\))?|localtimestamp(?:\(\d\))?|statement_timestamp\(\)|transaction_timestamp\(\))$/i;
const CURRENT_TIME = /^(?:current_time(?:\(\d\))?|localtime(?:\(\d\))?)$/i;

/** Removes parentheses that wrap the whole expression, e.g. `(42)` or `('now'::text)`. */
function unwrap(text: string): string {
  let current = text.trim();
  while (current.startsWith('(') && current.endsWith(')') && balanced(current.slice(1, -1))) {
    current = current.slice(1, -1).trim();
  }
  return current;
}

function balanced(text: string): boolean {
  let depth = 0;
  let quoted = false;
  for (const char of text) {
    if (char === "'") quoted = !quoted;
    else if (!quoted && char === '(') depth++;
    else if (!quoted && char === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** The expression with its casts and wrapping parentheses removed: `('-1'::integer)` → `'-1'`. */
function stripCasts(expression: string): string {
  let text = unwrap(expression);
  for (;;) {
    const next = unwrap(text.replace(TRAILING_CAST, ''));
    if (next === text) return text;
    text = next;
  }
}

/**
 * Reads a column default as PostgreSQL prints it (`pg_get_expr`) in portable form: literals without
 * their casts, `now()` and friends as CURRENT_TIMESTAMP / CURRENT_DATE / CURRENT_TIME, and a
 * `nextval(…)` default as an auto-increment column. Anything else is not portable: null.
 */
export function portableDefault(
  expression: string | null,
  kind: LogicalKind,
): { defaultValue: string | null; autoIncrement: boolean } {
  if (expression === null) return { defaultValue: null, autoIncrement: false };
  if (/^nextval\(/i.test(expression.trim())) return { defaultValue: null, autoIncrement: true };
  const text = stripCasts(expression);
  const none = { defaultValue: null, autoIncrement: false };
  if (CURRENT_TIMESTAMP.test(text)) return { defaultValue: 'CURRENT_TIMESTAMP', autoIncrement: false };
  if (/^current_date$/i.test(text)) return { defaultValue: 'CURRENT_DATE', autoIncrement: false };
  if (CURRENT_TIME.test(text)) return { defaultValue: 'CURRENT_TIME', autoIncrement: false };
  if (/^(?:true|false)$/i.test(text)) return { defaultValue: text.toUpperCase(), autoIncrement: false };
  if (NUMBER.test(text)) return { defaultValue: text, autoIncrement: false };
  const quoted = QUOTED.exec(text);
  if (!quoted) return none;
  const value = quoted[1]!;
  // The old spelling of a moving default: 'now'::text::date and the like.
  if (value.toLowerCase() === 'now') {
    if (kind === 'date') return { defaultValue: 'CURRENT_DATE', autoIncrement: false };
    if (kind === 'time') return { defaultValue: 'CURRENT_TIME', autoIncrement: false };
    return { defaultValue: 'CURRENT_TIMESTAMP', autoIncrement: false };
  }
  const numeric = kind === 'integer' || kind === 'bigint' || kind === 'decimal' || kind === 'float';
  if (numeric && NUMBER.test(value)) return { defaultValue: value, autoIncrement: false };
  return { defaultValue: text, autoIncrement: false };
}

const TRUE_DEFAULTS = new Set(['1', 'true', 't', 'yes', 'y', 'on', "b'1'"]);
const FALSE_DEFAULTS = new Set(['0', 'false', 'f', 'no', 'n', 'off', "b'0'"]);

/**
 * The DEFAULT clause expression for a target column, or null for none. Boolean defaults from MySQL
 * and SQLite arrive as 0/1 and become false/true; a literal that does not suit the column's type
 * is dropped (the sink also checks literals against the server before creating the table).
 */
export function postgresDefault(column: ColumnSchema): string | null {
  const value = column.defaultValue?.trim();
  if (value === undefined || value === '' || column.autoIncrement) return null;
  const upper = value.toUpperCase();
  if (upper === 'NULL') return null;
  const { kind } = column.type;
  if (upper === 'CURRENT_TIMESTAMP' || upper === 'CURRENT_DATE' || upper === 'CURRENT_TIME') {
    const moving = ['date', 'time', 'timestamp', 'timestamptz', 'text'].includes(kind);
    return moving && !column.type.array ? upper : null;
  }
  const quoted = QUOTED.exec(value);
  const literal = quoted ? quoted[1]!.replace(/''/g, "'") : value;
  if (kind === 'boolean' && !column.type.array) {
    const word = literal.toLowerCase();
    if (TRUE_DEFAULTS.has(word) || TRUE_DEFAULTS.has(value.toLowerCase())) return 'true';
    if (FALSE_DEFAULTS.has(word) || FALSE_DEFAULTS.has(value.toLowerCase())) return 'false';
    return null;
  }
  const numeric = kind === 'integer' || kind === 'bigint' || kind === 'decimal' || kind === 'float';
  if (numeric && !column.type.array) return NUMBER.test(literal) ? literal : null;
  if (column.type.enumValues && !column.type.array && !column.type.enumValues.includes(literal)) return null;
  if (quoted) return value;
  if (NUMBER.test(value) && kind === 'text') return `'${value}'`;
  return null;
}
