/**
 * The small interfaces every connector implements. The engine depends only on these: no driver
 * type (better-sqlite3, pg, mysql2, csv-parse …) leaks past a connector's folder.
 *
 * Values travel through the pipeline in their canonical form (see {@link CanonicalValue}); rows travel
 * as arrays in column order, in batches ({@link RowBatch}).
 */
import type { LogicalType } from '../core/logical-type.ts';
import type { RowBatch } from '../core/values.ts';

export type { CanonicalValue, Row, RowBatch } from '../core/values.ts';

/**
 * Checks a file that a file endpoint's folder holds or receives (each listed or written file), and
 * returns the path to open: the spec's FileResolver, so a link in the folder cannot lead elsewhere.
 * Connectors opened directly (tests) may leave it out and open every path as given.
 */
export type FileCheck = (path: string) => string;

/** Opens every path as given: for connectors opened directly, outside a spec. */
export const OPEN_AS_GIVEN: FileCheck = (path) => path;

/** A column as a connector sees it. */
export interface ColumnSchema {
  name: string;
  /** The type as declared in the source (e.g. `VARCHAR(40)`, `decimal(12,2)`), for reports. */
  nativeType: string;
  /** The portable type this column maps to. */
  type: LogicalType;
  nullable: boolean;
  /** A portable default: a literal (`'x'`, `0`) or one of `CURRENT_TIMESTAMP`, `CURRENT_DATE`; null if none. */
  defaultValue: string | null;
  /** Values come from a sequence (auto_increment, serial, identity); targets recreate it. */
  autoIncrement?: boolean;
  /**
   * True when the connector does not know `nativeType` and fell back to text; `jivs plan` lists such
   * columns with the type override the user can add.
   */
  typeFallback?: boolean;
  /** The source computes this column (a generated column); it is migrated as a plain column. */
  generated?: boolean;
  /**
   * The source's default as it declares it, when it has no portable form (an expression such as
   * `uuid()`): `defaultValue` is then null, and `jivs plan` lists the default as not migrated.
   */
  untranslatedDefault?: string;
  /**
   * The source sets the column to the current date and time whenever the row is updated (MySQL
   * `ON UPDATE CURRENT_TIMESTAMP`). Targets that can keep it do (a trigger in PostgreSQL); `jivs plan`
   * lists it as not migrated elsewhere.
   */
  onUpdateCurrentTimestamp?: boolean;
  comment?: string | null;
}

/** An index other than the primary key. */
export interface IndexSchema {
  name: string;
  columns: string[];
  unique: boolean;
}

