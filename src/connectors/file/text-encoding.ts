/** Text encodings of file endpoints: UTF-8 natively, anything else through iconv-lite. */
import { createReadStream } from 'node:fs';
import { pipeline, type Readable, type Transform } from 'node:stream';
import iconv from 'iconv-lite';
import { InputError } from '../../core/errors.ts';

/** The canonical name of UTF-8, which is read and written without iconv-lite. */
export const UTF8 = 'utf8';

/**
 * Checks an endpoint's `encoding` option and returns the name to use: `utf8` for any spelling of UTF-8,
 * otherwise the name as given.
 *
 * @param where the endpoint path, named in the error
 * @throws InputError when iconv-lite does not know the encoding
 */
export function resolveTextEncoding(encoding: string | undefined, where: string): string {
  if (encoding === undefined || /^utf-?8$/i.test(encoding)) return UTF8;
  if (!iconv.encodingExists(encoding)) {
    throw new InputError([
      {
        path: where,
        message: `unknown encoding "${encoding}"; use one iconv-lite knows, e.g. utf8, latin1, windows-1252 or utf16le.`,
      },
    ]);
  }
  return encoding;
}

/**
 * Opens a file for streaming reads. For UTF-8 the stream yields the file's Buffers; for other encodings it
 * yields decoded strings (a byte order mark is dropped). Destroying the returned stream closes the file.
 *
 * @param inspect a pass-through stream that sees the file's bytes before they are decoded (see
 *   invalid-bytes-tracker.ts)
 */
export function openDecodedStream(file: string, encoding: string, inspect?: Transform): Readable {
  const input = createReadStream(file, { highWaterMark: 256 * 1024 });
  // Errors reach the consumer through the last stream; the callbacks only keep them from being unhandled.
  const bytes: Readable = inspect ? pipeline(input, inspect, () => {}) : input;
  if (encoding === UTF8) return bytes;
  return pipeline(bytes, iconv.decodeStream(encoding), () => {}) as unknown as Readable;
}

/** Turns text into what is written to a file: the string itself for UTF-8, else encoded bytes. */
export type TextEncoder = (text: string) => string | Buffer;

/** An encoder for `encoding`; stateful for multi-byte encodings, so use one per file. No byte order mark is written. */
export function createTextEncoder(encoding: string): TextEncoder {
  if (encoding === UTF8) return (text) => text;
  const encoder = iconv.getEncoder(encoding, { addBOM: false });
  return (text) => encoder.write(text);
}
