/** Reads JSON Lines files: one object per line; one file is one table, or a directory of them. */
import type { Readable } from 'node:stream';
import { OPEN_AS_GIVEN, type FileCheck, type RowBatch, type Source, type TableSchema } from '../connector.ts';
import type { JsonlEndpoint } from '../../spec/spec-schema.ts';
import { listFileTables } from './file-tables.ts';
import { createFileSource } from './file-source.ts';
import { createJsonlTextCheck } from './jsonl-invalid-text.ts';
import { describeJsonlError, openJsonlLines, parseJsonlLine } from './jsonl-lines.ts';
import { createJsonlSampler } from './jsonl-sampler.ts';
import { asReadError } from './read-error.ts';
import { invalidTextPolicy, type InvalidTextPolicy } from '../invalid-text.ts';
import { markRowDefect } from '../row-defect.ts';
import { resolveTextEncoding } from './text-encoding.ts';

/**
 * Opens a JSON Lines source. `path` is a file (one table named after it, without extension) or a
 * directory (one table per `*.jsonl` file in it, not recursive).
 *
 * Blank lines are skipped. A key missing from an object reads as null; a nested object or array reads
 * as its JSON text; strings, numbers and booleans read as they are (integers beyond 2^53 have already
 * lost precision in `JSON.parse`). An object with keys outside the table's columns (the keys of the first
 * 1,000 lines) is yielded without them and marked with a reason that `rowDefect` (row-defect.ts) returns.
 * A value with bytes the encoding cannot decode is settled by `invalidText` (invalid-text.ts). A line
 * that is not a JSON object stops the read with an error naming `file:line`.
 *
 * @throws InputError when the path does not exist, holds no JSON Lines file, or the encoding is unknown
 */
export async function openJsonlSource(
  endpoint: JsonlEndpoint & { path: string },
  checkFile: FileCheck = OPEN_AS_GIVEN,
): Promise<Source> {
  const encoding = resolveTextEncoding(endpoint.encoding, endpoint.path);
  const policy = invalidTextPolicy(endpoint);
  const tables = await listFileTables(endpoint.path, '.jsonl', 'JSON Lines', checkFile);
  return createFileSource(
    tables,
    createJsonlSampler(encoding),
    (file, table, columns, batchSize, open) =>
      readJsonlFile(file, encoding, policy, table, columns, batchSize, open),
    { primaryKey: endpoint.primaryKey },
  );
}

async function* readJsonlFile(
  file: string,
  encoding: string,
  policy: InvalidTextPolicy,
  table: TableSchema,
  columns: string[],
  batchSize: number,
  open: Set<Readable>,
): AsyncGenerator<RowBatch> {
  const known = new Set(table.columns.map((column) => column.name));
  const textCheck = createJsonlTextCheck(file, encoding, policy);
  const lines = openJsonlLines(file, encoding, textCheck?.inspect);
  open.add(lines);
  let line = 0;
  let batch: RowBatch = [];
  try {
    for await (const text of lines as AsyncIterable<string>) {
      line++;
      const object = parseJsonlLine(textCheck?.mark(text, line) ?? text, file, line);
      if (object === null) continue;
      const row: unknown[] = new Array(columns.length);
      for (let i = 0; i < columns.length; i++) {
        const key = columns[i]!;
        row[i] = Object.hasOwn(object, key) ? canonicalJsonValue(object[key]) : null;
      }
      textCheck?.settle(row, object, columns, line);
      const unknown = Object.keys(object).filter((key) => !known.has(key));
      if (unknown.length) {
        const names = unknown.map((key) => JSON.stringify(key)).join(', ');
        markRowDefect(
          row,
          `${file}:${line}: keys ${names} are not among the table's columns (taken from the first 1,000 lines); their values were dropped`,
        );
      }
      batch.push(row);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  } catch (error) {
    throw asReadError(describeJsonlError(error, file, line + 1));
  } finally {
    lines.destroy();
    open.delete(lines);
  }
}

/** A parsed JSON value as a canonical value: objects and arrays become their JSON text. */
function canonicalJsonValue(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : value;
}
