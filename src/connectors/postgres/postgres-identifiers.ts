/**
 * PostgreSQL identifiers: always double-quoted (so reserved words and mixed case work), and never
 * longer than the server's 63 bytes (NAMEDATALEN - 1), which it would otherwise truncate silently —
 * two long names sharing a 63-byte prefix would then become the same name.
 */
import { createHash } from 'node:crypto';

/** The longest identifier PostgreSQL keeps, in bytes (UTF-8). */
export const MAX_IDENTIFIER_BYTES = 63;

/** Hex digits of the hash that makes a shortened name unique. */
const HASH_DIGITS = 8;

/**
 * The name as PostgreSQL will store it: unchanged when it fits in 63 bytes; otherwise its longest
 * prefix that fits (cut on a character boundary), `_`, and 8 hex digits of the SHA-256 of the whole
 * name. Deterministic, so every method (and every run) maps a name the same way.
 */
export function shortenPostgresIdentifier(name: string): string {
  if (Buffer.byteLength(name, 'utf8') <= MAX_IDENTIFIER_BYTES) return name;
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, HASH_DIGITS);
  const room = MAX_IDENTIFIER_BYTES - HASH_DIGITS - 1;
  let prefix = '';
  let bytes = 0;
  for (const char of name) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > room) break;
    prefix += char;
    bytes += size;
  }
  return `${prefix}_${hash}`;
}

/** Quotes an identifier that is already short enough (e.g. one read from the server). */
export function quotePostgresIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Shortens (see {@link shortenPostgresIdentifier}) and quotes a name for use in SQL. */
export function ident(name: string): string {
  return quotePostgresIdentifier(shortenPostgresIdentifier(name));
}

/** `"schema"."name"`, both parts shortened and quoted. */
export function qualified(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

/**
 * A derived name built from parts (`orders` + `status` + `enum` → `orders_status_enum`), shortened as
 * a whole so it stays within 63 bytes and stays distinct.
 */
export function derivedName(...parts: string[]): string {
  return shortenPostgresIdentifier(parts.join('_'));
}
