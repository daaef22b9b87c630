/** Opens a JSON Lines file as a stream of lines, and parses each line into an object. */
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream';
import split2 from 'split2';
import { InputError } from '../../core/errors.ts';
import { openDecodedStream } from './text-encoding.ts';

/** A JSON object from one line. Read it only through its own keys (`Object.hasOwn`, `Object.keys`). */
export type JsonObject = Record<string, unknown>;

/** The longest line read, in characters: a longer one means the file is not JSON Lines. */
export const MAX_LINE_LENGTH = 64 * 1024 * 1024;

/**
 * Opens `file` as an object stream of its lines (without line ends), pulled lazily. Destroying the
 * stream (or leaving a `for await` loop over it early) closes the file. `inspect` sees the file's bytes
 * before they are decoded (see openDecodedStream).
 */
export function openJsonlLines(file: string, encoding: string, inspect?: Transform): Readable {
  // Errors reach the consumer through the last stream; the callback only keeps them from being unhandled.
  const text = openDecodedStream(file, encoding, inspect);
  return pipeline(text, split2({ maxLength: MAX_LINE_LENGTH }), () => {});
}

/**
 * Parses line number `line` (1-based) of `file`: the object on it, or null for a blank line.
 *
 * @throws InputError located at `file:line` when the line is not valid JSON or not an object
 */
/** ` at character N` from a JSON.parse error, when it says where; never the text it quotes. */
function jsonErrorPosition(error: unknown): string {
  const position = /position (\d+)/.exec((error as Error).message)?.[1];
  return position === undefined ? '' : ` at character ${Number(position) + 1}`;
}

export function parseJsonlLine(text: string, file: string, line: number): JsonObject | null {
  const json = line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (json.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new InputError(
      [
        {
          path: `${file}:${line}`,
          // V8's message quotes the text around the error: keep only where it is.
          message: `not valid JSON${jsonErrorPosition(error)}; each line must hold one JSON object.`,
        },
      ],
      { cause: error },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new InputError([
      { path: `${file}:${line}`, message: `holds ${found}; each line must hold one JSON object ({...}).` },
    ]);
  }
  return value as JsonObject;
}

/** A line too long for {@link MAX_LINE_LENGTH} as an InputError at `file:line`; other errors unchanged. */
export function describeJsonlError(error: unknown, file: string, line: number): unknown {
  if (error instanceof Error && error.message === 'maximum buffer reached') {
    return new InputError(
      [
        {
          path: `${file}:${line}`,
          message: `line longer than ${MAX_LINE_LENGTH / 1024 / 1024} MiB; is this a JSON Lines file (one object per line)?`,
        },
      ],
      { cause: error },
    );
  }
  return error;
}
