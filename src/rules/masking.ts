/**
 * PII masks: pure, deterministic functions from a value's text to what is loaded in its place. They run
 * once per value on every row, so they walk the text once or twice by code point and allocate little.
 *
 * Letters and digits are recognised with Unicode properties (`\p{L}`, `\p{N}`); a combining mark
 * (`\p{M}`) belongs to the letter before it, so it is dropped with a masked or tokenized letter and kept
 * with a kept one (a decomposed `ü` never leaks its accent).
 */
import { createHmac } from 'node:crypto';

const OTHER = 0;
const DIGIT = 1;
const LOWER = 2;
const UPPER = 3;
const MARK = 4;
type Kind = typeof OTHER | typeof DIGIT | typeof LOWER | typeof UPPER | typeof MARK;

const NUMBER = /^\p{N}$/u;
const LETTER = /^\p{L}$/u;
const UPPER_LETTER = /^[\p{Lu}\p{Lt}]$/u;
const COMBINING_MARK = /^\p{M}$/u;
const LOWER_ALPHABET = 'abcdefghijklmnopqrstuvwxyz';
const UPPER_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const HMAC_BYTES = 32;

/** What one code point is; ASCII without a regular expression. */
function kindOf(ch: string): Kind {
  const code = ch.charCodeAt(0);
  if (code < 128) {
    if (code >= 48 && code <= 57) return DIGIT;
    if (code >= 97 && code <= 122) return LOWER;
    if (code >= 65 && code <= 90) return UPPER;
    return OTHER;
  }
  if (LETTER.test(ch)) return UPPER_LETTER.test(ch) ? UPPER : LOWER;
  if (NUMBER.test(ch)) return DIGIT;
  if (COMBINING_MARK.test(ch)) return MARK;
  return OTHER;
}

function isLetterOrDigit(kind: Kind): boolean {
  return kind === DIGIT || kind === LOWER || kind === UPPER;
}

/**
 * A keyed hash of the value: HMAC-SHA256 with `salt` as the key, the first 32 hex characters (128 bits).
 * The same value and salt always give the same hash, so keys hashed in different tables still join.
 */
export function hashValue(value: string, salt: string): string {
  return createHmac('sha256', salt).update(value, 'utf8').digest().toString('hex', 0, 16);
}

/** Replaces the whole value with `replacement` (default `[REDACTED]`). */
export function redactValue(_value: string, replacement = '[REDACTED]'): string {
  return replacement;
}

/** Options of {@link maskPartial}. */
export interface PartialMaskOptions {
  /** Letters/digits kept at the start (default 0). */
  keepFirst?: number;
  /** Letters/digits kept at the end (default 4). */
  keepLast?: number;
  /** The character that replaces each masked letter or digit (default `*`). */
  char?: string;
}

/**
 * Masks every letter and digit except the first `keepFirst` and the last `keepLast` of them; separators
 * (spaces, dashes, dots, anything else) stay where they are:
 * `DE89 3704 0044 0532 0130 00` → `**** **** **** **** **30 00`.
 */
export function maskPartial(value: string, options: PartialMaskOptions): string {
  const keepFirst = options.keepFirst ?? 0;
  const keepLast = options.keepLast ?? 4;
  const char = options.char ?? '*';
  let total = 0;
  for (const ch of value) if (isLetterOrDigit(kindOf(ch))) total++;
  const maskFrom = keepFirst;
  const maskTo = total - keepLast;
  if (maskFrom >= maskTo) return value;
  let out = '';
  let seen = 0;
  let masking = false;
  for (const ch of value) {
    const kind = kindOf(ch);
    if (isLetterOrDigit(kind)) {
      masking = seen >= maskFrom && seen < maskTo;
      seen++;
      out += masking ? char : ch;
    } else if (kind === MARK) {
      if (!masking) out += ch;
    } else {
      masking = false;
      out += ch;
    }
  }
  return out;
}

/**
 * Keeps the first character of the local part and the whole domain, masks the rest of the local part
 * with one `char` per character: `anna.mueller@example.com` → `a***********@example.com`. Text without
 * `@` is masked entirely (letters and digits; separators stay).
 */
export function maskEmail(value: string, char = '*'): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return maskPartial(value, { keepFirst: 0, keepLast: 0, char });
  if (at === 0) return value;
  const first = value.codePointAt(0)!;
  const firstLength = first > 0xffff ? 2 : 1;
  let hidden = 0;
  for (let i = firstLength; i < at; i++) {
    const code = value.charCodeAt(i);
    // A low surrogate finishes the code point its high surrogate already counted.
    if (code < 0xdc00 || code > 0xdfff) hidden++;
  }
  return value.slice(0, firstLength) + char.repeat(hidden) + value.slice(at);
}

/** Block `n` of the key stream: HMAC(key, value) for n = 0, then HMAC(key, value ‖ uint32be(n)). */
function keyBlock(key: string, value: string, n: number): Buffer {
  const hmac = createHmac('sha256', key).update(value, 'utf8');
  if (n > 0) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(n);
    hmac.update(counter);
  }
  return hmac.digest();
}

/**
 * A stable, format-preserving surrogate that cannot be reversed: every digit becomes a digit, every
 * letter an ASCII letter of the same case (caseless letters become lower case), everything else is
 * kept, so `DE89 3704` may become `QK41 0926`. Derived from HMAC-SHA256 with `key`, so the same value
 * and key always give the same token and different values almost surely give different ones.
 */
export function tokenize(value: string, key: string): string {
  let block: Buffer | null = null;
  let blockIndex = 0;
  let used = 0;
  const next = (): number => {
    if (block === null) block = keyBlock(key, value, 0);
    else if (used === HMAC_BYTES) {
      block = keyBlock(key, value, ++blockIndex);
      used = 0;
    }
    return block[used++]!;
  };
  let out = '';
  let replaced = false;
  for (const ch of value) {
    const kind = kindOf(ch);
    if (kind === DIGIT) out += DIGITS[next() % 10];
    else if (kind === LOWER) out += LOWER_ALPHABET[next() % 26];
    else if (kind === UPPER) out += UPPER_ALPHABET[next() % 26];
    else if (kind === MARK && replaced) continue;
    else out += ch;
    if (kind !== MARK) replaced = kind !== OTHER;
  }
  return out;
}
