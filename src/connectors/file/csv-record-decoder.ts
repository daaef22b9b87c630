/** Turns csv-parse records into rows: NULL markers, blank lines and line numbers. */
import type { CsvOptions } from './csv-options.ts';
import { countLineBreaks, type RawCsvRecord } from './csv-record-reader.ts';

/** A decoded CSV record: strings, and null for an unquoted field equal to the null marker. */
export type CsvFields = (string | null)[];

/** The blanks csv-parse trims before a field (`trim: unquoted`). */
const LEADING_BLANKS = /[ \t\r\n\f]*/y;

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
  /**
   * Why the record last decoded cannot be read exactly, or undefined: an escape character before a
   * character other than the quote or itself (csv-parse drops such an escape, which would change the value).
   */
  defect: string | undefined;
  private readonly quote: string | null;
  private readonly escape: string | null;
  /** The escape differs from the quote: a quoted field may lose an escape csv-parse drops. */
  private readonly separateEscape: boolean;
  private readonly delimiter: string;
  private readonly nullValue: string;
  private readonly trim: boolean;

  /** The line where the record after the one last decoded starts. */
  followingLine = 0;

  constructor(options: CsvOptions) {
    this.quote = options.quote;
    this.escape = options.escape;
    this.separateEscape = options.escape !== null && options.escape !== options.quote;
    this.delimiter = options.delimiter;
    this.nullValue = options.nullValue;
    this.trim = options.trim === 'unquoted';
  }

  /**
   * The fields of a record, or null for a blank line. A blank line is skipped unless the file has a
   * single column, where it stands for one empty (by default NULL) field.
   */
  decode({ record, raw, line }: RawCsvRecord): CsvFields | null {
    this.line = line;
    this.followingLine = line + countLineBreaks(raw);
    this.chars += raw.length;
    this.defect = undefined;
    if (
      record.length === 1 &&
      record[0] === '' &&
      !this.startsQuoted(raw, 0) &&
      (this.width === undefined || this.width > 1)
    ) {
      return null;
    }
    this.width ??= record.length;
    const fields: CsvFields = record;
    const nulls = this.quote === null ? -1 : fields.lastIndexOf(this.nullValue);
    const escapes = this.separateEscape && raw.includes(this.escape!);
    if (nulls < 0 && !escapes) {
      if (this.quote === null) return this.nullAll(fields);
      return fields;
    }
    this.walk(fields, raw, escapes ? fields.length - 1 : nulls);
    return fields;
  }

  /** Without quoting, every field equal to the null marker is NULL. */
  private nullAll(fields: CsvFields): CsvFields {
    for (let i = fields.indexOf(this.nullValue); i !== -1; i = fields.indexOf(this.nullValue, i + 1)) {
      fields[i] = null;
    }
    return fields;
  }

  /** True when the field at `position` of `raw` starts with the quote (after blanks, under trim). */
  private startsQuoted(raw: string, position: number): boolean {
    if (this.quote === null) return false;
    return raw.startsWith(this.quote, this.skipBlanks(raw, position));
  }

  private skipBlanks(raw: string, position: number): number {
    if (!this.trim) return position;
    LEADING_BLANKS.lastIndex = position;
    LEADING_BLANKS.test(raw);
    return LEADING_BLANKS.lastIndex;
  }

  /**
   * Walks the raw text of fields 0..last: replaces each unquoted field equal to the null marker by null,
   * in place, and checks that each quoted field is exactly the quote, its value with every quote (and a
   * separate escape character) escaped, and the quote. A quoted field that is not means csv-parse dropped
   * an escape character: the record gets a {@link defect} and the walk stops.
   */
  private walk(fields: CsvFields, raw: string, last: number): void {
    const quote = this.quote!;
    let position = 0;
    for (let i = 0; i <= last; i++) {
      const value = fields[i] as string;
      position = this.skipBlanks(raw, position);
      if (raw.startsWith(quote, position)) {
        const quoted = quote + this.escaped(value) + quote;
        if (!raw.startsWith(quoted, position)) {
          this.defect = `field ${i + 1} holds the escape character ${JSON.stringify(this.escape)} before a character other than the quote or itself, which would be dropped; escape it (${this.escape}${this.escape}) or remove the escape option`;
          return;
        }
        position += quoted.length;
      } else {
        if (value === this.nullValue) fields[i] = null;
        position += value.length;
      }
      if (i === last) return;
      position = raw.indexOf(this.delimiter, position) + this.delimiter.length;
    }
  }

  /** `value` as it appears between the quotes of a quoted field. */
  private escaped(value: string): string {
    const quote = this.quote!;
    const escape = this.escape!;
    if (!this.separateEscape) return value.replaceAll(quote, quote + quote);
    return value.replaceAll(escape, escape + escape).replaceAll(quote, escape + quote);
  }
}
