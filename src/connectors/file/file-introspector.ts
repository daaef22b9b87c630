/** The introspector shared by the file sources: schemas inferred from a sample, row counts for planning. */
import { stat } from 'node:fs/promises';
import type { Introspector, TableSchema, TableStatistics } from '../connector.ts';
import type { LogicalKind } from '../logical-type.ts';
import { findFileTable, type FileTable } from './file-tables.ts';

/** Data rows read to infer the columns and types of a file larger than {@link WHOLE_SAMPLE_MAX_BYTES}. */
export const SAMPLE_ROWS = 10_000;

/** Files up to this size are read whole to infer their types: no value can fall outside them. */
export const WHOLE_SAMPLE_MAX_BYTES = 16 * 1024 * 1024;

/** Files up to this size are counted exactly for planning; larger ones are estimated from the sample. */
export const EXACT_COUNT_MAX_BYTES = 50 * 1024 * 1024;

/** What a format learns from the data rows it samples of a file (see {@link sampleRowsOf}). */
export interface TableSample {
  columns: string[];
  /** The inferred kind of each column; null when the sample held no non-null value. */
  kinds: (LogicalKind | null)[];
  /** Data rows sampled. */
  rows: number;
  /** Characters those rows took in the file, for estimating the row count of a large file. */
  chars: number;
  /** True when the sample reached the end of the file, so `rows` is the exact count. */
  complete: boolean;
}

/** How one file format is sampled and counted. */
export interface FileSampler {
  /** Reads the columns and at most `maxRows` data rows of a file. */
  sample(file: string, maxRows: number): Promise<TableSample>;
  /** Counts every data row of a file, as the source's `read` would yield them. */
  countRows(file: string): Promise<number>;
}

/** How many data rows to sample of `file`: all of a small file, {@link SAMPLE_ROWS} of a larger one. */
async function sampleRowsOf(file: string): Promise<number> {
  return (await stat(file)).size <= WHOLE_SAMPLE_MAX_BYTES ? Number.POSITIVE_INFINITY : SAMPLE_ROWS;
}

/**
 * An introspector over the tables of a file endpoint. Files have no keys, indexes or defaults: every
 * column is nullable, typed by {@link TableSample.kinds} (text when unknown), and `nativeType` says the
 * type was inferred (e.g. `inferred:integer`). Samples are read once and cached.
 */
export function createFileIntrospector(tables: FileTable[], sampler: FileSampler): Introspector {
  const samples = new Map<string, Promise<TableSample>>();
  const sampleOf = (table: FileTable): Promise<TableSample> => {
    let sample = samples.get(table.name);
    if (!sample) {
      sample = sampleRowsOf(table.file).then((rows) => sampler.sample(table.file, rows));
      samples.set(table.name, sample);
    }
    return sample;
  };

  return {
    async listTables(): Promise<TableSchema[]> {
      return Promise.all(
        tables.map(async (table) => {
          const { columns, kinds } = await sampleOf(table);
          return {
            name: table.name,
            columns: columns.map((name, i) => {
              const kind = kinds[i] ?? 'text';
              return {
                name,
                nativeType: `inferred:${kind}`,
                type: { kind },
                nullable: true,
                defaultValue: null,
              };
            }),
            primaryKey: [],
            indexes: [],
            foreignKeys: [],
          };
        }),
      );
    },

    async statistics(schema: TableSchema): Promise<TableStatistics> {
      const table = findFileTable(tables, schema.name);
      const sample = await sampleOf(table);
      if (sample.complete) return { rowCount: sample.rows, partitionKey: null };
      const { size } = await stat(table.file);
      if (size <= EXACT_COUNT_MAX_BYTES || sample.rows === 0 || sample.chars === 0) {
        return { rowCount: await sampler.countRows(table.file), partitionKey: null };
      }
      return { rowCount: Math.round(size / (sample.chars / sample.rows)), partitionKey: null };
    },
  };
}
