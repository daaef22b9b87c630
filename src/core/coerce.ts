/**
 * Casts source values to the canonical form of a target column's portable type (see CanonicalValue).
 * A value that cannot be cast throws a {@link CoercionError} whose message becomes the reject reason.
 */
import type { CanonicalValue } from './values.ts';
import type { LogicalType } from './logical-type.ts';

export class CoercionError extends Error {}

/** Casts one non-null value; null is handled by the caller. */
export type Coercer = (value: unknown) => CanonicalValue;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^[+-]?\d+$/;
/** A decimal already in canonical form: no `+`, no leading or trailing zeros, no `-0`. */
const CANONICAL_DECIMAL = /^-?(0|[1-9]\d*)(?:\.(\d*[1-9]))?$/;
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:Infinity|NaN)$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const TIME_TEXT = /^(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?$/;
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', 'off', '0']);

function show(value: unknown): string {
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  const text = typeof value === 'string' ? value : String(value);
  const short = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  return typeof value === 'string' ? JSON.stringify(short) : short;
}

function fail(value: unknown, what: string): never {
  throw new CoercionError(`${show(value)} is not ${what}`);
}

/** The narrowest type that holds a whole number: bigint within 64 bits, else decimal(digits). */
function holding(big: bigint): string {
  if (big >= INT64_MIN && big <= INT64_MAX) return 'bigint';
  return `decimal(${(big < 0n ? -big : big).toString().length})`;
}

function toInteger(value: unknown, bits: 32 | 64): number | bigint {
  let big: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) fail(value, 'a whole number');
    if (bits === 32 && (value < INT32_MIN || value > INT32_MAX))
      fail(value, `within the integer range; override the type to ${holding(BigInt(value))}`);
    if (Number.isSafeInteger(value)) return value;
    big = BigInt(value);
  } else if (typeof value === 'bigint') {
    big = value;
  } else if (typeof value === 'boolean') {
    return value ? 1 : 0;
  } else if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) {
    big = BigInt(value.trim());
  } else {
    fail(value, 'a whole number');
  }
  const [min, max] = bits === 32 ? [BigInt(INT32_MIN), BigInt(INT32_MAX)] : [INT64_MIN, INT64_MAX];
  if (big < min || big > max) {
    fail(
      value,
      `within the ${bits === 32 ? 'integer' : 'bigint'} range; override the type to ${holding(big)}`,
    );
  }
  const small = Number(big);
  return Number.isSafeInteger(small) ? small : big;
}

function decimalCoercer(type: LogicalType): Coercer {
  const precision = type.precision;
  const scale = type.scale ?? 0;
  return (value) => {
    let text: string;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) fail(value, 'a finite number');
      text = Math.abs(value) < 1e21 ? String(value) : value.toLocaleString('en-US', { useGrouping: false });
      if (text.includes('e')) text = value.toFixed(20).replace(/0+$/, '');
    } else if (typeof value === 'bigint') {
      text = value.toString();
    } else if (typeof value === 'string') {
      text = value.trim();
    } else {
      fail(value, 'a number');
    }
    // Most values are already canonical (no sign clutter, no padding zeros, within the scale): keep them.
    const canonicalMatch = CANONICAL_DECIMAL.exec(text);
    if (
      canonicalMatch &&
      text !== '-0' &&
      (precision === undefined || fitsDecimal(canonicalMatch, precision, scale))
    )
      return text;
    const match = DECIMAL_TEXT.exec(text);
    if (!match || (match[2] === '' && !match[3]))
      fail(value, 'a number (digits with an optional "." decimal point)');
    const sign = match[1] === '-' ? '-' : '';
    let whole = match[2]!.replace(/^0+(?=\d)/, '') || '0';
    let fraction = (match[3] ?? '').replace(/0+$/, '');
    if (precision !== undefined) {
      if (fraction.length > scale) [whole, fraction] = roundHalfUp(whole, fraction, scale);
      if (whole !== '0' && whole.length > precision - scale)
        fail(value, `within decimal(${precision},${scale})`);
    }
    const canonical = fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
    return canonical === '-0' ? '0' : canonical;
  };
}

