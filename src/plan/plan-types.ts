/** What Planning produces and every later phase reads. */
import type {
  ColumnSchema,
  PartitionBounds,
  SkippedObject,
  TableMode,
  TableSchema,
} from '../connectors/connector.ts';
import type {
  ColumnRuleSpec,
  ComputedColumnSpec,
  MaskSpec,
  TableRuleSpec,
  TransformStepSpec,
} from '../spec/rules-schema.ts';
import type { ErrorPolicySpec } from '../spec/spec-schema.ts';
import type { InvalidTextPolicy } from '../connectors/invalid-text.ts';

/** One source column and the target column it becomes. */
export interface ColumnMapping {
  source: ColumnSchema;
  target: ColumnSchema;
}

/** The data-quality settings of one source column (all empty when the spec sets none). */
export interface ColumnQuality {
  /** Spec path of the column entry, e.g. `tables[0].columns.EMail`; null without one. */
  specPath: string | null;
  steps: TransformStepSpec[];
  mask: MaskSpec | null;
  /** Tagged as personal data (or masked). */
  personal: boolean;
  rules: ColumnRuleSpec[];
}

/** A target column the source does not have. */
export interface ComputedColumn {
  specPath: string;
  target: ColumnSchema;
  spec: ComputedColumnSpec;
}

/** A lookup table of a transform step, loaded before the run. */
export interface LookupPlan {
  /** Spec path of the step: the key under which the loaded map is found. */
  path: string;
  /** A source table … */
  table: TableSchema | null;
  /** … or an absolute CSV/JSONL file path. */
  file: string | null;
  key: string;
  value: string;
}

/** Transforms, masks and rules of one table, as Planning resolved them. */
export interface TableQualityPlan {
  /** Position for position with {@link TablePlan.columns}. */
  columns: ColumnQuality[];
  /** Appended after the read columns, in this order. */
  computed: ComputedColumn[];
  /** Row filter over the source row; rows where it is false are counted as filtered. */
  filter: string | null;
  /** Rules over the row (spec path `${specPath}.rules[i]`). */
  rules: TableRuleSpec[];
  /** The table's own error policy. */
  errors: ErrorPolicySpec;
  lookups: LookupPlan[];
  /** Key sets this table fills for references rules of other tables: set name and target column position. */
  keySets: { name: string; position: number }[];
  /** Target tables whose loaded keys this table's references rules read: they load completely first. */
  dependsOn: string[];
  /** What the source makes of text with invalid bytes (its `invalidText`); reject when not given. */
  invalidText?: InvalidTextPolicy;
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
  /**
   * Positions in the read row of the source primary key, for naming rejected rows. Empty without a key,
   * or for a key the source does not enforce (TableSchema.declaredKey): rows that share it stay apart.
   */
  keyPositions: number[];
  quality: TableQualityPlan;
  /** Things the user should know: dropped foreign keys, non-portable defaults, … */
  notes: string[];
}

export interface MigrationPlan {
  /** Tables in load order: parents before children. */
  tables: TablePlan[];
  /** Plan-wide warnings, e.g. a foreign-key cycle that was broken. */
  warnings: string[];
  /**
   * Source objects the target does not get, with the reason (views, triggers, routines, indexes and
   * defaults it cannot rebuild, …); `table` is the source table's name.
   */
  notMigrated: SkippedObject[];
}
