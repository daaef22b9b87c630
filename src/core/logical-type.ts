/**
 * Portable column types. Every connector maps its native types to these and back, so any source can
 * feed any target; a spec's type override is written with these names (e.g. `varchar(255)`, `decimal(12,2)`).
 */

export type LogicalKind =
  | 'boolean'
  | 'integer'
  | 'bigint'
  | 'decimal'
  | 'float'
  | 'text'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'binary'
  | 'json'
  | 'uuid';

export interface LogicalType {
  kind: LogicalKind;
  /** Maximum length in characters for `text` (varchar(n)); undefined means unbounded. */
  length?: number;
  /** Total digits for `decimal`. */
  precision?: number;
  /** Digits after the point for `decimal`. */
  scale?: number;
  /** For `text`: the only values allowed (a MySQL ENUM); targets enforce it with a CHECK or an enum type. */
  enumValues?: string[];
  /** Values are arrays of this type (a MySQL SET becomes an array of text). */
  array?: boolean;
  /**
   * For `integer`, `bigint` and `decimal`: the smallest and largest value the column holds, where the
   * native type is narrower than the kind (PostgreSQL smallint, MySQL tinyint, unsigned columns). Set by
   * introspection; planning keeps it only for the columns of an existing target table.
   */
  min?: number;
  max?: number;
}

const ALIASES: Record<string, LogicalKind> = {
  boolean: 'boolean',
  bool: 'boolean',
  integer: 'integer',
  int: 'integer',
  smallint: 'integer',
  bigint: 'bigint',
  decimal: 'decimal',
  numeric: 'decimal',
  float: 'float',
  double: 'float',
  real: 'float',
  text: 'text',
  varchar: 'text',
  string: 'text',
  date: 'date',
  time: 'time',
  timestamp: 'timestamp',
  datetime: 'timestamp',
  timestamptz: 'timestamptz',
  binary: 'binary',
  blob: 'binary',
  bytes: 'binary',
  json: 'json',
  uuid: 'uuid',
};

/** The type names a spec may use, for error messages and the JSON Schema. */
export const LOGICAL_TYPE_NAMES = Object.keys(ALIASES);

/**
 * Parses a portable type name such as `varchar(40)` or `decimal(12,2)`.
 * Returns null when the name is not a portable type.
 */
export function parseLogicalType(name: string): LogicalType | null {
  const match = /^\s*([a-z]+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i.exec(name);
  if (!match) return null;
  const kind = ALIASES[match[1]!.toLowerCase()];
  if (!kind) return null;
  const first = match[2] === undefined ? undefined : Number(match[2]);
  const second = match[3] === undefined ? undefined : Number(match[3]);
  if (kind === 'text') return first === undefined ? { kind } : { kind, length: first };
  if (kind === 'decimal') {
    if (first === undefined) return { kind };
    if (second !== undefined && second > first) return null;
    return { kind, precision: first, scale: second ?? 0 };
  }
  if (first !== undefined) return null;
  return { kind };
}

/**
 * The portable name of a type with its range, for people: `integer (-32768 to 32767)` for a smallint
 * column of an existing target table, else {@link formatLogicalType}.
 */
export function describeLogicalType(type: LogicalType): string {
  const name = formatLogicalType(type);
  if (type.min === undefined && type.max === undefined) return name;
  return `${name} (${type.min ?? '…'} to ${type.max ?? '…'})`;
}

/** The portable name of a type, the inverse of {@link parseLogicalType}. */
export function formatLogicalType(type: LogicalType): string {
  if (type.array) return `${formatLogicalType({ ...type, array: false })}[]`;
  if (type.enumValues) return `enum(${type.enumValues.map((v) => `'${v}'`).join(',')})`;
  if (type.kind === 'text') return type.length === undefined ? 'text' : `varchar(${type.length})`;
  if (type.kind === 'decimal' && type.precision !== undefined) {
    return `decimal(${type.precision},${type.scale ?? 0})`;
  }
  return type.kind;
}
