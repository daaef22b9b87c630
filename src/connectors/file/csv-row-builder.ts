/**
 * Shapes the decoded records of one CSV file into rows of the columns asked for. A record with the wrong
 * number of fields is padded or cut as `raggedRows` says (and marked as repaired), or marked as a defect;
 * a malformed record becomes a row of NULLs marked as a defect, so that it is counted and rejected.
 */
import type { Row } from '../connector.ts';
import { markRowDefect } from '../row-defect.ts';
import { markRowRepair } from '../row-repair.ts';
import type { CsvOptions, RaggedRows } from './csv-options.ts';
import { malformedRecordReason } from './csv-parser.ts';
import type { RawCsvRecord } from './csv-record-reader.ts';
import type { CsvFields } from './csv-record-decoder.ts';

/** The quality rule that counts rows changed under each `raggedRows` setting (none under reject). */
export const RAGGED_ROW_REPAIRS: Readonly<Record<RaggedRows, string | null>> = {
  reject: null,
  pad: 'raggedRows: pad',
  truncate: 'raggedRows: truncate',
};

/** The repairs a CSV source with `options` may make, for {@link TableSchema.repairs}. */
export function csvRepairs(options: CsvOptions): string[] {
  const repair = RAGGED_ROW_REPAIRS[options.raggedRows];
  return repair === null ? [] : [repair];
}

export class CsvRowBuilder {
  /**
   * @param file the file, named in reasons
   * @param width the number of fields a record should have (the file's columns)
   * @param positions the position in a record of each column asked for
   */
  constructor(
    private readonly file: string,
    private readonly options: CsvOptions,
    private readonly width: number,
    readonly positions: readonly number[],
  ) {}

  /**
   * The row of a decoded record starting at `line`; `defect` says why the record could not be read
   * exactly (see CsvRecordDecoder.defect).
   */
  row(fields: CsvFields, line: number, defect: string | undefined): Row {
    const { positions } = this;
    const row: unknown[] = new Array(positions.length);
    for (let i = 0; i < positions.length; i++) row[i] = fields[positions[i]!] ?? null;
    if (defect !== undefined) {
      markRowDefect(row, `${this.file}:${line}: ${defect}`);
    } else if (fields.length !== this.width) {
      this.markRagged(row, fields.length, line);
    }
    return row;
  }

  /** The row standing for a malformed record: every column NULL, marked with what is wrong. */
  malformed(record: RawCsvRecord): Row {
    const row: unknown[] = new Array(this.positions.length).fill(null);
    markRowDefect(row, malformedRecordReason(this.file, record));
    return row;
  }

  private markRagged(row: Row, count: number, line: number): void {
    const short = count < this.width;
    const mode = this.options.raggedRows;
    if ((short && mode === 'pad') || (!short && mode === 'truncate')) {
      markRowRepair(row, RAGGED_ROW_REPAIRS[mode]!);
      return;
    }
    const base = `${this.file}:${line}: ${count} fields, expected ${this.width}`;
    markRowDefect(
      row,
      short
        ? `${base}: too few; set raggedRows: pad to read the missing fields as NULL`
        : `${base}: too many; set raggedRows: truncate to drop the extra fields`,
    );
  }
}
