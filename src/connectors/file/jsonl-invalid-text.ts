/**
 * Invalid bytes in JSON Lines files: finds which value of an object holds them and settles the row by
 * the endpoint's `invalidText` (see invalid-text.ts). A line with invalid bytes is parsed with each of
 * their U+FFFD swapped for a private character that the line does not hold, so that the value holding
 * it is known after parsing, whatever escapes (`\ufffd`) or key order the object has. Lines without
 * any U+FFFD cost nothing.
 */
import type { Transform } from 'node:stream';
import type { Row } from '../connector.ts';
import {
  hexBytes,
  settleInvalidValues,
  type InvalidBytes,
  type InvalidTextPolicy,
  type InvalidValue,
} from '../invalid-text.ts';
import { appendRowDefect } from '../row-defect.ts';
import { createInvalidBytesTracker, type InvalidBytesTracker } from './invalid-bytes-tracker.ts';
import type { JsonObject } from './jsonl-lines.ts';

/** The private use area, where stand-ins for invalid bytes are taken from. */
const FIRST_PRIVATE = 0xe000;
const LAST_PRIVATE = 0xf8ff;

/** Checks the lines of one JSON Lines file, in order. */
export class JsonlTextCheck {
  /** The stream to put between the file and the line splitter. */
  readonly inspect: Transform;
  /** Stand-ins of the line being read, with the invalid bytes each stands for. */
  private standIns = new Map<string, readonly number[]>();

  constructor(
    private readonly tracker: InvalidBytesTracker,
    private readonly file: string,
    private readonly policy: InvalidTextPolicy,
  ) {
    this.inspect = tracker.stream();
  }

  /**
   * The text of line `line` to parse: `text` itself, or, where it holds invalid bytes, with a stand-in
   * for each of their U+FFFD. Call {@link settle} with the row built from it.
   */
  mark(text: string, line: number): string {
    if (this.standIns.size) this.standIns = new Map();
    if (!this.tracker.pending) return text;
    const sites = this.tracker.take(line, line);
    if (sites === null || sites.every((site) => site.invalid === null)) return text;
    let marked = '';
    let from = 0;
    let next = 0;
    let candidate = FIRST_PRIVATE;
    for (
      let at = text.indexOf('\uFFFD');
      at !== -1 && next < sites.length;
      at = text.indexOf('\uFFFD', at + 1)
    ) {
      const invalid = sites[next++]!.invalid;
      if (invalid === null) continue;
      while (candidate <= LAST_PRIVATE && text.includes(String.fromCharCode(candidate))) candidate++;
      if (candidate > LAST_PRIVATE) break; // not enough stand-ins: the rest stay U+FFFD, found below
      const standIn = String.fromCharCode(candidate++);
      this.standIns.set(standIn, invalid);
      marked += text.slice(from, at) + standIn;
      from = at + 1;
    }
    return marked + text.slice(from);
  }

  /**
   * Settles the row built from the object that {@link mark}'s text parsed to: `row[i]` is the value of
   * key `columns[i]`. A key holding invalid bytes is renamed with U+FFFD in `object` and the row marked
   * as a defect: a key cannot be replaced, it names the column.
   */
  settle(row: Row, object: JsonObject, columns: readonly string[], line: number): void {
    if (!this.standIns.size) return;
    const values: InvalidValue[] = [];
    for (let position = 0; position < row.length; position++) {
      const value = row[position];
      if (typeof value !== 'string') continue;
      const found = this.findIn(value);
      if (!found.length) continue;
      // Whatever the decision, the stand-ins never leave: a rejected row keeps U+FFFD as its value.
      const replaced = this.unmark(value);
      row[position] = replaced;
      values.push({ position, column: columns[position]!, found, replaced });
    }
    for (const key of Object.keys(object)) {
      const found = this.findIn(key);
      if (!found.length) continue;
      const value = object[key];
      delete object[key];
      object[this.unmark(key)] = value;
      const list = found.map((f) => `${hexBytes(f.bytes)} at byte ${f.byte}`).join(', ');
      appendRowDefect(row, `${this.file}:${line}: a key holds invalid ${this.tracker.label} bytes ${list}`);
    }
    settleInvalidValues(row, values, this.policy, `${this.file}:${line}: `, this.tracker.label);
  }

  /** The invalid sequences in `text`, by their stand-ins, with byte offsets in the source's encoding. */
  private findIn(text: string): InvalidBytes[] {
    const found: InvalidBytes[] = [];
    let byte = 0;
    let from = 0;
    for (let at = 0; at < text.length; at++) {
      const invalid = this.standIns.get(text[at]!);
      if (invalid === undefined) continue;
      byte += this.tracker.byteLength(text.slice(from, at));
      found.push({ byte, bytes: invalid });
      byte += invalid.length;
      from = at + 1;
    }
    return found;
  }

  private unmark(text: string): string {
    let result = text;
    for (const standIn of this.standIns.keys()) result = result.replaceAll(standIn, '\uFFFD');
    return result;
  }
}

/** The check of a JSON Lines file in `encoding`, or null where its bytes need no check (see the tracker). */
export function createJsonlTextCheck(
  file: string,
  encoding: string,
  policy: InvalidTextPolicy,
): JsonlTextCheck | null {
  const tracker = createInvalidBytesTracker(encoding, false);
  return tracker && new JsonlTextCheck(tracker, file, policy);
}
