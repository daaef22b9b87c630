/** Encodes rows of canonical values as CSV text (csv-stringify) that the CSV source reads back exactly. */
import { stringify, type Options } from 'csv-stringify/sync';
import type { RowBatch } from '../connector.ts';
import type { CsvOptions } from './csv-options.ts';

/**
 * A function that encodes a batch of rows (or one header row of names) as CSV lines, each ending in `\n`.
 *
 * Values: null (and undefined) → the null marker, unquoted; `''` → `""`, quoted, so it reads back as an
 * empty string and not as NULL; a string equal to a non-empty null marker is quoted for the same reason;
 * booleans → `true`/`false`; numbers and bigints → their decimal digits; Buffers → base64; Dates → ISO
 * 8601; other objects → JSON. Fields holding the delimiter, the quote or a line break are quoted, with
 * quotes doubled (or preceded by the escape character, which then escapes itself too).
 */
export function createCsvBatchEncoder(options: CsvOptions): (batch: RowBatch) => string {
  const { nullValue } = options;
  const stringifyOptions: Options = {
    delimiter: options.delimiter,
    // The sink refuses quote: false (resolveCsvSinkOptions); a separate escape also escapes itself.
    quote: options.quote ?? '"',
    escape: options.escape ?? options.quote ?? '"',
    record_delimiter: '\n',
    eof: true,
    // An empty string is quoted; a NULL written as an empty marker is not (the pattern sees `''` only then).
    quoted_match: [/^$/],
    cast: {
      null: () => nullValue,
      undefined: () => nullValue,
      boolean: (value) => (value ? 'true' : 'false'),
      date: (value) => value.toISOString(),
      object: (value) => {
        if (!Buffer.isBuffer(value)) return JSON.stringify(value);
        // An empty Buffer is an empty (not NULL) value: quote it like an empty string.
        return value.length === 0 ? { value: '', quoted_empty: true } : value.toString('base64');
      },
      ...(nullValue === ''
        ? {}
        : { string: (value: string) => (value === nullValue ? { value, quoted: true } : value) }),
    },
  };
  return (batch) => stringify(batch, stringifyOptions);
}
