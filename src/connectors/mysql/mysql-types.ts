/**
 * Type mapping between MySQL/MariaDB column types and portable types, in both directions.
 *
 * ## Source: MySQL/MariaDB → portable
 *
 * | MySQL / MariaDB (`COLUMN_TYPE`)                      | portable type                       | canonical value read           |
 * | ---------------------------------------------------- | ----------------------------------- | ------------------------------ |
 * | `tinyint(1)` (with `tinyint1AsBoolean`, the default) | `boolean`                           | `true`/`false` (other values stay numbers and are rejected by the cast) |
 * | `tinyint`, `smallint`, `mediumint` (± unsigned), `int` | `integer` (with the type's `min`/`max` below `int`) | number       |
 * | `int unsigned`                                       | `bigint` (`min` 0, `max` 4294967295) | number                        |
 * | `bigint`                                             | `bigint`                            | number, bigint beyond 2^53     |
 * | `bigint unsigned`                                    | `decimal(20,0)` (`min` 0)           | decimal string                 |
 * | `decimal(p,s)` / `numeric(p,s)`                      | `decimal(p,s)`                      | canonical decimal string (no trailing zeros) |
 * | `float`, `double`, `real`                            | `float`                             | number                         |
 * | `bit(1)`                                             | `boolean`                           | boolean                        |
 * | `bit(n)`, 1 < n < 64                                 | `bigint`                            | number (bigint beyond 2^53)    |
 * | `bit(64)`                                            | `decimal(20,0)`                     | decimal string                 |
 * | `enum('a','b')`                                      | `text` with `enumValues: ['a','b']` | string                         |
 * | `set('a','b')`                                       | `text[]` (`array: true`)            | array of strings (`[]` for `''`) |
 * | `char(n)`, `varchar(n)`                              | `varchar(n)` (`text`, length n)     | string                         |
 * | `tinytext`, `text`, `mediumtext`, `longtext`         | `text`                              | string                         |
 * | `binary`, `varbinary`, `tinyblob` … `longblob`       | `binary`                            | Buffer                         |
 * | `date`                                               | `date`                              | `YYYY-MM-DD`                   |
 * | `datetime`, `timestamp` (read in UTC)                | `timestamp`                         | `YYYY-MM-DD HH:MM:SS[.ffffff]` |
 * | `time`                                               | `time`                              | `HH:MM:SS[.ffffff]`; negative or ≥ 24 h durations stay as MySQL prints them (`-01:00:00`, `838:59:59`) and the cast to `time` rejects them; override the type to text to keep them |
 * | `year`                                               | `integer`                           | number                         |
 * | `json`; MariaDB `longtext` with a `json_valid()` CHECK | `json`                            | JSON text as stored            |
 * | `geometry`, `point`, `linestring`, `polygon`, `multi…`, `geometrycollection` | `text`      | WKT (`POINT(1 2)`)             |
 * | MariaDB `uuid`                                       | `uuid`                              | string                         |
 * | anything else (`inet6`, `vector`, …)                 | `text`, native type kept            | as the driver delivers it      |
 *
 * Zero dates (`0000-00-00`, `0000-00-00 00:00:00`, and any date with a zero month or day) become NULL,
 * or with `zeroDates: reject` NULL plus a row defect (`<column>: zero date "0000-00-00"`) that makes the
 * engine reject the row.
 *
 * ## Target: portable → MySQL/MariaDB
 *
 * | portable type                     | MySQL / MariaDB                                                        |
 * | --------------------------------- | ---------------------------------------------------------------------- |
 * | `boolean`                         | `tinyint(1)`                                                           |
 * | `integer`                         | `int`                                                                  |
 * | `bigint`                          | `bigint`                                                               |
 * | `decimal(p,s)`                    | `decimal(p,s)` (p capped at 65, s at 30); `decimal` without precision → `decimal(65,30)` |
 * | `float`                           | `double`                                                               |
 * | `text` with `enumValues`          | `enum(…)`                                                              |
 * | `varchar(n)`, n ≤ 16383           | `varchar(n)` (turned into `longtext` when the row would exceed 65,535 bytes) |
 * | `text`, `varchar(n)` n > 16383    | `longtext`; `varchar(768)` when the column is part of a key or index   |
 * | any array (`text[]` …)            | `json`                                                                 |
 * | `date`                            | `date`                                                                 |
 * | `time`                            | `time(6)`                                                              |
 * | `timestamp`                       | `datetime(6)`                                                          |
 * | `timestamptz`                     | `datetime(6)`, values converted to UTC                                 |
 * | `binary`                          | `longblob`; `varbinary(3072)` when part of a key or index              |
 * | `json`                            | `json`                                                                 |
 * | `uuid`                            | `char(36)`                                                             |
 */
