/**
 * Tells a target's refusal of a row for a data reason (the value does not fit its column, a NOT NULL, a
 * CHECK, a unique or foreign key is violated) from every other failure of a load, and turns it into a
 * reject reason. Such a refusal is about the rows, not the connection: the loader isolates the refused
 * rows (see isolate-refused-rows.ts), rejects them and loads the rest, instead of failing the run.
 *
 * - PostgreSQL: SQLSTATE class 22 (data exception) and 23 (integrity constraint violation).
 * - MySQL/MariaDB: the same classes in `sqlState`, and the errors that report HY000 for a data reason.
 * - SQLite: SQLITE_CONSTRAINT_* (NOT NULL, CHECK, UNIQUE, PRIMARY KEY, …), SQLITE_MISMATCH, SQLITE_TOOBIG.
 */
import { withoutRowValues } from './database-message.ts';

/** MySQL/MariaDB data errors whose sqlState is not of class 22 or 23 (mostly HY000). */
const MYSQL_DATA_ERRORS = new Set([
  'ER_DATA_TOO_LONG',
  'ER_DUP_ENTRY',
  'ER_DUP_ENTRY_WITH_KEY_NAME',
  'ER_DUP_UNIQUE',
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_BAD_NULL_ERROR',
  'ER_WARN_NULL_TO_NOTNULL',
  'ER_NO_DEFAULT_FOR_FIELD',
  'ER_NO_REFERENCED_ROW',
  'ER_NO_REFERENCED_ROW_2',
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_CHECK_CONSTRAINT_VIOLATED',
  'ER_CONSTRAINT_FAILED',
  'ER_INVALID_JSON_TEXT',
  'ER_INVALID_CHARACTER_STRING',
  'ER_CANNOT_CONVERT_STRING',
  'ER_DIVISION_BY_ZERO',
  'ER_WRONG_VALUE_FOR_TYPE',
]);

const SQLITE_DATA_ERRORS = new Set(['SQLITE_MISMATCH', 'SQLITE_TOOBIG']);

/** How deep `cause` chains are followed (the sinks wrap driver errors once or twice). */
const MAX_DEPTH = 8;

interface DriverError {
  code?: unknown;
  sqlState?: unknown;
  errno?: unknown;
  message?: unknown;
  column?: unknown;
  cause?: unknown;
}

/** The driver error in `error`'s cause chain that is a data refusal, if any. */
function refusalIn(error: unknown): DriverError | undefined {
  let current = error;
  for (let depth = 0; depth < MAX_DEPTH && typeof current === 'object' && current !== null; depth++) {
    const candidate = current as DriverError;
    if (isRefusalCode(candidate)) return candidate;
    current = candidate.cause;
  }
  return undefined;
}

function isRefusalCode({ code, sqlState, errno }: DriverError): boolean {
  if (typeof code !== 'string') return false;
  if (typeof errno === 'number' && errno > 0) {
    // mysql2 server error: code is the name (ER_…), sqlState the SQLSTATE.
    return MYSQL_DATA_ERRORS.has(code) || (typeof sqlState === 'string' && /^2[23]/.test(sqlState));
  }
  if (code.startsWith('SQLITE_')) return code.startsWith('SQLITE_CONSTRAINT') || SQLITE_DATA_ERRORS.has(code);
  // node-postgres: code is the SQLSTATE.
  return /^2[23][0-9A-Z]{3}$/.test(code);
}

/** True when a failed load was refused for a data reason (see the module comment). */
export function isDataRefusal(error: unknown): boolean {
  return refusalIn(error) !== undefined;
}

/**
 * The reject reason of a row the target refused: `the target refused the row: <the database's message>
 * (<code>)`, without row values, and the column the database names (PostgreSQL's `column` field, MySQL's
 * `column 'x'`, SQLite's `NOT NULL constraint failed: t.x`), or null.
 */
export function describeRefusal(error: unknown): { message: string; column: string | null } {
  const driver = refusalIn(error) ?? (error as DriverError);
  const text = typeof driver?.message === 'string' ? driver.message : String(error);
  // MySQL numbers the row within its statement, which says nothing about the source row.
  const message = withoutRowValues(text.split('\n')[0]!).replace(/ at row \d+$/, '');
  return {
    message: `the target refused the row: ${message}${codeOf(driver)}`,
    column: columnOf(driver, text),
  };
}

/**
 * ` (23505)`, ` (ER_DUP_ENTRY)`, ` (SQLITE_CONSTRAINT_CHECK)`. mysql2 names errors by MySQL's numbers,
 * which MariaDB shares only below 3000: above, the number is given instead of a misleading name.
 */
function codeOf(driver: DriverError | undefined): string {
  const { code, errno } = driver ?? {};
  if (typeof errno === 'number' && errno >= 3000) return ` (error ${errno})`;
  return typeof code === 'string' ? ` (${code})` : '';
}

function columnOf(driver: DriverError | undefined, text: string): string | null {
  if (typeof driver?.column === 'string' && driver.column) return driver.column;
  const mysql = /\bcolumn '((?:[^']|'')+)'/i.exec(text);
  if (mysql) return mysql[1]!.replace(/''/g, "'");
  const sqlite = /^NOT NULL constraint failed: (?:[^.\s]+\.)?(\S+)$/.exec(text);
  return sqlite ? sqlite[1]! : null;
}
