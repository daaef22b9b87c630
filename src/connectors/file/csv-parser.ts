/** Opens a CSV file as a stream of parsed records (csv-parse), and turns its errors into clear ones. */
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { InputError } from '../../errors.ts';
import type { CsvOptions } from './csv-options.ts';
import { openDecodedStream, UTF8 } from './text-encoding.ts';

/** One record as csv-parse yields it: the field strings and the record's raw text. */
export interface RawCsvRecord {
  record: string[];
  raw: string;
}

/**
 * Opens `file` as an object stream of {@link RawCsvRecord}, pulled lazily. Destroying the stream (or
 * leaving a `for await` loop over it early) closes the file.
 *
 * The raw text lets {@link CsvRecordDecoder} tell a quoted empty field from an unquoted one: csv-parse's
 * own `cast` context says so too, but builds an object per field and makes parsing about ten times slower.
 * Rows of any field count are let through (`relax_column_count`); the reader decides what to do with them.
 * Quotes inside an unquoted field are kept as they are (`relax_quotes`). `inspect` sees the file's bytes
 * before they are decoded (see openDecodedStream).
 */
export function openCsvParser(file: string, options: CsvOptions, inspect?: Transform): Readable {
  const parser = parse({
    bom: options.encoding === UTF8,
    delimiter: options.delimiter,
    quote: options.quote,
    escape: options.quote,
    raw: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    from_line: options.skipLines + 1,
  });
  // Errors reach the consumer through the parser; the callback only keeps them from being unhandled.
  return pipeline(openDecodedStream(file, options.encoding, inspect), parser, () => {});
}

/**
 * What csv-parse's error codes mean, in words that quote nothing from the file: some of its own
 * messages carry the field's text or the header, which may be personal data or a secret.
 */
const CSV_ERRORS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'Quote Not Closed: the file ends inside a quoted field',
  CSV_INVALID_CLOSING_QUOTE:
    'Invalid Closing Quote: a closing quote is followed by a character other than the delimiter',
  INVALID_OPENING_QUOTE: 'Invalid Opening Quote: a quote appears inside an unquoted field',
  CSV_INVALID_OPENING_QUOTE: 'Invalid Opening Quote: a quote appears inside an unquoted field',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'A character follows a closing quote',
  CSV_MAX_RECORD_SIZE: 'A record is larger than the maximum record size',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'A record has a different number of fields than the first one',
  CSV_RECORD_INCONSISTENT_COLUMNS: 'A record has a different number of fields than there are columns',
  CSV_INVALID_COLUMN_MAPPING: 'The header does not give a name to every column',
};

/**
 * A CSV syntax error (e.g. an unclosed quote) as an InputError located at `file:line`, saying what is
 * wrong without quoting the file; other errors are returned unchanged.
 */
export function describeCsvError(error: unknown, file: string): unknown {
  if (!(error instanceof CsvError)) return error;
  const line = typeof error.lines === 'number' ? `:${error.lines}` : '';
  const what = CSV_ERRORS[error.code] ?? `The CSV is malformed here (${error.code})`;
  return new InputError(
    [
      {
        path: `${file}${line}`,
        message: `${what}. Fix the file there, or check the delimiter, quote and encoding options.`,
      },
    ],
    { cause: error },
  );
}