import type { LogicalType } from '../../core/logical-type.ts';

/** A `COLUMN_TYPE` taken apart: `int(10) unsigned` → base `int`, args `[10]`, unsigned. */
export interface NativeType {
  /** Lower-case type name without arguments (`int`, `varchar`, `enum`). */
  base: string;
  /** Numeric arguments (`decimal(12,2)` → `[12, 2]`); empty for enum/set and types without. */
  args: number[];
  unsigned: boolean;
  /** The members of an enum or set, unquoted. */
  members: string[];
}

/** Spatial types, read as WKT text with `ST_AsText`. */
export const GEOMETRY_TYPES = new Set([
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
  'geomcollection',
]);

/** Every other base type name {@link mysqlToLogical} maps on purpose. */
const KNOWN_BASES = new Set(
  'tinyint smallint mediumint int integer bigint decimal numeric dec fixed float double real bit enum set char varchar date datetime timestamp time year json uuid'.split(
    ' ',
  ),
);
const SMALL_INTEGERS = new Set(['tinyint', 'smallint', 'mediumint']);
const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint']);
const TEXT_TYPES = new Set(['tinytext', 'text', 'mediumtext', 'longtext']);
const BINARY_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);

/** Parses a `COLUMN_TYPE` such as `decimal(12,2) unsigned zerofill` or `enum('a','b''c')`. */
export function parseNativeType(columnType: string): NativeType {
  const text = columnType.trim();
  const match = /^([a-z0-9_ ]+?)\s*(?:\((.*)\))?\s*((?:unsigned|signed|zerofill|\s)*)$/is.exec(text);
  if (!match) return { base: text.toLowerCase(), args: [], unsigned: false, members: [] };
  const base = match[1]!.toLowerCase().trim();
  const inside = match[2] ?? '';
  const unsigned = /unsigned/i.test(match[3] ?? '');
  if (base === 'enum' || base === 'set') return { base, args: [], unsigned, members: parseMembers(inside) };
  const args = inside
    .split(',')
    .map((a) => a.trim())
    .filter((a) => /^\d+$/.test(a))
    .map(Number);
  return { base, args, unsigned, members: [] };
}

/** The quoted members of an enum or set definition, unescaped (`'a','b''c'` → `a`, `b'c`). */
function parseMembers(list: string): string[] {
  const members: string[] = [];
  const pattern = /'((?:[^'\\]|''|\\.)*)'/gs;
  for (const match of list.matchAll(pattern)) members.push(unescapeMysqlString(match[1]!));
  return members;
}

const BACKSLASH_ESCAPES: Record<string, string> = {
  '0': '\0',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
};

/** The value of the inside of a MySQL single-quoted string literal (`''` and backslash escapes). */
export function unescapeMysqlString(inside: string): string {
  return inside.replace(/''|\\(.)/gs, (whole, escaped: string | undefined) =>
    escaped === undefined ? "'" : (BACKSLASH_ESCAPES[escaped] ?? escaped),
  );
}

/** What the introspector knows about a column beyond its `COLUMN_TYPE`. */
export interface MappingOptions {
  tinyint1AsBoolean: boolean;
  /** MariaDB stores JSON as longtext with a `json_valid(col)` CHECK constraint. */
  jsonChecked?: boolean;
}

/** Maps a MySQL/MariaDB column type to its portable type (see the table at the top of this file). */
export function mysqlToLogical(columnType: string, options: MappingOptions): LogicalType {
  const native = parseNativeType(columnType);
  const { base, args, unsigned } = native;
  if (base === 'tinyint' && args[0] === 1 && options.tinyint1AsBoolean) return { kind: 'boolean' };
  if (SMALL_INTEGERS.has(base)) return { kind: 'integer', ...integerRange(INTEGER_BITS[base]!, unsigned) };
  if (base === 'int' || base === 'integer') {
    return unsigned ? { kind: 'bigint', ...integerRange(32, true) } : { kind: 'integer' };
  }
  if (base === 'bigint') {
    return unsigned ? { kind: 'decimal', precision: 20, scale: 0, min: 0 } : { kind: 'bigint' };
  }
  if (base === 'decimal' || base === 'numeric' || base === 'dec' || base === 'fixed') {
    const type: LogicalType = { kind: 'decimal', precision: args[0] ?? 10, scale: args[1] ?? 0 };
    return unsigned ? { ...type, min: 0 } : type;
  }
  if (base === 'float' || base === 'double' || base === 'real' || base === 'double precision') {
    return { kind: 'float' };
  }
  if (base === 'bit') {
    const bits = args[0] ?? 1;
    if (bits === 1) return { kind: 'boolean' };
    return bits < 64 ? { kind: 'bigint' } : { kind: 'decimal', precision: 20, scale: 0 };
  }
  if (base === 'enum') return { kind: 'text', enumValues: native.members };
  if (base === 'set') return { kind: 'text', array: true };
  if (base === 'char' || base === 'varchar') {
    return args[0] === undefined ? { kind: 'text' } : { kind: 'text', length: args[0] };
  }
  if (TEXT_TYPES.has(base)) return options.jsonChecked ? { kind: 'json' } : { kind: 'text' };
  if (BINARY_TYPES.has(base)) return { kind: 'binary' };
  if (base === 'date') return { kind: 'date' };
  if (base === 'datetime' || base === 'timestamp') return { kind: 'timestamp' };
  if (base === 'time') return { kind: 'time' };
  if (base === 'year') return { kind: 'integer' };
  if (base === 'json') return { kind: 'json' };
  if (base === 'uuid') return { kind: 'uuid' };
  return { kind: 'text' };
}

