/**
 * Column defaults in portable form, both ways: a PostgreSQL default read by the introspector
 * (portableDefault), and the DEFAULT expression of a target column (postgresDefault).
 */
import type { ColumnSchema } from '../connector.ts';
import type { LogicalKind } from '../../core/logical-type.ts';

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
