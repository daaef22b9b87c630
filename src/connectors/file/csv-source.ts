/** Reads CSV files: one file is one table, or a directory of them. */
import type { Readable } from 'node:stream';
import { OPEN_AS_GIVEN, type FileCheck, type RowBatch, type Source, type TableSchema } from '../connector.ts';
import type { CsvEndpoint } from '../../spec/spec-schema.ts';
import { resolveCsvColumns } from './csv-columns.ts';
import { resolveCsvOptions, type CsvOptions } from './csv-options.ts';
import { createCsvTextCheck } from './csv-invalid-text.ts';
import { describeCsvError, openCsvParser, type RawCsvRecord } from './csv-parser.ts';
import { CsvRecordDecoder, type CsvFields } from './csv-record-decoder.ts';
import { createCsvSampler } from './csv-sampler.ts';
import { listFileTables } from './file-tables.ts';
import { createFileSource } from './file-source.ts';
import { asReadError } from './read-error.ts';
import { invalidTextPolicy, type InvalidTextPolicy } from '../invalid-text.ts';
import { markRowDefect } from '../row-defect.ts';
import { columnPositions } from './source-columns.ts';

/**
 * Opens a CSV source. `path` is a file (one table named after it, without extension) or a directory
 * (one table per `*.csv` file in it, not recursive).
 *
 * Values are strings, or null for an unquoted field equal to `nullValue` (a quoted `""` stays `''`).
 * A record with the wrong number of fields does not stop the run: it is yielded padded with nulls or
 * cut to the table's width, and marked with a reason that `rowDefect` (row-defect.ts) returns (the engine should
 * reject it). A field with bytes its encoding cannot decode is settled by `invalidText` (invalid-text.ts).
 * A CSV syntax error (e.g. an unclosed quote) stops the read with an error naming `file:line`.
 *
 * @throws InputError when the path does not exist, holds no CSV file, or an option is invalid
 */
export async function openCsvSource(
  endpoint: CsvEndpoint & { path: string },
  checkFile: FileCheck = OPEN_AS_GIVEN,
): Promise<Source> {
  const options = resolveCsvOptions(endpoint);
  const policy = invalidTextPolicy(endpoint);
  const tables = await listFileTables(endpoint.path, '.csv', 'CSV', checkFile);
  return createFileSource(tables, createCsvSampler(options), (file, table, columns, batchSize, open) =>
    readCsvFile(file, options, policy, table, columns, batchSize, open),
  );
}

async function* readCsvFile(
  file: string,
  options: CsvOptions,
  policy: InvalidTextPolicy,
  table: TableSchema,
  columns: string[],
  batchSize: number,
  open: Set<Readable>,
): AsyncGenerator<RowBatch> {
  const textCheck = createCsvTextCheck(file, options.encoding, policy, options.nullValue);
  const parser = openCsvParser(file, options, textCheck?.inspect);
  open.add(parser);
  const decoder = new CsvRecordDecoder(options);
  let positions: number[] | null = null;
  let width = 0;
  let batch: RowBatch = [];
  try {
    for await (const item of parser as AsyncIterable<RawCsvRecord>) {
      const fields = decoder.decode(item);
      if (fields === null) continue;
      if (positions === null) {
        const names = options.header
          ? resolveCsvColumns(fields, options, file)
          : (options.columns ?? table.columns.map((column) => column.name));
        width = names.length;
        positions = columnPositions(names, columns, file);
        if (options.header) continue;
      }
      const row: unknown[] = new Array(positions.length);
      for (let i = 0; i < positions.length; i++) row[i] = fields[positions[i]!] ?? null;
      if (fields.length !== width) markRowDefect(row, describeFieldCount(file, decoder.line, fields, width));
      textCheck?.check(row, fields, positions, columns, decoder.line, decoder.followingLine, item.raw);
      batch.push(row);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  } catch (error) {
    throw asReadError(describeCsvError(error, file));
  } finally {
    parser.destroy();
    open.delete(parser);
  }
}

function describeFieldCount(file: string, line: number, fields: CsvFields, width: number): string {
  const base = `${file}:${line}: ${fields.length} fields, expected ${width}`;
  if (fields.length < width) return `${base}; the missing fields were read as NULL`;
  const extra = fields.slice(width, width + 3).map((value) => {
    const text = JSON.stringify(value);
    return text.length > 40 ? `${text.slice(0, 37)}...` : text;
  });
  const more = fields.length - width > 3 ? ', ...' : '';
  return `${base}; the extra fields were dropped: ${extra.join(', ')}${more}`;
}