/** Bits of the integer types narrower than `int`. */
const INTEGER_BITS: Record<string, number> = { tinyint: 8, smallint: 16, mediumint: 24 };

/** The range of a `bits`-wide integer, signed or unsigned: tinyint unsigned → 0 to 255. */
function integerRange(bits: number, unsigned: boolean): { min: number; max: number } {
  const span = 2 ** bits;
  return unsigned ? { min: 0, max: span - 1 } : { min: -span / 2, max: span / 2 - 1 };
}

/** True when {@link mysqlToLogical} only fell back to text because it does not know the type. */
export function isUnmappedMysqlType(columnType: string): boolean {
  const { base } = parseNativeType(columnType);
  return (
    !KNOWN_BASES.has(base) && !GEOMETRY_TYPES.has(base) && !TEXT_TYPES.has(base) && !BINARY_TYPES.has(base)
  );
}

/** True for the integer types usable as a key-range partition column. */
export function isIntegerType(columnType: string): boolean {
  return INTEGER_TYPES.has(parseNativeType(columnType).base);
}

/** Largest varchar that fits a row on its own in utf8mb4 (65,535 bytes / 4). */
export const MAX_VARCHAR = 16383;
/** Characters of a text key column: 768 × 4 bytes = InnoDB's 3,072-byte index key limit. */
export const KEY_VARCHAR = 768;

/**
 * The column type written for a portable type (see the table at the top of this file). `keyColumn`
 * says the column is part of a primary key, index or foreign key, which unbounded types cannot be.
 */
export function logicalToMysql(type: LogicalType, keyColumn = false): string {
  if (type.array) return 'json';
  switch (type.kind) {
    case 'boolean':
      return 'tinyint(1)';
    case 'integer':
      return 'int';
    case 'bigint':
      return 'bigint';
    case 'decimal': {
      if (type.precision === undefined) return 'decimal(65,30)';
      const scale = Math.min(type.scale ?? 0, 30);
      return `decimal(${Math.min(Math.max(type.precision, scale, 1), 65)},${scale})`;
    }
    case 'float':
      return 'double';
    case 'text':
      if (type.enumValues?.length) return `enum(${type.enumValues.map(quoteMysqlString).join(',')})`;
      if (type.length !== undefined && type.length <= MAX_VARCHAR) return `varchar(${type.length})`;
      return keyColumn ? `varchar(${KEY_VARCHAR})` : 'longtext';
    case 'date':
      return 'date';
    case 'time':
      return 'time(6)';
    case 'timestamp':
    case 'timestamptz':
      return 'datetime(6)';
    case 'binary':
      return keyColumn ? 'varbinary(3072)' : 'longblob';
    case 'json':
      return 'json';
    case 'uuid':
      return 'char(36)';
  }
}

/** Quotes an identifier with backticks (reserved words and any character are safe). */
export function quoteMysqlIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A MySQL string literal (quotes and backslashes escaped), independent of a connection. */
export function quoteMysqlString(value: string): string {
  // eslint-disable-next-line no-control-regex -- NUL and Ctrl-Z are exactly what MySQL wants escaped
  return `'${value.replace(/[\0\n\r\x1a'\\]/g, (c) => MYSQL_STRING_ESCAPES[c]!)}'`;
}

const MYSQL_STRING_ESCAPES: Record<string, string> = {
  '\0': '\\0',
  '\n': '\\n',
  '\r': '\\r',
  '\x1a': '\\Z',
  "'": "\\'",
  '\\': '\\\\',
};
