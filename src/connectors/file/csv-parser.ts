/** Opens a CSV file as a stream of parsed records (csv-parse), and turns its errors into clear ones. */
import type { Readable, Transform } from 'node:stream';
import { CsvError } from 'csv-parse';
import { InputError } from '../../core/errors.ts';
import type { CsvOptions } from './csv-options.ts';
import { MAX_RECORD_CHARS, readCsvRecords, type RawCsvRecord } from './csv-record-reader.ts';
import { openDecodedStream } from './text-encoding.ts';

export type { RawCsvRecord } from './csv-record-reader.ts';

/**
 * Opens `file` as an object stream of {@link RawCsvRecord}, pulled lazily. Destroying the stream (or
 * leaving a `for await` loop over it early) closes the file.
 *
 * The raw text lets {@link CsvRecordDecoder} tell a quoted empty field from an unquoted one: csv-parse's
 * own `cast` context says so too, but builds an object per field and makes parsing about ten times slower.
 * Rows of any field count are let through; the reader decides what to do with them. A malformed record
 * (an unclosed quote, a quote inside an unquoted field) comes as a record marked `malformed`, and reading
 * goes on at the next line (see csv-record-reader.ts). `inspect` sees the file's bytes before they are
 * decoded (see openDecodedStream).
 */
export function openCsvParser(file: string, options: CsvOptions, inspect?: Transform): Readable {
  return readCsvRecords(openDecodedStream(file, options.encoding, inspect), options);
}

/**
 * What csv-parse's error codes mean, in words that quote nothing from the file: some of its own
 * messages carry the field's text or the header, which may be personal data or a secret.
 */
const CSV_ERRORS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED:
    'Quote Not Closed: a quoted field that starts here is not closed before the end of the file',
  CSV_INVALID_CLOSING_QUOTE:
    'Invalid Closing Quote: a closing quote is followed by a character other than the delimiter (an unclosed quote, or a quote in a quoted field that is not escaped)',
  INVALID_OPENING_QUOTE:
    'Invalid Opening Quote: a quote appears inside an unquoted field (quote the whole field and escape the quote, or set quote: false)',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE:
    'Invalid Closing Quote: a character other than a blank or the delimiter follows a closing quote',
  CSV_MAX_RECORD_SIZE: `Record Too Long: a record is longer than ${MAX_RECORD_CHARS / 1024 / 1024} Mi characters (an unclosed quote?)`,
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'A record has a different number of fields than the first one',
  CSV_RECORD_INCONSISTENT_COLUMNS: 'A record has a different number of fields than there are columns',
  CSV_INVALID_COLUMN_MAPPING: 'The header does not give a name to every column',
};

/** What a csv-parse error code means, quoting nothing from the file. */
export function describeCsvSyntax(code: string): string {
  return CSV_ERRORS[code] ?? `The CSV is malformed here (${code})`;
}

/**
 * The reject reason of a malformed record: `file:line`, what is wrong, and where reading went on. The
 * record's text is not quoted.
 */
export function malformedRecordReason(file: string, record: RawCsvRecord): string {
  return `${file}:${record.line}: ${describeCsvSyntax(record.malformed ?? '')}; the record was rejected and reading went on at line ${record.line + 1}`;
}

/**
 * A malformed record where none can be skipped (the header, or the first record that gives the columns;
 * a lookup file) as an InputError located at `file:line`, without quoting the file.
 */
export function malformedRecordError(file: string, record: RawCsvRecord): InputError {
  return new InputError([
    {
      path: `${file}:${record.line}`,
      message: `${describeCsvSyntax(record.malformed ?? '')}. Fix the file there, or check the delimiter, quote, escape and encoding options.`,
    },
  ]);
}

/**
 * A CSV syntax error (e.g. an unclosed quote) as an InputError located at `file:line`, saying what is
 * wrong without quoting the file; other errors are returned unchanged.
 */
export function describeCsvError(error: unknown, file: string): unknown {
  if (!(error instanceof CsvError)) return error;
  const line = typeof error.lines === 'number' ? `:${error.lines}` : '';
  return new InputError(
    [
      {
        path: `${file}${line}`,
        message: `${describeCsvSyntax(error.code)}. Fix the file there, or check the delimiter, quote, escape and encoding options.`,
      },
    ],
    { cause: error },
  );
}