/** Whether a canonical decimal (see CANONICAL_DECIMAL) fits decimal(precision, scale) without rounding. */
function fitsDecimal(match: RegExpExecArray, precision: number, scale: number): boolean {
  const wholeDigits = match[1]!.length;
  const fractionDigits = match[2]?.length ?? 0;
  return fractionDigits <= scale && (match[1] === '0' || wholeDigits <= precision - scale);
}

/** Rounds a decimal given as digit strings to `scale` places, half away from zero (as SQL does). */
function roundHalfUp(whole: string, fraction: string, scale: number): [string, string] {
  const kept = BigInt(whole + fraction.slice(0, scale)) + (fraction.charCodeAt(scale) >= 53 ? 1n : 0n);
  const digits = kept.toString().padStart(scale + 1, '0');
  const newWhole = digits.slice(0, digits.length - scale);
  return [newWhole, digits.slice(digits.length - scale).replace(/0+$/, '')];
}

/** The value of the two ASCII digits at `at`, or -1 when they are not both digits. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48;
  const ones = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/**
 * True for a valid `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS[.f…]` already in canonical form — what most
 * sources deliver — checked with character codes, so the value is kept as it is without a regex or copy.
 */
function isCanonicalDateTime(text: string): boolean {
  const century = twoDigits(text, 0);
  const year = century * 100 + twoDigits(text, 2);
  if (century < 0 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  if (!validDate(year, twoDigits(text, 5), twoDigits(text, 8))) return false;
  if (text.length === 10) return true;
  if (text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return false;
  const hours = twoDigits(text, 11);
  const minutes = twoDigits(text, 14);
  const seconds = twoDigits(text, 17);
  if (hours < 0 || minutes < 0 || seconds < 0 || !validTime(hours, minutes, seconds)) return false;
  if (text.length === 19) return true;
  if (text.charCodeAt(19) !== 46 || text.length > 29) return false;
  for (let i = 20; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
  }
  return text.length > 20;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real day of the proleptic Gregorian calendar (year 1 to 9999); plain arithmetic, no Date object. */
export function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1 || year < 1) return false;
  if (day <= DAYS_IN_MONTH[month - 1]!) return true;
  return month === 2 && day === 29 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** A time of day with seconds below 60 (no leap seconds). */
export function validTime(hours: number, minutes: number, seconds: number): boolean {
  return hours < 24 && minutes < 60 && seconds < 60;
}

/**
 * A date or time value as text. Anything else (e.g. a number in a SQLite DATETIME column) is rejected
 * for what the column expects, not as "not text": the number may count seconds or days, which only the
 * spec can say (a parseDate transform).
 */
function asText(value: unknown, expected: string): string {
  if (typeof value === 'string') return value.trim();
  const what = typeof value === 'number' || typeof value === 'bigint' ? ' (it is a number)' : '';
  fail(
    value,
    `${expected}${what}; convert it with a parseDate transform if the source stores it another way`,
  );
}

const TIMESTAMP_EXPECTED = 'a date/time in ISO form (YYYY-MM-DD HH:MM:SS)';

function parseTimestamp(value: unknown): RegExpExecArray {
  const text = asText(value, TIMESTAMP_EXPECTED);
  const match = TIMESTAMP_TEXT.exec(text);
  if (!match) fail(value, TIMESTAMP_EXPECTED);
  if (!validDate(Number(match[1]), Number(match[2]), Number(match[3]))) fail(value, 'a valid calendar date');
  if (!validTime(Number(match[4] ?? 0), Number(match[5] ?? 0), Number(match[6] ?? 0)))
    fail(value, 'a valid time of day');
  return match;
}

function formatTimestamp(match: RegExpExecArray): string {
  return `${match[1]}-${match[2]}-${match[3]} ${match[4] ?? '00'}:${match[5] ?? '00'}:${match[6] ?? '00'}${match[7] ?? ''}`;
}

const COERCERS: Record<LogicalType['kind'], (type: LogicalType) => Coercer> = {
  boolean: () => (value) => {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number' || typeof value === 'bigint') {
      if (value == 0 || value == 1) return value == 1;
      fail(value, 'a boolean (0 or 1)');
    }
    if (typeof value === 'string') {
      const word = value.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
    }
    fail(value, 'a boolean (true/false, yes/no, y/n, 1/0)');
  },
  integer: () => (value) => toInteger(value, 32),
  bigint: () => (value) => toInteger(value, 64),
  decimal: decimalCoercer,
  float: () => (value) => {
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    if (typeof value === 'string' && FLOAT_TEXT.test(value.trim())) return Number(value.trim());
    fail(value, 'a number');
  },
  text: () => (value) => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
      return String(value);
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    fail(value, 'text');
  },
  date: () => (value) => {
    if (typeof value === 'string' && value.length === 10 && isCanonicalDateTime(value)) return value;
    const text = asText(value, 'a date in ISO form (YYYY-MM-DD)');
    const match = DATE_TEXT.exec(text) ?? TIMESTAMP_TEXT.exec(text);
    if (!match) fail(value, 'a date in ISO form (YYYY-MM-DD)');
    if (!validDate(Number(match[1]), Number(match[2]), Number(match[3])))
      fail(value, 'a valid calendar date (YYYY-MM-DD)');
    return `${match[1]}-${match[2]}-${match[3]}`;
  },
  time: () => (value) => {
    const text = asText(value, 'a time of day (HH:MM:SS)');
    const match = TIME_TEXT.exec(text);
    if (!match || !validTime(Number(match[1]), Number(match[2]), Number(match[3] ?? 0))) {
      fail(value, 'a time of day (HH:MM:SS)');
    }
    return `${match[1]}:${match[2]}:${match[3] ?? '00'}${match[4] ?? ''}`;
  },
  timestamp: () => (value) => {
    if (typeof value === 'string' && value.length >= 19 && isCanonicalDateTime(value)) return value;
    const match = parseTimestamp(value);
    if (match[8]) fail(value, 'a timestamp without time zone; override the type to timestamptz');
    return formatTimestamp(match);
  },
  timestamptz: () => (value) => {
    const match = parseTimestamp(value);
    const zone = match[8];
    if (!zone || zone.toUpperCase() === 'Z') return `${formatTimestamp(match)}+00:00`;
    const offset = zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    return `${formatTimestamp(match)}${offset.length === 3 ? `${offset}:00` : offset}`;
  },
  binary: () => (value) => {
    if (Buffer.isBuffer(value)) return value;
    if (value instanceof Uint8Array) return Buffer.from(value);
    if (typeof value === 'string') {
      return /^\\x[0-9a-f]*$/i.test(value) ? Buffer.from(value.slice(2), 'hex') : Buffer.from(value, 'utf8');
    }
    fail(value, 'binary data');
  },
  json: () => (value) => {
    if (typeof value === 'string') {
      try {
        JSON.parse(value);
      } catch {
        fail(value, 'valid JSON');
      }
      return value;
    }
    if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
    fail(value, 'JSON text');
  },
  uuid: () => (value) => {
    if (typeof value === 'string' && UUID_TEXT.test(value.trim())) return value.trim().toLowerCase();
    fail(value, 'a UUID');
  },
};

/** The cast for one target type, built once per column. */
export function coercerFor(type: LogicalType): Coercer {
  const element = COERCERS[type.kind](type);
  if (!type.array) return element;
  return (value) => {
    if (!Array.isArray(value)) fail(value, `a list of ${type.kind} values`);
    return value.map((item: unknown) => (item === null || item === undefined ? null : element(item)));
  };
}
