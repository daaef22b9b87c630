/**
 * Infers portable column types from sampled values: text values (CSV) by their form, JSON values by
 * their JSON type. A column's type is the narrowest kind that every non-null sampled value fits.
 */
import type { LogicalKind } from '../../core/logical-type.ts';

/** The `integer` kind is 32 bits in every target (PostgreSQL `integer`, MySQL `int`). */
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+\.\d+$/;
const FLOAT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const LEADING_ZERO = /^-?0\d/;
const BOOLEAN = /^(?:true|false)$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * The narrowest kind a CSV text value fits:
 * integer (`-?\d+` within 32 bits), bigint (within 64 bits), decimal (`-?\d+.\d+`, or an integer beyond
 * 64 bits), float (with an exponent, or `1.` / `.5`), boolean (`true`/`false`, any case), date
 * (`YYYY-MM-DD`, a real calendar day), time (`HH:MM:SS[.fff]`), timestamp (`YYYY-MM-DD[ T]HH:MM:SS[.fff]`),
 * timestamptz (the same with `Z` or an offset), else text. Numbers with a leading zero (`007`, `01.5`)
 * are text, so codes such as postal codes keep their zeros.
 */
export function inferTextKind(value: string): LogicalKind {
  const first = value.charCodeAt(0);
  // Digits, '-' or '.': maybe a number, date or time.
  if ((first >= 48 && first <= 57) || first === 45 || first === 46) {
    if (INTEGER.test(value)) {
      if (LEADING_ZERO.test(value)) return 'text';
      const number = Number(value);
      if (number >= INT32_MIN && number <= INT32_MAX) return 'integer';
      if (Number.isSafeInteger(number)) return 'bigint';
      const big = BigInt(value);
      return big >= INT64_MIN && big <= INT64_MAX ? 'bigint' : 'decimal';
    }
    if (DECIMAL.test(value)) return LEADING_ZERO.test(value) ? 'text' : 'decimal';
    if (FLOAT.test(value)) return LEADING_ZERO.test(value) ? 'text' : 'float';
    return inferTemporalKind(value) ?? 'text';
  }
  if (BOOLEAN.test(value)) return 'boolean';
  return 'text';
}

/**
 * The kind of a value parsed from JSON, null for JSON null: an integer within 32 bits → integer, a
 * larger safe integer → bigint, another number → float, boolean → boolean, object or array → json, a string → date/time/timestamp/timestamptz when it
 * has that form (see {@link inferTextKind}), else text.
 */
export function inferJsonKind(value: unknown): LogicalKind | null {
  switch (typeof value) {
    case 'number':
      if (!Number.isSafeInteger(value)) return 'float';
      return value >= INT32_MIN && value <= INT32_MAX ? 'integer' : 'bigint';
    case 'boolean':
      return 'boolean';
    case 'string':
      return inferTemporalKind(value) ?? 'text';
    case 'object':
      return value === null ? null : 'json';
    default:
      return 'text';
  }
}

const NUMERIC_RANK: Partial<Record<LogicalKind, number>> = { integer: 0, bigint: 1, decimal: 2, float: 3 };

/**
 * The narrowest kind that fits values of both kinds (`current` null means no value seen yet): numbers
 * widen integer → bigint → decimal → float, a date widens to a timestamp, any other mix is text.
 */
export function widenKind(current: LogicalKind | null, next: LogicalKind): LogicalKind {
  if (current === null || current === next) return next;
  const a = NUMERIC_RANK[current];
  const b = NUMERIC_RANK[next];
  if (a !== undefined && b !== undefined) return a > b ? current : next;
  if ((current === 'date' && next === 'timestamp') || (current === 'timestamp' && next === 'date')) {
    return 'timestamp';
  }
  return 'text';
}

function inferTemporalKind(value: string): LogicalKind | null {
  let match = DATE.exec(value);
  if (match) return isDate(match[1]!, match[2]!, match[3]!) ? 'date' : null;
  match = TIMESTAMP.exec(value);
  if (match) {
    if (!isDate(match[1]!, match[2]!, match[3]!) || !isTime(match[4]!, match[5]!, match[6]!)) return null;
    return match[7] === undefined ? 'timestamp' : 'timestamptz';
  }
  match = TIME.exec(value);
  if (match) return isTime(match[1]!, match[2]!, match[3]!) ? 'time' : null;
  return null;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDate(year: string, month: string, day: string): boolean {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[m - 1]!);
}

function isTime(hour: string, minute: string, second: string): boolean {
  return Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60;
}
