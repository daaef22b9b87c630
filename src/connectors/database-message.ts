/**
 * Database error texts quote row values: PostgreSQL's `Key (email)=(ann@example.com) already exists`,
 * `Failing row contains (…)`, `invalid input syntax for type integer: "12a"` and the COPY context
 * `column v: "abcd"`; MySQL's `Duplicate entry 'x' for key …` and `Incorrect integer value: 'x'`. A run's
 * error is shown to every reader of the run, so these values are cut out: the message keeps the
 * constraint, column, type and line, which say what to fix.
 */

const REDACTIONS: [RegExp, string][] = [
  // PostgreSQL DETAIL: Key (a, b)=(1, x) …
  [/=\((?:[^()]|\([^()]*\))*\)/g, '=(…)'],
  // PostgreSQL DETAIL: Failing row contains (…).
  [/Failing row contains \(.*\)/g, 'Failing row contains (…)'],
  // PostgreSQL: invalid input syntax for type integer: "12a"; CONTEXT: COPY t, line 2, column v: "abcd"
  [/: "(?:[^"]|"")*"/g, ': "…"'],
  // MySQL / MariaDB: Duplicate entry 'x' for key; Incorrect integer value: 'x' for column
  [/(Duplicate entry|value:?) '(?:[^'\\]|\\.|'')*'/g, "$1 '…'"],
];

/** `text` without the row values a database error quotes. */
export function withoutRowValues(text: string): string {
  let out = text;
  for (const [pattern, replacement] of REDACTIONS) out = out.replace(pattern, replacement);
  return out;
}

/** The same error with the row values cut out of its message; its code and other fields stay. */
export function redactRowValues<T>(error: T): T {
  if (error instanceof Error) error.message = withoutRowValues(error.message);
  return error;
}

/** True for a unique-key violation of any target: PostgreSQL 23505, MySQL 1062, SQLite UNIQUE. */
export function isDuplicateKeyError(error: unknown): boolean {
  const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
  return code === '23505' || code === 'ER_DUP_ENTRY' || errno === 1062 || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
