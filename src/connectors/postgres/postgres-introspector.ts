/**
 * Reads the tables of one PostgreSQL schema from pg_catalog: columns with types and defaults, primary
 * keys, unique and plain indexes, foreign keys within the schema, comments; and row counts and key
 * spans for planning. What no target gets is listed by {@link PostgresIntrospector.listSkippedObjects}.
 */
import type pg from 'pg';
import type {
  CheckConstraint,
  ColumnSchema,
  ForeignKeySchema,
  IndexSchema,
  Introspector,
  ReferentialAction,
  SkippedObject,
  TableSchema,
  TableStatistics,
} from '../connector.ts';
import { qualified, quotePostgresIdentifier } from './postgres-identifiers.ts';
import { listPostgresSkippedObjects } from './postgres-skipped-objects.ts';
import { portableDefault } from './postgres-defaults.ts';
import { isUnmappedPostgresType, postgresToLogical } from './postgres-types.ts';

/** Above this many rows (as estimated by the last ANALYZE) the estimate is used instead of count(*). */
const EXACT_COUNT_LIMIT = 1_000_000;

interface TableRow {
  oid: number;
  name: string;
  comment: string | null;
}

interface ColumnRow {
  table_oid: number;
  name: string;
  native_type: string;
  not_null: boolean;
  identity: string;
  generated: string;
  default_expr: string | null;
  comment: string | null;
  is_array: boolean;
  type_name: string;
  typmod: number;
  enum_values: string[] | null;
}

interface IndexRow {
  table_oid: number;
  name: string;
  unique: boolean;
  primary: boolean;
  columns: string[];
  portable: boolean;
}

interface ForeignKeyRow {
  table_oid: number;
  name: string;
  referenced_table: string;
  columns: string[];
  referenced_columns: string[];
  on_delete: string;
  on_update: string;
}

const ACTIONS: Record<string, ReferentialAction> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

/** Base and partitioned tables of the schema; partitions are read through their parent. */
const TABLES_SQL = `
  SELECT c.oid, c.relname AS name, obj_description(c.oid, 'pg_class') AS comment
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
   ORDER BY c.relname`;

/** Columns with their type resolved through domains to the base type (and its element for arrays). */
const COLUMNS_SQL = `
  SELECT a.attrelid AS table_oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS native_type,
         a.attnotnull AS not_null, a.attidentity::text AS identity, a.attgenerated::text AS generated,
         pg_get_expr(d.adbin, d.adrelid) AS default_expr, col_description(a.attrelid, a.attnum) AS comment,
         bt.typcategory = 'A' AS is_array,
         CASE WHEN bt.typcategory = 'A' THEN et.typname ELSE bt.typname END::text AS type_name,
         CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod,
         (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e
           WHERE e.enumtypid = CASE WHEN bt.typcategory = 'A' THEN bt.typelem ELSE bt.oid END) AS enum_values
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid
    JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
    LEFT JOIN pg_type et ON et.oid = bt.typelem
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
   ORDER BY a.attrelid, a.attnum`;

/** Indexes with their key columns; expression, partial, exclusion and non-btree ones are not portable. */
const INDEXES_SQL = `
  SELECT i.indrelid AS table_oid, ic.relname AS name, i.indisunique AS unique, i.indisprimary AS primary,
         ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS columns,
         i.indexprs IS NULL AND i.indpred IS NULL AND NOT i.indisexclusion AND am.amname = 'btree'
           AND NOT (0 = ANY (i.indkey::int2[])) AS portable
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
   ORDER BY ic.relname`;

const FOREIGN_KEYS_SQL = `
  SELECT con.conrelid AS table_oid, con.conname AS name, r.relname AS referenced_table,
         ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
         ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)
           AS referenced_columns,
         con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_class r ON r.oid = con.confrelid
    JOIN pg_namespace rn ON rn.oid = r.relnamespace
   WHERE con.contype = 'f' AND con.conparentid = 0 AND n.nspname = $1 AND rn.nspname = $1
   ORDER BY con.conname`;

function groupBy<T extends { table_oid: number }>(rows: T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const group = groups.get(row.table_oid);
    if (group) group.push(row);
    else groups.set(row.table_oid, [row]);
  }
  return groups;
}

function toColumn(row: ColumnRow): ColumnSchema {
  const info = {
    typeName: row.type_name,
    typmod: row.typmod,
    isArray: row.is_array,
    enumValues: row.enum_values,
  };
  const type = postgresToLogical(info);
  const { defaultValue, autoIncrement } =
    row.generated === 's'
      ? { defaultValue: null, autoIncrement: false }
      : portableDefault(row.default_expr, type.kind);
  const column: ColumnSchema = {
    name: row.name,
    nativeType: row.native_type,
    type,
    nullable: !row.not_null,
    defaultValue,
  };
  if (defaultValue === null && !autoIncrement && declaresDefault(row)) {
    column.untranslatedDefault = row.default_expr!;
  }
  if (isUnmappedPostgresType(info)) column.typeFallback = true;
  if (autoIncrement || row.identity === 'a' || row.identity === 'd') column.autoIncrement = true;
  if (row.generated === 's') column.generated = true;
  if (row.comment !== null) column.comment = row.comment;
  return column;
}

