/**
 * Column defaults between MySQL/MariaDB and the portable form (a number, a `'quoted'` string with `''`
 * for a quote, `TRUE`/`FALSE`, `CURRENT_TIMESTAMP`, `CURRENT_DATE`, `CURRENT_TIME`).
 *
 * `information_schema.COLUMNS.COLUMN_DEFAULT` differs between the two servers:
 * - MariaDB (10.2.7+) reports SQL: strings quoted (`'it''s'`, backslashes escaped), numbers bare,
 *   `NULL` as the text `NULL`, functions as `current_timestamp()`, expressions as written `(1 + 1)`.
 * - MySQL reports the bare value (`it's`, `0`, `2000-01-01`), SQL NULL for no default, and marks
 *   expression defaults (8.0.13+) with `DEFAULT_GENERATED` in EXTRA (`CURRENT_TIMESTAMP` too).
 * Expressions other than the current date/time are dropped, as are defaults of SET columns (arrays).
 */
import type { ColumnSchema } from '../connector.ts';
import type { LogicalType } from '../../core/logical-type.ts';
import { quoteMysqlString, unescapeMysqlString } from './mysql-types.ts';

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const QUOTED = /^'((?:[^'\\]|''|\\.)*)'$/s;
const BIT_LITERAL = /^b'([01]*)'$/i;

/** The current date/time functions, in any spelling either server reports, as portable keywords. */
function currentKeyword(text: string): string | null {
  const name = text
    .toLowerCase()
    .replace(/\(\s*\d*\s*\)$/, '')
    .trim();
  if (['current_timestamp', 'now', 'localtimestamp', 'localtime'].includes(name)) return 'CURRENT_TIMESTAMP';
  if (name === 'current_date' || name === 'curdate') return 'CURRENT_DATE';
  if (name === 'current_time' || name === 'curtime') return 'CURRENT_TIME';
  return null;
}

/** A portable string literal: single quotes, `''` for a quote, nothing else escaped. */
function portableString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The portable default of a column, or null. `raw` is `COLUMN_DEFAULT`, `extra` is `EXTRA`.
 */
export function portableDefault(
  raw: string | null,
  extra: string,
  type: LogicalType,
  mariadb: boolean,
): string | null {
  if (raw === null || type.array) return null;
  const text = raw.trim();
  let value: string | number; // a string value, or a number
  if (mariadb) {
    if (text.toUpperCase() === 'NULL') return null;
    const keyword = currentKeyword(text);
    if (keyword) return fitsKeyword(keyword, type);
    const quoted = QUOTED.exec(text);
    const bits = BIT_LITERAL.exec(text);
    if (quoted) value = unescapeMysqlString(quoted[1]!);
    else if (bits) value = bits[1] ? parseInt(bits[1], 2) : 0;
    else if (NUMBER.test(text)) value = text;
    else return null; // an expression
  } else {
    if (/DEFAULT_GENERATED/i.test(extra) || /^current_timestamp/i.test(text)) {
      const keyword = currentKeyword(text.replace(/^\((.*)\)$/s, '$1'));
      return keyword ? fitsKeyword(keyword, type) : null;
    }
    const bits = BIT_LITERAL.exec(text);
    value = bits ? (bits[1] ? parseInt(bits[1], 2) : 0) : raw;
  }
  return literalFor(value, type);
}

function fitsKeyword(keyword: string, type: LogicalType): string | null {
  if (keyword === 'CURRENT_DATE') return type.kind === 'date' ? keyword : null;
  if (keyword === 'CURRENT_TIME') return type.kind === 'time' ? keyword : null;
  return type.kind === 'timestamp' || type.kind === 'timestamptz' ? keyword : null;
}

/** A default value (already unquoted) as a portable literal of the column's type. */
function literalFor(value: string | number, type: LogicalType): string | null {
  const text = String(value);
  switch (type.kind) {
    case 'boolean':
      if (Number(text) === 0 && NUMBER.test(text)) return 'FALSE';
      if (Number(text) === 1 && NUMBER.test(text)) return 'TRUE';
      return null;
    case 'integer':
    case 'bigint':
    case 'decimal':
    case 'float':
      return NUMBER.test(text) ? text : null;
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      // A zero date is no date anywhere else.
      return /^0000-00-00/.test(text) || /^\d{4}-(00-|\d\d-00)/.test(text) ? null : portableString(text);
    default:
      return portableString(text);
  }
}

/** Column types that MySQL only gives a default as an expression in parentheses (8.0.13+). */
const EXPRESSION_ONLY = /^(?:longtext|longblob|json)/;

/**
 * The `DEFAULT …` clause for a column of a target table (with a leading space), or '' for none.
 * `mysqlType` is the type the column is created with.
 */
export function mysqlDefaultClause(column: ColumnSchema, mysqlType: string): string {
  const value = column.defaultValue;
  if (value === null || column.type.array || column.autoIncrement) return '';
  const text = value.trim();
  const upper = text.toUpperCase();
  let sql: string;
  if (upper === 'NULL') {
    if (!column.nullable) return '';
    sql = 'NULL';
  } else if (upper === 'CURRENT_TIMESTAMP') {
    // A datetime(6) column takes CURRENT_TIMESTAMP only with the same precision.
    sql = mysqlType.startsWith('datetime') ? 'CURRENT_TIMESTAMP(6)' : '(CURRENT_TIMESTAMP)';
  } else if (upper === 'CURRENT_DATE' || upper === 'CURRENT_TIME') {
    sql = `(${upper})`;
  } else if (upper === 'TRUE' || upper === 'FALSE') {
    sql = upper === 'TRUE' ? '1' : '0';
  } else if (NUMBER.test(text)) {
    sql = text;
  } else {
    const quoted = /^'((?:[^']|'')*)'$/s.exec(text);
    if (!quoted) return ''; // not portable: leave it out rather than fail the CREATE
    sql = quoteMysqlString(quoted[1]!.replace(/''/g, "'"));
  }
  if (EXPRESSION_ONLY.test(mysqlType) && !sql.startsWith('(') && sql !== 'NULL') sql = `(${sql})`;
  return ` DEFAULT ${sql}`;
}
