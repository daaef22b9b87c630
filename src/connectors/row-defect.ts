/**
 * Marks rows that a file source could only read approximately (a CSV line with the wrong number of
 * fields, a JSON Lines object with keys outside the table's columns, text with invalid bytes). Such a
 * row is still yielded, shaped like every other row, so the run does not stop and the row stays counted
 * as extracted; the engine asks {@link rowDefect} and rejects the row with that reason instead of
 * loading it. Values the source replaced as the spec asks are marked apart ({@link markReplacedValues}).
 */
import type { Row } from './connector.ts';

/** A registered symbol, so that copies of this module (or another connector) agree on it. */
const DEFECT = Symbol.for('jivs.rowDefect');

interface DefectiveRow extends Array<unknown> {
  [DEFECT]?: string;
}

/** Attaches a reason (e.g. `data.csv:17: 5 fields, expected 4`) to a row, as a non-enumerable property. */
export function markRowDefect(row: Row, reason: string): void {
  Object.defineProperty(row, DEFECT, { value: reason, configurable: true });
}

/**
 * Why a row read from a file is not exact, or undefined for a sound row. Check it on the rows as the
 * source yields them (a transform that builds new arrays drops the mark).
 */
export function rowDefect(row: Row): string | undefined {
  return (row as DefectiveRow)[DEFECT];
}

/** Adds a reason to those a row already carries (see {@link markRowDefect}), joined by `; `. */
export function appendRowDefect(row: Row, reason: string): void {
  const earlier = rowDefect(row);
  markRowDefect(row, earlier === undefined ? reason : `${earlier}; ${reason}`);
}

/** A registered symbol, as {@link DEFECT}. */
const REPLACED = Symbol.for('jivs.replacedValues');

interface RepairedRow extends Array<unknown> {
  [REPLACED]?: readonly number[];
}

/**
 * Notes that the values at `positions` are not what the source holds but what the spec asked for in
 * their place (invalid text replaced by U+FFFD or NULL, see invalid-text.ts). The row loads; the engine
 * counts each such value in the quality report.
 */
export function markReplacedValues(row: Row, positions: readonly number[]): void {
  Object.defineProperty(row, REPLACED, { value: positions, configurable: true });
}

/** The positions of the values {@link markReplacedValues} noted, or undefined for none. */
export function replacedValues(row: Row): readonly number[] | undefined {
  return (row as RepairedRow)[REPLACED];
}
