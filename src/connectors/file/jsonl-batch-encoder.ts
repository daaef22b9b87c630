/** Encodes rows of canonical values as JSON Lines text. */
import type { ColumnSchema, RowBatch } from '../connector.ts';

/**
 * A function that encodes a batch of rows as JSON Lines: one object per row keyed by column name in
 * column order, each line ending in `\n`. The lines are built as text, never as objects keyed by data,
 * so a column named `__proto__` is an ordinary key.
 *
 * Values: null → null; bigint → a number when within ±2^53, else a string of its digits; Buffer → a
 * base64 string; a non-finite number → its string (`"NaN"`); Date → an ISO 8601 string; in a column of
 * logical type json, a string holding valid JSON is embedded as that JSON value (other strings stay
 * strings).
 */
export function createJsonlBatchEncoder(columns: ColumnSchema[]): (batch: RowBatch) => string {
  const prefixes = columns.map((column, i) => `${i === 0 ? '{' : ','}${JSON.stringify(column.name)}:`);
  const json = columns.map((column) => column.type.kind === 'json');
  const empty = columns.length === 0 ? '{}' : '';
  return (batch) => {
    let text = '';
    for (const row of batch) {
      let line = empty;
      for (let i = 0; i < prefixes.length; i++) line += prefixes[i]! + encodeValue(row[i], json[i]!);
      text += columns.length === 0 ? `${line}\n` : `${line}}\n`;
    }
    return text;
  };
}

function encodeValue(value: unknown, json: boolean): string {
  switch (typeof value) {
    case 'string':
      return json ? (embeddableJson(value) ?? JSON.stringify(value)) : JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    case 'bigint':
      return value >= -MAX_SAFE && value <= MAX_SAFE ? value.toString() : `"${value.toString()}"`;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'null';
    default:
      if (value === null) return 'null';
      if (Buffer.isBuffer(value)) return `"${value.toString('base64')}"`;
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      return JSON.stringify(value) ?? 'null';
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The text itself when it is valid JSON (kept as written, so large numbers keep their digits), with line
 * breaks, which JSON allows only as whitespace between tokens, turned into spaces; null otherwise.
 */
function embeddableJson(text: string): string | null {
  try {
    JSON.parse(text);
  } catch {
    return null;
  }
  return /[\r\n]/.test(text) ? text.replace(/[\r\n]/g, ' ') : text;
}
