/** The Source shared by the file formats: one table per file, read whole, streams closed on close(). */
import type { Readable } from 'node:stream';
import type { PartitionBounds, RowBatch, Source, TableSchema } from '../connector.ts';
import { createFileIntrospector, type FileSampler, type FileTableSettings } from './file-introspector.ts';
import { findFileTable, type FileTable } from './file-tables.ts';
import { assertWholeFile } from './read-error.ts';

/**
 * Reads one file's rows; registers its open stream in `open` (and removes it when done) so that
 * closing the source can stop a read that is still under way.
 */
export type FileReader = (
  file: string,
  table: TableSchema,
  columns: string[],
  batchSize: number,
  open: Set<Readable>,
) => AsyncIterable<RowBatch>;

/**
 * A Source over `tables`, sampling with `sampler` for introspection (and counting rows) and reading
 * with `readFile`; `settings` are what the spec adds to every table (see createFileIntrospector).
 */
export function createFileSource(
  tables: FileTable[],
  sampler: FileSampler,
  readFile: FileReader,
  settings: FileTableSettings = {},
): Source {
  const open = new Set<Readable>();
  return {
    introspector: createFileIntrospector(tables, sampler, settings),
    stableOrder: true,
    read(table: TableSchema, columns: string[], bounds: PartitionBounds, batchSize: number) {
      assertWholeFile(bounds.kind);
      return readFile(findFileTable(tables, table.name).file, table, columns, batchSize, open);
    },
    async countRows(table: TableSchema, bounds: PartitionBounds) {
      assertWholeFile(bounds.kind);
      return sampler.countRows(findFileTable(tables, table.name).file);
    },
    async close() {
      for (const stream of open) stream.destroy();
      open.clear();
    },
  };
}
