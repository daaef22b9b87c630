/**
 * Canonical values as MySQL SQL literals, for multi-row INSERT statements. Every string goes through
 * escaping (quotes, backslashes, NUL, line breaks); the session's sql_mode has no NO_BACKSLASH_ESCAPES
 * (see mysql-connection.ts), so the escaped form is what the server reads.
 */
import type { ColumnSchema } from '../connector.ts';
import { toJsonText } from '../json-text.ts';
import { quoteMysqlString } from './mysql-types.ts';

/** Encodes one non-null value of a column as an SQL literal. */
export type LiteralEncoder = (value: unknown) => string;

/** The encoder for a column's canonical values (see CanonicalValue). */
export function literalEncoderFor(column: ColumnSchema): LiteralEncoder {
  const { type } = column;
  if (type.array) return (value) => quoteMysqlString(toJsonText(value));
  if (type.kind === 'timestamptz') return (value) => quoteMysqlString(toUtcDatetime(String(value)));
  return (value) => literal(value, column.name);
}

/** Any canonical scalar: numbers and bigints bare, booleans as 1/0, Buffers as hex, text escaped. */
function literal(value: unknown, column: string): string {
  switch (typeof value) {
    case 'string':
      return quoteMysqlString(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new Error(`column "${column}": MySQL cannot store the number ${value}`);
      }
      return String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? '1' : '0';
  }
  if (Buffer.isBuffer(value)) return value.length ? `X'${value.toString('hex')}'` : "''";
  if (Array.isArray(value)) return quoteMysqlString(toJsonText(value));
  return quoteMysqlString(String(value));
}

const TIMESTAMPTZ =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?\s*(?:(Z)|([+-])(\d{2}):?(\d{2})?)?$/i;

/**
 * `2024-03-01 01:30:00.25+02:00` → `2024-02-29 23:30:00.25`: a timestamp with time zone as the UTC
 * datetime MySQL stores (the target column is datetime(6), read back in UTC).
 */
export function toUtcDatetime(text: string): string {
  const match = TIMESTAMPTZ.exec(text.trim());
  if (!match) return text; // not canonical: let the server refuse it
  const [, y, mo, d, h, mi, s, fraction = '', zulu, sign, oh = '00', om = '00'] = match;
  const plain = `${y}-${mo}-${d} ${h}:${mi}:${s}${fraction}`;
  if (zulu || sign === undefined || (oh === '00' && om === '00')) return plain;
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi) - offsetMinutes, Number(s), 0);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${fraction}`
  );
}
