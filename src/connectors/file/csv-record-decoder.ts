/** Turns csv-parse records into rows: NULL markers, blank lines and line numbers. */
import type { CsvOptions } from './csv-options.ts';
import type { RawCsvRecord } from './csv-parser.ts';

/** A decoded CSV record: strings, and null for an unquoted field equal to the null marker. */
export type CsvFields = (string | null)[];

/**
 * Decodes the records of one CSV file in order. Keeps the line number where each record starts (a
 * quoted field may span lines) and the width of the first record.
 */
export class CsvRecordDecoder {
  /** The 1-based line where the record last decoded starts. */
  line = 0;
  /** Field count of the first non-blank record (the header, or the first data row); undefined before it. */
  width: number | undefined;
  /** Characters of raw text decoded so far, for size estimates. */
  chars = 0;
  private nextLine: number;
  private readonly quote: string;
  private readonly quoteCode: number;
  private readonly delimiterLength: number;
  private readonly nullValue: string;

  /** The line where the record after the one last decoded starts. */
  get followingLine(): number {
    return this.nextLine;
  }

  constructor(options: CsvOptions) {
    this.quote = options.quote;
    this.quoteCode = options.quote.charCodeAt(0);
    this.delimiterLength = options.delimiter.length;
    this.nullValue = options.nullValue;
    this.nextLine = options.skipLines + 1;
  }

  /**
   * The fields of a record, or null for a blank line. A blank line is skipped unless the file has a
   * single column, where it stands for one empty (by default NULL) field.
   */
  decode({ record, raw }: RawCsvRecord): CsvFields | null {
    this.line = this.nextLine;
    this.nextLine += countLineBreaks(raw);
    this.chars += raw.length;
    if (
      record.length === 1 &&
      record[0] === '' &&
      raw.charCodeAt(0) !== this.quoteCode &&
      (this.width === undefined || this.width > 1)
    ) {
      return null;
    }
    this.width ??= record.length;
    return this.applyNullValue(record, raw);
  }

  /**
   * Replaces each unquoted field equal to the null marker by null, in place. Only when a record has such a
   * field does it walk the raw text to learn which fields were quoted: a quoted field starts with the
   * quote and spans its value with every quote doubled, an unquoted one spans its value as it is.
   */
  private applyNullValue(fields: CsvFields, raw: string): CsvFields {
    const last = fields.lastIndexOf(this.nullValue);
    if (last < 0) return fields;
    let position = 0;
    for (let i = 0; i <= last; i++) {
      const value = fields[i] as string;
      let length = value.length;
      if (raw.charCodeAt(position) === this.quoteCode) {
        const quoted = this.quote + value.replaceAll(this.quote, this.quote + this.quote) + this.quote;
        if (raw.startsWith(quoted, position)) length = quoted.length;
        else if (value === this.nullValue) fields[i] = null;
      } else if (value === this.nullValue) {
        fields[i] = null;
      }
      position += length + this.delimiterLength;
    }
    return fields;
  }
}

/** Line breaks in a record's raw text: `\n`, `\r\n` and a lone `\r` count once each. */
function countLineBreaks(raw: string): number {
  let count = 0;
  for (let i = raw.indexOf('\n'); i !== -1; i = raw.indexOf('\n', i + 1)) count++;
  for (let i = raw.indexOf('\r'); i !== -1; i = raw.indexOf('\r', i + 1)) {
    if (raw.charCodeAt(i + 1) !== 10) count++;
  }
  return count;
}
