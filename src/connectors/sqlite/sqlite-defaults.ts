/** Column defaults of a SQLite source in portable form (the target's DEFAULT clause is in sqlite-ddl.ts). */

/**
 * Keeps a column default only when every database understands it: a number, a quoted string, or the
 * current date/time keywords. Anything else (function calls, expressions) is dropped.
 */
export function portableDefault(sql: string | null): string | null {
  if (sql === null) return null;
  const text = sql
    .trim()
    .replace(/^\((.*)\)$/s, '$1')
    .trim();
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) return text;
  if (/^'(?:[^']|'')*'$/s.test(text)) return text;
  const keyword = text.toUpperCase();
  if (keyword === 'CURRENT_TIMESTAMP' || keyword === 'CURRENT_DATE' || keyword === 'CURRENT_TIME')
    return keyword;
  if (keyword === 'TRUE' || keyword === 'FALSE' || keyword === 'NULL') return keyword;
  return null;
}