/** A foreign key from `columns` to `referencedTable(referencedColumns)`. */
export interface ForeignKeySchema {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export type ReferentialAction = 'NO ACTION' | 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'SET DEFAULT';

/** A table with everything needed to recreate it elsewhere. */
export interface TableSchema {
  name: string;
  columns: ColumnSchema[];
  /** Primary key column names, empty if none. */
  primaryKey: string[];
  /** Unique constraints and unique indexes are both listed here with `unique: true`. */
  indexes: IndexSchema[];
  foreignKeys: ForeignKeySchema[];
  /**
   * Full-text indexes (MySQL FULLTEXT) over text columns. A target builds them only where the spec
   * asks for it (PostgreSQL: `fullTextIndexes: gin`); otherwise planning lists them as not migrated.
   */
  fullTextIndexes?: IndexSchema[];
  comment?: string | null;
  /**
   * The primary key was declared in the spec (a file's `primaryKey`), so the source does not enforce it:
   * the plan rejects a row whose key repeats an earlier one.
   */
  declaredKey?: boolean;
  /**
   * The repairs the source may make to rows of this table at the spec's request (e.g. `raggedRows: pad`),
   * each a warning rule of the quality report that counts the rows marked with it (see row-repair.ts).
   */
  repairs?: string[];
}

/** What kind of source object a {@link SkippedObject} is. */
export type SkippedObjectKind =
  | 'view'
  | 'materialized view'
  | 'trigger'
  | 'procedure'
  | 'function'
  | 'event'
  | 'sequence'
  | 'index'
  | 'check constraint'
  | 'foreign key'
  | 'generated column'
  | 'default'
  | 'on update';

/**
 * A source object that JiVS does not carry to the target, with the reason. Introspectors list what
 * the source has but no target gets (views, triggers, routines, indexes no target can rebuild); planning
 * adds what this spec's target cannot take. `jivs plan` and the run report list them as "not migrated".
 */
export interface SkippedObject {
  kind: SkippedObjectKind;
  /** The object's name; for a column's default or ON UPDATE clause, the column's name. */
  name: string;
  /** The source table the object belongs to, if any (a view or a routine belongs to none). */
  table?: string;
  /** Why it is not migrated, and what to do instead where there is something to do. */
  reason: string;
}

/**
 * How a partition is read: a half-open range `[from, to)` of an integer key, or the whole table.
 * `from`/`to` are null for an open end.
 */
export type PartitionBounds =
  { kind: 'whole' } | { kind: 'key-range'; keyColumn: string; from: number | null; to: number | null };

/** What a source knows about a table's size and key span, for planning. */
export interface TableStatistics {
  rowCount: number;
  /** An integer column usable for key-range partitions (the single integer primary key or rowid), if any. */
  partitionKey: { column: string; min: number; max: number } | null;
}

/** A CHECK constraint of a table, as the database prints it. */
export interface CheckConstraint {
  name: string;
  /** `CHECK ((qty > 0))` (PostgreSQL), `` `qty` > 0 `` (MySQL/MariaDB). */
  expression: string;
}

/** Reads the schema of a source (or of a target's existing tables, when planning against them). */
export interface Introspector {
  /** Every table of the source, in no particular order. */
  listTables(): Promise<TableSchema[]>;
  /** Row count and key span of one table. */
  statistics(table: TableSchema): Promise<TableStatistics>;
  /**
   * The CHECK constraints of one table, for `jivs plan` when the plan keeps an existing target table (the
   * database enforces them; the rows it refuses are rejected with its message). Optional: SQLite keeps
   * them only in its CREATE TABLE text.
   */
  checkConstraints?(table: string): Promise<CheckConstraint[]>;
  /**
   * The objects of the source that no target gets: views, triggers, procedures and functions, indexes
   * that cannot be rebuilt elsewhere, check constraints, and the like. Absent for sources that have
   * none (files).
   */
  listSkippedObjects?(): Promise<SkippedObject[]>;
}

/** A half-open range [from, to) of an integer key; null for an open end. */
export interface KeySpan {
  from: number | null;
  to: number | null;
}

/** The content digest of the rows of one key range (see verify/content-digest.ts). */
export interface RangeDigest {
  rows: number;
  /** The sum of the row hashes modulo 2^64. */
  sum: bigint;
}

/** Content digests computed by the database, one per key range. */
export interface RangeDigests {
  /** One per span, in the order given. */
  ranges: RangeDigest[];
  /** Rows in no span: a NULL key, or a key outside them all. */
  outside: number;
}

/**
 * Why the database cannot compute a table's digest exactly as verify/row-hasher.ts does in JS (a
 * column of a type without an exact SQL spelling): verification then reads the rows back.
 */
export interface DigestUnsupported {
  unsupported: string;
}

/** Where rows come from. */
export interface Source {
  readonly introspector: Introspector;
  /**
   * A whole-table read yields the same rows in the same order every time (a file): a partition can then
   * resume after the rows it already read instead of loading its table again.
   */
  readonly stableOrder?: boolean;
  /**
   * Streams the rows of one partition in batches of at most `batchSize` rows, columns in the order of
   * `columns`. Pull-based: the next batch is read only when the consumer asks for it (backpressure).
   */
  read(
    table: TableSchema,
    columns: string[],
    bounds: PartitionBounds,
    batchSize: number,
  ): AsyncIterable<RowBatch>;
  /**
   * Counts the rows of one partition (what {@link read} with the same bounds would yield), e.g. to
   * check after a run that extracted = loaded + rejected + filtered still holds for the source.
   */
  countRows(table: TableSchema, bounds: PartitionBounds): Promise<number>;
  /**
   * The content digest of each key range, computed by the database in aggregate queries: per row the
   * hash of verify/row-hasher.ts over the values of `table.columns` (as stored) normalised as `hashed`
   * (the same columns with the logical types the comparison hashes by) says. `spans` are ordered and
   * adjacent; without a key column, the one span is the whole table. Resolves to
   * {@link DigestUnsupported} when some column has no exact SQL spelling.
   * Optional: sources that cannot (files) leave it out, and verification reads the rows back.
   */
  digestRanges?(
    table: TableSchema,
    hashed: readonly ColumnSchema[],
    keyColumn: string | null,
    spans: readonly KeySpan[],
  ): Promise<RangeDigests | DigestUnsupported>;
  close(): Promise<void>;
}

/** How a target table is prepared before loading. */
export type TableMode = 'create' | 'truncate' | 'append' | 'fail-if-exists';

/** What a sink reports after preparing a table. */
export interface PreparedTable {
  /** Rows the table held before this run loaded anything (non-zero only in `append` mode). */
  rowsBefore: number;
}

/**
 * A partition's checkpoint as a target keeps it: the engine's state of the partition (JSON text, opaque
 * to the sink) under the run, table and partition it belongs to.
 */
export interface CheckpointRecord {
  runId: string;
  /** Target table name. */
  table: string;
  partition: number;
  state: string;
}

/** The name of the table a database target keeps its checkpoints in, beside the migrated tables. */
export const CHECKPOINT_TABLE = '_jivs_checkpoints';

/**
 * The checkpoints a target keeps in its own database, so that a batch and the checkpoint covering it
 * commit together (see {@link TableWriter.write}).
 */
export interface CheckpointTable {
  /** Creates the checkpoint table if missing. */
  ensure(): Promise<void>;
  /** Every checkpoint of a run (none when the table does not exist). */
  read(runId: string): Promise<CheckpointRecord[]>;
  /** Removes a run's checkpoints, and the table once no run has any left. */
  clear(runId: string): Promise<void>;
}

/** A row of a batch that the target refused for a data reason (see data-refusal.ts). */
export interface RefusedRow {
  /** Position of the row in the batch given to {@link TableWriter.isolate}. */
  index: number;
  /** The database's message, row values cut out: `value too long for type character varying(3) (22001)`. */
  message: string;
  /** The column the database names, when it names one. */
  column: string | null;
}

/** Writes the rows of one partition. */
export interface TableWriter {
  /**
   * Writes one batch durably (one transaction) before resolving. With a checkpoint, the checkpoint is
   * stored (replacing the partition's previous one) in the same transaction, so either both are in the
   * target or neither is; an empty batch with a checkpoint stores only the checkpoint. Sinks without
   * {@link Sink.checkpoints} ignore it.
   */
  write(batch: RowBatch, checkpoint?: CheckpointRecord): Promise<void>;
  /**
   * Finds the rows of `batch` the target refuses for a data reason, after {@link write} failed with one:
   * loads the batch in one transaction that is always rolled back, in halves within savepoints, keeping
   * the halves that load and splitting again those that are refused (see isolate-refused-rows.ts).
   * Stops once more than `maxRefused` rows are refused (returning those). Commits nothing. Optional:
   * sinks that cannot tell (files) leave it out.
   */
  isolate?(batch: RowBatch, maxRefused: number): Promise<RefusedRow[]>;
  close(): Promise<void>;
}

/**
 * The DDL a database target runs for one table, statement by statement, in the order it runs them:
 * what the sink executes and what `jivs plan --ddl` prints, built by the same functions.
 */
export interface TableDdl {
  /** The target table's name. */
  table: string;
  /** Removes the table before it is created again (mode create). */
  drop: string[];
  /** Creates the table before the load: columns, types, NOT NULL, defaults (and types it needs). */
  create: string[];
  /** After the load (Cleanup): primary key, indexes and unique constraints, triggers. */
  finalize: string[];
  /** Once every table is finalized: its foreign keys. */
  foreignKeys: string[];
}

/** Where rows go. */
export interface Sink {
  /** True when the table already exists in the target. */
  tableExists(table: string): Promise<boolean>;
  /**
   * Makes the table ready for loading according to `mode`: columns, types, NOT NULL, defaults and the
   * primary key. Secondary indexes and foreign keys wait for {@link finalizeTable}.
   */
  prepareTable(table: TableSchema, mode: TableMode): Promise<PreparedTable>;
  /** A writer for one partition of a prepared table; several may be open on one table at once. */
  openWriter(table: TableSchema): Promise<TableWriter>;
  /**
   * After all partitions of every table are loaded: the primary key, indexes and unique constraints
   * (and whatever else the table lacks but its foreign keys). Called for every table before any
   * {@link addForeignKeys}.
   */
  finalizeTable(table: TableSchema): Promise<void>;
  /**
   * After every table is finalized: the table's foreign keys, so that each finds the key it references
   * in place, also in a cycle of references. Optional: sinks whose tables carry their foreign keys from
   * the start (SQLite) or have none (files) leave it out.
   */
  addForeignKeys?(table: TableSchema): Promise<void>;
  /**
   * Rows that reference a missing parent row, for targets that cannot enforce foreign keys during a
   * bulk load (reported by Verification). Optional: sinks without foreign keys leave it out.
   */
  foreignKeyViolations?(table: TableSchema): Promise<number>;
  /** Rows the table holds now, for verification. */
  countRows(table: string): Promise<number>;
  /**
   * Where the target keeps checkpoints; absent for targets that cannot commit one with a batch (files),
   * whose runs resume by loading their tables again from the start.
   */
  readonly checkpoints?: CheckpointTable;
  /** Drops a table this run created (rollback). */
  dropTable(table: string): Promise<void>;
  close(): Promise<void>;
}
