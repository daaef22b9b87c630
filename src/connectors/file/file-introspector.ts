/** The introspector shared by the file sources: schemas inferred from a sample, row counts for planning. */
import { stat } from 'node:fs/promises';
import type { Introspector, TableSchema, TableStatistics } from '../connector.ts';
import type { LogicalKind } from '../../core/logical-type.ts';
import { checkPrimaryKeyTables, primaryKeyOf, type FilePrimaryKeySpec } from './file-primary-key.ts';
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

/** What the spec says about every table of a file endpoint, beyond what its files hold. */
export interface FileTableSettings {
  /** The endpoint's `primaryKey`. */
  primaryKey?: FilePrimaryKeySpec;
  /** The repairs the source may make to rows (TableSchema.repairs). */
  repairs?: string[];
}

/** How many data rows to sample of `file`: all of a small file, {@link SAMPLE_ROWS} of a larger one. */
async function sampleRowsOf(file: string): Promise<number> {
  return (await stat(file)).size <= WHOLE_SAMPLE_MAX_BYTES ? Number.POSITIVE_INFINITY : SAMPLE_ROWS;
}

/**
 * An introspector over the tables of a file endpoint. Files have no keys, indexes or defaults: every
 * column is typed by {@link TableSample.kinds} (text when unknown), and `nativeType` says the type was
 * inferred (e.g. `inferred:integer`). Columns are nullable, except those of a primary key the spec
 * declares (`settings.primaryKey`; the table is then marked `declaredKey`, as the file does not enforce
 * it). Samples are read once and cached.
 *
 * @throws InputError (from listTables) when the declared key names a table or column the files lack
 */
export function createFileIntrospector(
  tables: FileTable[],
  sampler: FileSampler,
  settings: FileTableSettings = {},
): Introspector {
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
      checkPrimaryKeyTables(settings.primaryKey, tables);
      return Promise.all(
        tables.map(async (table): Promise<TableSchema> => {
          const { columns, kinds } = await sampleOf(table);
          const primaryKey = primaryKeyOf(settings.primaryKey, table, columns);
          return {
            name: table.name,
            columns: columns.map((name, i) => {
              const kind = kinds[i] ?? 'text';
              return {
                name,
                nativeType: `inferred:${kind}`,
                type: { kind },
                nullable: !primaryKey.includes(name),
                defaultValue: null,
              };
            }),
            primaryKey,
            indexes: [],
            foreignKeys: [],
            ...(primaryKey.length ? { declaredKey: true } : {}),
            ...(settings.repairs?.length ? { repairs: settings.repairs } : {}),
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
