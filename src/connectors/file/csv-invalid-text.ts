/**
 * Invalid bytes in the fields of CSV records: finds which field of a record holds them and settles the
 * row by the endpoint's `invalidText` (see invalid-text.ts). Costs nothing for a record whose lines hold
 * no U+FFFD at all.
 */
import type { Transform } from 'node:stream';
import type { Row } from '../connector.ts';
import {
  pairReplacements,
  settleInvalidValues,
  type InvalidTextPolicy,
  type InvalidValue,
} from '../invalid-text.ts';
import type { CsvFields } from './csv-record-decoder.ts';
import { createInvalidBytesTracker, type InvalidBytesTracker } from './invalid-bytes-tracker.ts';

/** Checks the records of one CSV file, in order. */
export class CsvTextCheck {
  /** The stream to put between the file and the parser. */
  readonly inspect: Transform;

  constructor(
    private readonly tracker: InvalidBytesTracker,
    private readonly file: string,
    private readonly policy: InvalidTextPolicy,
    private readonly nullValue: string,
  ) {
    this.inspect = tracker.stream();
  }

  /**
   * Checks the record that starts on `line` (the next one starts on `followingLine`; `raw` is its text)
   * and whose fields went into `row` (`positions[i]`: the field of row value i; `columns[i]` its name).
   */
  check(
    row: Row,
    fields: CsvFields,
    positions: readonly number[],
    columns: readonly string[],
    line: number,
    followingLine: number,
    raw: string,
  ): void {
    if (!this.tracker.pending) return;
    const last = /[\r\n]$/.test(raw) ? followingLine - 1 : followingLine;
    const sites = this.tracker.take(line, last);
    if (sites === null || sites.every((site) => site.invalid === null)) return;
    const cursor = { sites, next: 0 };
    const values: InvalidValue[] = [];
    for (let f = 0; f < fields.length; f++) {
      // A field read as NULL was the null marker, whose U+FFFDs (if any) are the marker's.
      const found = pairReplacements(fields[f] ?? this.nullValue, cursor, this.tracker.byteLength);
      const position = positions.indexOf(f);
      if (!found.length || position < 0) continue;
      values.push({ position, column: columns[position]!, found, replaced: row[position] });
    }
    settleInvalidValues(row, values, this.policy, `${this.file}:${line}: `, this.tracker.label);
  }
}

/** The check of a CSV file in `encoding`, or null where its bytes need no check (see the tracker). */
export function createCsvTextCheck(
  file: string,
  encoding: string,
  policy: InvalidTextPolicy,
  nullValue: string,
): CsvTextCheck | null {
  const tracker = createInvalidBytesTracker(encoding, true);
  return tracker && new CsvTextCheck(tracker, file, policy, nullValue);
}
