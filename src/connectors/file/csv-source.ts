/** Reads CSV files: one file is one table, or a directory of them. */
import type { Readable } from 'node:stream';
import { OPEN_AS_GIVEN, type FileCheck, type RowBatch, type Source, type TableSchema } from '../connector.ts';
import type { CsvEndpoint } from '../../spec/spec-schema.ts';
import { resolveCsvColumns } from './csv-columns.ts';
import { resolveCsvOptions, type CsvOptions } from './csv-options.ts';
import { createCsvTextCheck } from './csv-invalid-text.ts';
import { describeCsvError, malformedRecordError, openCsvParser, type RawCsvRecord } from './csv-parser.ts';
import { CsvRecordDecoder } from './csv-record-decoder.ts';
import { csvRepairs, CsvRowBuilder } from './csv-row-builder.ts';
import { createCsvSampler } from './csv-sampler.ts';
import { listFileTables } from './file-tables.ts';
import { createFileSource } from './file-source.ts';
import { asReadError } from './read-error.ts';
import { invalidTextPolicy, type InvalidTextPolicy } from '../invalid-text.ts';
import { columnPositions } from './source-columns.ts';

/**
 * Opens a CSV source. `path` is a file (one table named after it, without extension) or a directory
 * (one table per `*.csv` file in it, not recursive).
 *
 * Values are strings, or null for an unquoted field equal to `nullValue` (a quoted `""` stays `''`).
 * A record with the wrong number of fields does not stop the run: it is yielded padded with nulls or
 * cut to the table's width, and marked (see CsvRowBuilder) either as repaired (`raggedRows: pad` or
 * `truncate`; the row loads and is counted) or with a reason that `rowDefect` (row-defect.ts) returns (the
 * engine rejects it). A malformed record (e.g. an unclosed quote) is yielded as a row of NULLs with such a
 * reason, and reading goes on at the next line; only a malformed header (or first record without a
 * header) stops the read, with an error naming `file:line`. A field with bytes its encoding cannot
 * decode is settled by `invalidText` (invalid-text.ts).
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
  return createFileSource(
    tables,
    createCsvSampler(options),
    (file, table, columns, batchSize, open) =>
      readCsvFile(file, options, policy, table, columns, batchSize, open),
    { primaryKey: endpoint.primaryKey, repairs: csvRepairs(options) },
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
  let rows: CsvRowBuilder | null = null;
  let batch: RowBatch = [];
  try {
    for await (const item of parser as AsyncIterable<RawCsvRecord>) {
      if (item.malformed !== undefined) {
        // Before the columns are known there is nothing to reject a record from: the file is refused.
        if (rows === null) throw malformedRecordError(file, item);
        batch.push(rows.malformed(item));
      } else {
        const fields = decoder.decode(item);
        if (fields === null) continue;
        if (rows === null) {
          const names = options.header
            ? resolveCsvColumns(fields, options, file)
            : (options.columns ?? table.columns.map((column) => column.name));
          rows = new CsvRowBuilder(file, options, names.length, columnPositions(names, columns, file));
          if (options.header) continue;
        }
        const row = rows.row(fields, decoder.line, decoder.defect);
        textCheck?.check(row, fields, rows.positions, columns, decoder.line, decoder.followingLine, item.raw);
        batch.push(row);
      }
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
