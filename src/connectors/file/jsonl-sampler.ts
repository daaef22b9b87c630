/** Samples and counts the rows of JSON Lines files, for the introspector and the sink. */
import { InputError } from '../../core/errors.ts';
import type { LogicalKind } from '../../core/logical-type.ts';
import type { FileSampler, TableSample } from './file-introspector.ts';
import { describeJsonlError, openJsonlLines, parseJsonlLine } from './jsonl-lines.ts';
import { inferJsonKind, widenKind } from './type-inference.ts';

/** A {@link FileSampler} for JSON Lines files in `encoding`. */
export function createJsonlSampler(encoding: string): FileSampler {
  return {
    sample: (file, maxRows) => sampleJsonlFile(file, encoding, maxRows),
    countRows: (file) => countJsonlRows(file, encoding),
  };
}

/**
 * Reads at most `maxRows` objects of a JSON Lines file: the columns are the union of their keys in
 * first-seen order, typed by {@link inferJsonKind} (nulls ignored).
 *
 * @throws InputError for a line that is not a JSON object (located at `file:line`), or a file without
 *   any object (its columns cannot be known)
 */
export async function sampleJsonlFile(file: string, encoding: string, maxRows: number): Promise<TableSample> {
  const lines = openJsonlLines(file, encoding);
  // A Map, never a plain object keyed by data: keys such as "__proto__" stay ordinary names.
  const positions = new Map<string, number>();
  const kinds: (LogicalKind | null)[] = [];
  let line = 0;
  let rows = 0;
  let chars = 0;
  let complete = true;
  try {
    for await (const text of lines as AsyncIterable<string>) {
      line++;
      const object = parseJsonlLine(text, file, line);
      if (object === null) continue;
      if (rows === maxRows) {
        complete = false;
        break;
      }
      rows++;
      chars += text.length + 1;
      for (const key of Object.keys(object)) {
        let position = positions.get(key);
        if (position === undefined) {
          position = kinds.length;
          positions.set(key, position);
          kinds.push(null);
        }
        const kind = inferJsonKind(object[key]);
        if (kind !== null) kinds[position] = widenKind(kinds[position]!, kind);
      }
    }
  } catch (error) {
    throw describeJsonlError(error, file, line + 1);
  } finally {
    lines.destroy();
  }
  if (rows === 0 && complete) {
    throw new InputError([
      {
        path: file,
        message:
          'holds no JSON object, so its columns are unknown; add rows, remove the file, or exclude the table.',
      },
    ]);
  }
  return { columns: [...positions.keys()], kinds, rows, chars, complete };
}

/** Counts the non-blank lines of a JSON Lines file (each one is a row; they are not parsed here). */
export async function countJsonlRows(file: string, encoding: string): Promise<number> {
  const lines = openJsonlLines(file, encoding);
  let line = 0;
  let count = 0;
  try {
    for await (const text of lines as AsyncIterable<string>) {
      line++;
      if (text.trim() !== '') count++;
    }
  } catch (error) {
    throw describeJsonlError(error, file, line + 1);
  } finally {
    lines.destroy();
  }
  return count;
}
