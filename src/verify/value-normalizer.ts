/**
 * One spelling per datum, so that the value the pipeline meant to write and the value a target returns
 * when it is read back hash the same when they are the same datum: `12.50` and `12.5`, `10:00:00.000000`
 * and `10:00:00`, the same instant at `+02:00` and at `+00:00`, jsonb's reordered keys, MySQL's 0/1 for
 * a tinyint(1) boolean, upper- and lower-case UUIDs, `5` and `5n`. Chosen by the target column's portable
 * type; what cannot be read as that type keeps a marked raw spelling (`?…`), so it still differs from
 * every proper value.
 *
 * A real difference stays one: a changed value, or a decimal rounded to fewer places than meant
 * (`12.35` is not `12.345`).
 *
 * Each spelling is also one a database can produce from the stored value, so that it can compute the
 * same row hashes itself (connectors/postgres/postgres-digest.ts, mysql/mysql-digest.ts): `c::text`,
 * `trim_scale(c)`, a float's IEEE bits in hex, bytes in lower-case hex, an instant as UTC text.
 */
import stableStringify from 'safe-stable-stringify';
import type { CanonicalValue, ColumnSchema } from '../connectors/connector.ts';
import type { LogicalType } from '../core/logical-type.ts';
import { coercerFor, type Coercer } from '../core/coerce.ts';
import { isSinglePrecision } from '../core/single-precision.ts';

export { isSinglePrecision } from '../core/single-precision.ts';

/** The normal spelling of one value of a column; null for NULL. */
export type ValueNormalizer = (value: unknown) => string | null;

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const FLOAT_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$|^\s*[+-]?(?:Infinity|NaN)\s*$/;

/** A value that is not of the column's type: kept, marked, so it never equals a proper value. */
function raw(value: unknown): string {
  if (Buffer.isBuffer(value)) return `?x${value.toString('hex')}`;
  if (value instanceof Date) return `?${value.toISOString()}`;
  if (typeof value === 'object') return `?${stableStringify(value)}`;
  return `?${String(value)}`;
}

/** The canonical form by the portable type's cast, or the raw spelling when the value is no such value. */
function coerced(coerce: Coercer, value: unknown): CanonicalValue | undefined {
  try {
    return coerce(value);
  } catch {
    return undefined;
  }
}