/** True when the column has a default other than NULL (a generated column's expression is none). */
function declaresDefault(row: ColumnRow): boolean {
  if (row.default_expr === null || row.generated === 's') return false;
  return !/^\(?\s*NULL\s*(?:::[^()]+)?\)?$/i.test(row.default_expr.trim());
}

/** Introspects the tables of one schema. */
export class PostgresIntrospector implements Introspector {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  async listTables(): Promise<TableSchema[]> {
    const [tables, columns, indexes, foreignKeys] = await Promise.all([
      this.pool.query<TableRow>(TABLES_SQL, [this.schema]),
      this.pool.query<ColumnRow>(COLUMNS_SQL, [this.schema]),
      this.pool.query<IndexRow>(INDEXES_SQL, [this.schema]),
      this.pool.query<ForeignKeyRow>(FOREIGN_KEYS_SQL, [this.schema]),
    ]);
    const columnsOf = groupBy(columns.rows);
    const indexesOf = groupBy(indexes.rows);
    const foreignKeysOf = groupBy(foreignKeys.rows);
    return tables.rows.map((table) => {
      const tableIndexes = indexesOf.get(table.oid) ?? [];
      const schema: TableSchema = {
        name: table.name,
        columns: (columnsOf.get(table.oid) ?? []).map(toColumn),
        primaryKey: tableIndexes.find((i) => i.primary)?.columns ?? [],
        indexes: tableIndexes
          .filter((i) => !i.primary && i.portable)
          .map((i): IndexSchema => ({ name: i.name, columns: i.columns, unique: i.unique })),
        foreignKeys: (foreignKeysOf.get(table.oid) ?? []).map((fk): ForeignKeySchema => ({
          name: fk.name,
          columns: fk.columns,
          referencedTable: fk.referenced_table,
          referencedColumns: fk.referenced_columns,
          onDelete: ACTIONS[fk.on_delete] ?? 'NO ACTION',
          onUpdate: ACTIONS[fk.on_update] ?? 'NO ACTION',
        })),
      };
      if (table.comment !== null) schema.comment = table.comment;
      return schema;
    });
  }

  async checkConstraints(table: string): Promise<CheckConstraint[]> {
    const { rows } = await this.pool.query<CheckConstraint>(
      `SELECT con.conname AS name, pg_get_constraintdef(con.oid) AS expression
         FROM pg_constraint con
         JOIN pg_class c ON c.oid = con.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND con.contype = 'c'
        ORDER BY con.conname`,
      [this.schema, table],
    );
    return rows;
  }

  listSkippedObjects(): Promise<SkippedObject[]> {
    return listPostgresSkippedObjects(this.pool, this.schema);
  }

  async statistics(table: TableSchema): Promise<TableStatistics> {
    const target = qualified(this.schema, table.name);
    const key = this.partitionKeyColumn(table);
    const estimate = await this.estimatedRows(table.name);
    const exact = estimate <= EXACT_COUNT_LIMIT;
    const keyColumn = key === null ? null : quotePostgresIdentifier(key);
    const select = [
      exact ? 'count(*)::text AS n' : 'NULL AS n',
      keyColumn ? `min(${keyColumn})::text AS lo, max(${keyColumn})::text AS hi` : 'NULL AS lo, NULL AS hi',
    ];
    const { rows } = await this.pool.query<{ n: string | null; lo: string | null; hi: string | null }>(
      `SELECT ${select.join(', ')} FROM ${target}`,
    );
    const row = rows[0]!;
    const rowCount = exact ? Number(row.n) : Math.round(estimate);
    if (key === null || row.lo === null || row.hi === null) return { rowCount, partitionKey: null };
    const min = Number(row.lo);
    const max = Number(row.hi);
    // Key ranges are computed with numbers: a key beyond 2^53 cannot be split exactly.
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) return { rowCount, partitionKey: null };
    return { rowCount, partitionKey: { column: key, min, max } };
  }

  /** The rows the last ANALYZE (or VACUUM) counted; -1 when the table was never analyzed. */
  private async estimatedRows(table: string): Promise<number> {
    const { rows } = await this.pool.query<{ estimate: number }>(
      `SELECT c.reltuples::float8 AS estimate FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2`,
      [this.schema, table],
    );
    return rows[0]?.estimate ?? -1;
  }

  /** The single integer primary key column, if the table has one. */
  private partitionKeyColumn(table: TableSchema): string | null {
    const [only, ...more] = table.primaryKey;
    if (only === undefined || more.length > 0) return null;
    const column = table.columns.find((c) => c.name === only);
    const kind = column?.type.kind;
    return (kind === 'integer' || kind === 'bigint') && !column?.type.array ? only : null;
  }
}
