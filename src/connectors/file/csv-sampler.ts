/** Samples and counts the rows of CSV files, for the introspector and the sink. */
import type { LogicalKind } from '../../core/logical-type.ts';
import type { FileSampler, TableSample } from './file-introspector.ts';
import { resolveCsvColumns } from './csv-columns.ts';
import type { CsvOptions } from './csv-options.ts';
import { describeCsvError, malformedRecordError, openCsvParser, type RawCsvRecord } from './csv-parser.ts';
import { CsvRecordDecoder } from './csv-record-decoder.ts';
import { inferTextKind, widenKind } from './type-inference.ts';

/** A {@link FileSampler} for CSV files read with `options`. */
export function createCsvSampler(options: CsvOptions): FileSampler {
  return {
    sample: (file, maxRows) => sampleCsvFile(file, options, maxRows),
    countRows: (file) => countCsvRows(file, options),
  };
}

/**
 * Reads the columns of a CSV file and infers their types from at most `maxRows` data rows (see
 * {@link inferTextKind}; NULLs, malformed records and records the source rejects are ignored).
 *
 * @throws InputError for a bad header or a CSV syntax error, located at `file:line`
 */
export async function sampleCsvFile(
  file: string,
  options: CsvOptions,
  maxRows: number,
): Promise<TableSample> {
  const parser = openCsvParser(file, options);
  const decoder = new CsvRecordDecoder(options);
  let columns: string[] | null = null;
  let kinds: (LogicalKind | null)[] = [];
  let rows = 0;
  let chars = 0;
  let complete = true;
  try {
    for await (const item of parser as AsyncIterable<RawCsvRecord>) {
      // A malformed record is a row the source rejects: counted, but no type is inferred from it.
      const fields = item.malformed === undefined ? decoder.decode(item) : undefined;
      if (fields === null) continue;
      if (columns === null) {
        if (fields === undefined) throw malformedRecordError(file, item);
        columns = resolveCsvColumns(fields, options, file);
        kinds = columns.map(() => null);
        if (options.header) continue;
      }
      if (rows === maxRows) {
        complete = false;
        break;
      }
      rows++;
      chars += item.raw.length;
      if (fields === undefined || decoder.defect !== undefined) continue;
      for (let i = 0; i < kinds.length; i++) {
        const value = fields[i];
        const kind = kinds[i]!;
        if (value === null || value === undefined || kind === 'text') continue;
        kinds[i] = widenKind(kind, inferTextKind(value));
      }
    }
  } catch (error) {
    throw describeCsvError(error, file);
  } finally {
    parser.destroy();
  }
  if (columns === null) {
    columns = resolveCsvColumns(undefined, options, file);
    kinds = columns.map(() => null);
  }
  return { columns, kinds, rows, chars, complete };
}

/**
 * Counts the data records of a CSV file (records, not lines: a quoted field may hold line breaks),
 * skipping the header and blank lines as the source does; a malformed record counts as one.
 *
 * @throws InputError for a CSV syntax error, located at `file:line`
 */
export async function countCsvRows(file: string, options: CsvOptions): Promise<number> {
  const parser = openCsvParser(file, options);
  const decoder = new CsvRecordDecoder(options);
  let header = options.header;
  let count = 0;
  try {
    for await (const item of parser as AsyncIterable<RawCsvRecord>) {
      // A malformed record counts: the source yields it, to be rejected.
      if (item.malformed === undefined && decoder.decode(item) === null) continue;
      if (header) {
        if (item.malformed !== undefined) throw malformedRecordError(file, item);
        header = false;
      } else {
        count++;
      }
    }
  } catch (error) {
    throw describeCsvError(error, file);
  } finally {
    parser.destroy();
  }
  return count;
}
