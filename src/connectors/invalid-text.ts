/**
 * Text values that hold invalid bytes (bytes their encoding cannot decode, which a decoder silently
 * turns into U+FFFD): the spec's `invalidText` decision, and how a row carries it. Readers find the
 * invalid bytes (invalid-bytes-tracker.ts for files, sqlite-invalid-text.ts) and settle each row here:
 *
 * - `reject` (default): the row is marked as a defect (row-defect.ts) whose reason names the location,
 *   the column, the invalid bytes in hex and where they start in the value;
 * - `replace`: the value loads with U+FFFD in place of each invalid sequence;
 * - `null`: the value loads as NULL.
 *
 * A replaced value is marked (markReplacedValues) so that the engine counts it in the quality report,
 * and Verification says so instead of calling it identical to the source.
 */
import type { Row } from './connector.ts';
import { appendRowDefect, markReplacedValues } from './row-defect.ts';

/** What a text value with invalid bytes becomes. */
export type InvalidTextPolicy = 'reject' | 'replace' | 'null';

/** An endpoint as the spec gives it; only SQLite, CSV and JSON Lines endpoints take `invalidText`. */
export interface InvalidTextOption {
  type: string;
  invalidText?: InvalidTextPolicy;
}

/** The policy of an endpoint: its `invalidText`, `reject` when not given. */
export function invalidTextPolicy(endpoint: InvalidTextOption): InvalidTextPolicy {
  return endpoint.invalidText ?? 'reject';
}

/** One invalid sequence in a value. */
export interface InvalidBytes {
  /** Offset of its first byte in the value's bytes (in the source's encoding). */
  byte: number;
  bytes: readonly number[];
}

/** One value of a row that holds invalid bytes. */
export interface InvalidValue {
  /** Position of the value in the row. */
  position: number;
  /** The column, as messages name it. */
  column: string;
  found: InvalidBytes[];
  /** The value with U+FFFD in place of each invalid sequence. */
  replaced: unknown;
}

/** Invalid sequences listed per value in a reason; more are counted. */
const LISTED = 3;

/** `e9`, `f0 9f 98`: bytes in hex, spaced. */
export function hexBytes(bytes: ArrayLike<number>): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

/** `name: invalid UTF-8 bytes e9 at byte 3`, listing a few sequences and counting the rest. */
export function describeInvalidValue(value: InvalidValue, encoding: string): string {
  if (!value.found.length) {
    return `${value.column}: holds U+FFFD that may stand for invalid ${encoding} bytes (the row could not be read again to tell)`;
  }
  const listed = value.found
    .slice(0, LISTED)
    .map((f) => `${hexBytes(f.bytes)} at byte ${f.byte}`)
    .join(', ');
  const more = value.found.length > LISTED ? ` (${value.found.length} invalid sequences in all)` : '';
  return `${value.column}: invalid ${encoding} bytes ${listed}${more}`;
}

/**
 * Settles the invalid values of one row by `policy`: with `reject` the row is marked as a defect whose
 * reason starts with `where` (`data.csv:17: `, `rowid 5: `, or empty); otherwise each value becomes its
 * replacement or NULL, and is marked as replaced.
 *
 * @param encoding the encoding's name in messages, e.g. `UTF-8`
 */
export function settleInvalidValues(
  row: Row,
  values: readonly InvalidValue[],
  policy: InvalidTextPolicy,
  where: string,
  encoding: string,
): void {
  if (!values.length) return;
  if (policy === 'reject') {
    appendRowDefect(row, `${where}${values.map((v) => describeInvalidValue(v, encoding)).join('; ')}`);
    return;
  }
  for (const value of values) row[value.position] = policy === 'null' ? null : value.replaced;
  markReplacedValues(
    row,
    values.map((v) => v.position),
  );
}

/** The sites of U+FFFD in a text, in order: each either invalid bytes or a validly written U+FFFD. */
export interface ReplacementCursor {
  /** The invalid bytes of each U+FFFD in order, null for a validly written one. */
  readonly sites: readonly { invalid: readonly number[] | null }[];
  /** The next site to pair. */
  next: number;
}

/**
 * Pairs each U+FFFD of `text` with the next site of `cursor`, in order, and returns the invalid ones
 * with their byte offsets in the value. `byteLength` gives the length of text in the source's encoding.
 */
export function pairReplacements(
  text: string,
  cursor: ReplacementCursor,
  byteLength: (text: string) => number,
): InvalidBytes[] {
  const found: InvalidBytes[] = [];
  let byte = 0;
  let from = 0;
  for (let at = text.indexOf('\uFFFD'); at !== -1; at = text.indexOf('\uFFFD', at + 1)) {
    const site = cursor.sites[cursor.next++];
    if (site === undefined) break;
    byte += byteLength(text.slice(from, at));
    if (site.invalid) found.push({ byte, bytes: site.invalid });
    byte += site.invalid?.length ?? 3;
    from = at + 1;
  }
  return found;
}