/** `.500` → `.5`, `.000` → `` in the fraction of a time or timestamp. */
function trimFraction(text: string): string {
  const dot = text.lastIndexOf('.');
  if (dot < 0) return text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--; // '0'
  return end === dot + 1 ? text.slice(0, dot) : text.slice(0, end);
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** `YYYY-MM-DD` of a day count from 1970-01-01 (civil_from_days), for years 0 to 9999. */
function civilFromDays(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The number the digits at [from, to) spell, or NaN when one is not a digit. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/**
 * A canonical `YYYY-MM-DD HH:MM:SS[.f]±HH:MM` as the UTC instant `YYYY-MM-DD HH:MM:SS[.f]`; null when
 * the text is not in that form. Character codes rather than a regex: this runs for every such value.
 */
function utcInstant(text: string): string | null {
  const length = text.length;
  const sign = text.charCodeAt(length - 6);
  if (
    length < 25 ||
    (sign !== 43 && sign !== 45) || // '+' '-'
    text.charCodeAt(length - 3) !== 58 || // ':'
    text.charCodeAt(10) !== 32 ||
    (length > 25 && text.charCodeAt(19) !== 46) // '.'
  ) {
    return null;
  }
  const fraction = length > 25 ? trimFraction(text.slice(19, length - 6)) : '';
  const offset =
    (sign === 45 ? -1 : 1) * (digits(text, length - 5, length - 3) * 60 + digits(text, length - 2, length));
  if (offset === 0) return `${text.slice(0, 19)}${fraction}`;
  const days = daysFromCivil(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10));
  const minutes = days * 1440 + digits(text, 11, 13) * 60 + digits(text, 14, 16) - offset;
  if (Number.isNaN(minutes)) return null;
  const day = Math.floor(minutes / 1440);
  const minuteOfDay = minutes - day * 1440;
  const date = civilFromDays(day);
  if (date.length !== 10) return null; // beyond year 9999
  return `${date} ${two(Math.floor(minuteOfDay / 60))}:${two(minuteOfDay % 60)}${text.slice(16, 19)}${fraction}`;
}

function integerText(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return String(value);
    return Number.isInteger(value) ? BigInt(value).toString() : raw(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) return BigInt(value.trim()).toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  return raw(value);
}

const FLOAT = new DataView(new ArrayBuffer(8));

/**
 * A double as the 16 hexadecimal digits of its IEEE 754 bits, big-endian (single precision: 8 digits of
 * its 32 bits): exact, and what a database spells for the stored value (PostgreSQL
 * `encode(float8send(c), 'hex')`, see connectors/postgres/postgres-digest.ts). -0 is 0; every NaN is `NaN`.
 */
function floatBits(n: number, single: boolean): string {
  if (n !== n) return 'NaN';
  if (single) {
    FLOAT.setFloat32(0, n === 0 ? 0 : n);
    return FLOAT.getUint32(0).toString(16).padStart(8, '0');
  }
  FLOAT.setFloat64(0, n === 0 ? 0 : n);
  return `${FLOAT.getUint32(0).toString(16).padStart(8, '0')}${FLOAT.getUint32(4).toString(16).padStart(8, '0')}`;
}

function floatNormalizer(single: boolean): (value: unknown) => string {
  return (value) => {
    let n: number;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'bigint') n = Number(value);
    else if (typeof value === 'string' && FLOAT_TEXT.test(value)) n = Number(value.trim());
    else return raw(value);
    return floatBits(single ? Math.fround(n) : n, single);
  };
}

function jsonText(value: unknown): string {
  if (typeof value === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return raw(value);
    }
    return stableStringify(parsed) ?? 'null';
  }
  if (Buffer.isBuffer(value)) return jsonText(value.toString('utf8'));
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'object') {
    return stableStringify(value) ?? 'null';
  }
  return raw(value);
}

function uuidText(value: unknown): string {
  if (typeof value === 'string') return value.trim().toLowerCase();
  if (Buffer.isBuffer(value) && value.length === 16) {
    const hex = value.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return raw(value);
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'object' && value !== null) return raw(value);
  return String(value);
}

