/** What Planning produces and every later phase reads. */
import type { ColumnSchema, PartitionBounds, TableMode, TableSchema } from '../connectors/connector.ts';

/** One source column and the target column it becomes. */
export interface ColumnMapping {
  source: ColumnSchema;
  target: ColumnSchema;
}

/** A partition: the unit of work (a key range of a table, or a whole table or file). */
export interface PartitionPlan {
  index: number;
  bounds: PartitionBounds;
}

/** How one source table becomes one target table. */
export interface TablePlan {
  /** The spec entry configuring this table (e.g. `tables[2]`), if any. */
  specPath: string | null;
  source: TableSchema;
  /** The target table: renamed, retyped, with mapped keys, indexes and foreign keys. */
  target: TableSchema;
  /** In target column order; the source is read in this order so rows need no reordering. */
  columns: ColumnMapping[];
  mode: TableMode;
  /** Where the mode was set: `tables[2].mode`, or `mode` for the spec-wide default. */
  modePath: string;
  estimatedRows: number;
  partitions: PartitionPlan[];
  /** Positions in the read row of the source primary key, for naming rejected rows. */
  keyPositions: number[];
  /** Things the user should know: dropped foreign keys, non-portable defaults, … */
  notes: string[];
}

export interface MigrationPlan {
  /** Tables in load order: parents before children. */
  tables: TablePlan[];
  /** Plan-wide warnings, e.g. a foreign-key cycle that was broken. */
  warnings: string[];
}
