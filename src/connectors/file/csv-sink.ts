/** Writes CSV files: one `<table>.csv` per table in a target directory. */
import { OPEN_AS_GIVEN, type FileCheck, type Sink, type TableSchema } from '../connector.ts';
import { InputError } from '../../core/errors.ts';
import type { CsvEndpoint } from '../../spec/spec-schema.ts';
import { createCsvBatchEncoder } from './csv-batch-encoder.ts';
import { resolveCsvOptions } from './csv-options.ts';
import { countCsvRows, sampleCsvFile } from './csv-sampler.ts';
import { openFileSink } from './file-sink.ts';

/**
 * Opens a CSV sink writing `<path>/<table>.csv` (the directory is created if missing) with the
 * endpoint's delimiter, quote, encoding and null marker, and a header line unless `header` is false.
 * Values are encoded as {@link createCsvBatchEncoder} describes, so the CSV source reads them back
 * (NULL and `''` stay apart). The endpoint's `columns` is not used: the header is the table's columns.
 * In append mode the existing file keeps its rows and must have the table's header.
 *
 * @throws InputError when `path` is a file or an option is invalid
 */
export async function openCsvSink(
  endpoint: CsvEndpoint & { path: string },
  checkFile: FileCheck = OPEN_AS_GIVEN,
): Promise<Sink> {
  const options = resolveCsvOptions(endpoint);
  // Options that only make sense for reading: a written file has no lines to skip (appending later would
  // skip its header and first rows), quotes what needs quoting, and has no blanks, ragged rows or keys.
  const readingOnly = [
    options.skipLines > 0 && 'skipLines',
    options.quote === null && 'quote: false',
    options.trim !== 'none' && 'trim',
    options.raggedRows !== 'reject' && 'raggedRows',
    endpoint.primaryKey !== undefined && 'primaryKey',
  ].filter((name): name is string => name !== false);
  if (readingOnly.length) {
    throw new InputError(
      readingOnly.map((name) => ({
        path: endpoint.path,
        message: `${name} is for reading CSV files; remove it from the target.`,
      })),
    );
  }
  const encode = createCsvBatchEncoder(options);
  const names = (table: TableSchema): string[] => table.columns.map((column) => column.name);
  return openFileSink(endpoint.path, checkFile, {
    extension: '.csv',
    formatName: 'CSV',
    encoding: options.encoding,
    header: (table) => (options.header ? encode([names(table)]) : null),
    createBatchEncoder: () => encode,
    countRows: (file) => countCsvRows(file, options),
    async checkAppend(file, table) {
      if (!options.header) return;
      const { columns } = await sampleCsvFile(file, { ...options, columns: null }, 0);
      const expected = names(table);
      if (columns.length !== expected.length || columns.some((name, i) => name !== expected[i])) {
        throw new InputError([
          {
            path: file,
            message: `cannot append: the file's header is [${columns.join(', ')}] but table "${table.name}" has columns [${expected.join(', ')}]; choose mode truncate or create to replace the file.`,
          },
        ]);
      }
    },
  });
}