/** A decimal already canonical (no `+`, no leading or trailing zeros, not `-0`), checked by character codes. */
function isCanonicalDecimal(text: string): boolean {
  const length = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const first = i;
  while (i < length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  const whole = i - first;
  if (whole === 0 || (whole > 1 && text.charCodeAt(first) === 48)) return false;
  if (i === length) return !(first === 1 && whole === 1 && text.charCodeAt(1) === 48); // not '-0'
  if (text.charCodeAt(i) !== 46 || i === length - 1 || text.charCodeAt(length - 1) === 48) return false;
  for (i++; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Each kind has its own function (no shared wrapper), so that every call site inside stays
 * monomorphic: this runs for every value of every loaded row. Values are never null here.
 */
function elementNormalizer(type: LogicalType, single: boolean): (value: unknown) => string {
  switch (type.kind) {
    case 'boolean': {
      const coerce = coercerFor(type);
      return (value) => {
        if (typeof value === 'boolean') return value ? 't' : 'f';
        const b = coerced(coerce, value);
        return b === undefined ? raw(value) : b ? 't' : 'f';
      };
    }
    case 'integer':
    case 'bigint':
      return integerText;
    case 'decimal': {
      // Without precision the cast only canonicalises (never rounds): a rounded value stays different.
      const coerce = coercerFor({ kind: 'decimal' });
      return (value) => {
        if (typeof value === 'string' && isCanonicalDecimal(value)) return value;
        const text = coerced(coerce, value);
        return text === undefined ? raw(value) : (text as string);
      };
    }
    case 'float':
      return floatNormalizer(single);
    case 'text':
      return textOf;
    case 'date': {
      const coerce = coercerFor(type);
      return (value) => {
        if (typeof value === 'string' && value.length === 10 && value.charCodeAt(4) === 45) return value;
        if (value instanceof Date) return value.toISOString().slice(0, 10);
        const text = coerced(coerce, value);
        return text === undefined ? raw(value) : (text as string);
      };
    }
    case 'time': {
      const coerce = coercerFor(type);
      return (value) => {
        if (typeof value === 'string' && value.charCodeAt(2) === 58 && value.charCodeAt(5) === 58) {
          return trimFraction(value);
        }
        const text = coerced(coerce, value);
        return text === undefined ? raw(value) : trimFraction(text as string);
      };
    }
    case 'timestamp': {
      const coerce = coercerFor(type);
      return (value) => {
        // Read back from a column with a zone (a timestamptz target): compared by instant, in UTC, as the
        // zone-less value was written (sessions run in UTC). Cheap for a value without a zone.
        const instant = typeof value === 'string' ? utcInstant(value) : null;
        if (instant !== null) return instant;
        if (
          typeof value === 'string' &&
          value.length >= 19 &&
          value.length <= 29 &&
          value.charCodeAt(10) === 32
        ) {
          if (value.length === 19) return value;
          if (value.charCodeAt(19) === 46) return trimFraction(value); // '.'
        }
        if (value instanceof Date) return trimFraction(value.toISOString().slice(0, 23).replace('T', ' '));
        const text = coerced(coerce, value);
        return text === undefined ? raw(value) : trimFraction(text as string);
      };
    }
    case 'timestamptz': {
      const coerce = coercerFor(type);
      return (value) => {
        // Canonical already (what connectors deliver): no need for the cast's parsing.
        if (typeof value === 'string') {
          const instant = utcInstant(value);
          if (instant !== null) return instant;
        }
        if (value instanceof Date) return trimFraction(value.toISOString().slice(0, 23).replace('T', ' '));
        const text = coerced(coerce, value);
        return (text === undefined ? null : utcInstant(text as string)) ?? raw(value);
      };
    }
    case 'binary': {
      const coerce = coercerFor(type);
      return (value) => {
        if (Buffer.isBuffer(value)) return value.toString('hex');
        const bytes = coerced(coerce, value);
        return bytes === undefined ? raw(value) : (bytes as Buffer).toString('hex');
      };
    }
    case 'json':
      return jsonText;
    case 'uuid':
      return uuidText;
  }
}

/** An array column: a list (or its JSON text, as MySQL and files keep arrays) of normalised elements. */
function arrayNormalizer(element: (value: unknown) => string): (value: unknown) => string {
  const list = (items: unknown[]) =>
    JSON.stringify(items.map((item) => (item === null || item === undefined ? null : element(item))));
  return (value) => {
    if (Array.isArray(value)) return list(value);
    if (typeof value === 'string') {
      try {
        const parsed: unknown = JSON.parse(value);
        if (Array.isArray(parsed)) return list(parsed);
      } catch {
        // not JSON: compared as it is
      }
    }
    return raw(value);
  };
}

/**
 * The normaliser of one column's non-null values, chosen by its portable type (and, for floats, its
 * native type). The row hash calls it directly, NULL being handled there.
 */
export function nonNullNormalizer(column: ColumnSchema): (value: unknown) => string {
  const element = elementNormalizer({ ...column.type, array: false }, isSinglePrecision(column));
  return column.type.array ? arrayNormalizer(element) : element;
}

/** The normaliser of one column, chosen by its portable type (and, for floats, its native type). */
export function valueNormalizer(column: ColumnSchema): ValueNormalizer {
  const normalize = nonNullNormalizer(column);
  return (value) => (value === null || value === undefined ? null : normalize(value));
}
