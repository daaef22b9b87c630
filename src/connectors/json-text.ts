/**
 * Array values as JSON text, for targets without array columns (MySQL, SQLite): bigints as strings
 * (JSON numbers lose precision past 2^53) and binary values as base64.
 */

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return value;
}

/** `value` (an array of canonical values) as JSON text. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, jsonReplacer);
}
