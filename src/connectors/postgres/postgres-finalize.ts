/**
 * What a target table gets after its data is loaded: secondary indexes, unique constraints, GIN
 * indexes for full-text ones, the ON UPDATE trigger, foreign keys (validated when the data allows it)
 * and identity sequences moved past the loaded keys. The statements come from postgres-finalize-ddl.ts;
 * this file decides which of them a table still needs.
 */
import type pg from 'pg';
import type { ForeignKeySchema, IndexSchema, TableSchema } from '../connector.ts';
import {
  foreignKeyStatements,
  fullTextIndexSql,
  indexSql,
  onUpdateTriggerStatements,
  primaryKeySql,
} from './postgres-finalize-ddl.ts';
import { derivedName, ident, qualified, shortenPostgresIdentifier } from './postgres-identifiers.ts';
import { isIdentity } from './postgres-table-ddl.ts';

/** SQLSTATE foreign_key_violation: VALIDATE CONSTRAINT found orphan rows. */
const FOREIGN_KEY_VIOLATION = '23503';

type Queryable = Pick<pg.Pool, 'query'>;

interface RelationRow {
  same_table: boolean;
  is_index: boolean;
  unique: boolean | null;
  columns: string[] | null;
}

/**
 * Where an index of `table` named like `index` stands: `free` to create, `exists` (the same index is
 * already there, kept by truncate or append), or `taken` by another relation of the schema. A
 * full-text index is an expression index: it has no key columns to compare.
 */
async function indexNameState(
  db: Queryable,
  schema: string,
  table: string,
  name: string,
  index: IndexSchema,
  fullText: boolean,
): Promise<'free' | 'exists' | 'taken'> {
  const { rows } = await db.query<RelationRow>(
    `SELECT i.indrelid IS NOT DISTINCT FROM t.oid AS same_table, i.indexrelid IS NOT NULL AS is_index,
            i.indisunique AS unique,
            ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_index i ON i.indexrelid = c.oid
       LEFT JOIN pg_class t ON t.relnamespace = n.oid AND t.relname = $3 AND t.relkind IN ('r', 'p')
      WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, name, table],
  );
  const row = rows[0];
  if (!row) return 'free';
  const columns = fullText ? [] : index.columns.map(shortenPostgresIdentifier);
  const same =
    row.same_table &&
    row.is_index &&
    row.unique === index.unique &&
    JSON.stringify(row.columns) === JSON.stringify(columns);
  return same ? 'exists' : 'taken';
}

/**
 * The name an index gets: the plan's name (unique among the migrated tables) when free in the schema
 * (PostgreSQL index names are schema-wide), else, when a relation outside the migration holds it,
 * prefixed with the table name, else numbered. Null when it already exists.
 */
async function chooseIndexName(
  db: Queryable,
  schema: string,
  table: string,
  index: IndexSchema,
  fullText: boolean,
): Promise<string | null> {
  const base = shortenPostgresIdentifier(index.name);
  const candidates = [base, derivedName(table, index.name)];
  for (let n = 2; n < 100; n++) candidates.push(derivedName(table, index.name, String(n)));
  for (const candidate of new Set(candidates)) {
    const state = await indexNameState(db, schema, table, candidate, index, fullText);
    if (state === 'exists') return null;
    if (state === 'free') return candidate;
  }
  throw new Error(`no free name for index "${index.name}" of table "${table}"`);
}

/** Secondary indexes, unique constraints and full-text (GIN) indexes that the table lacks. */
async function createIndexes(db: Queryable, schema: string, table: TableSchema): Promise<void> {
  const tableName = shortenPostgresIdentifier(table.name);
  for (const index of table.indexes) {
    const name = await chooseIndexName(db, schema, tableName, index, false);
    if (name !== null) await db.query(indexSql(schema, table.name, index, name));
  }
  for (const index of table.fullTextIndexes ?? []) {
    const name = await chooseIndexName(db, schema, tableName, index, true);
    if (name !== null) await db.query(fullTextIndexSql(schema, table, index, name));
  }
}

async function constraintExists(
  db: Queryable,
  schema: string,
  table: string,
  name: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND con.conname = $3`,
    [schema, shortenPostgresIdentifier(table), shortenPostgresIdentifier(name)],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Adds a foreign key without checking existing rows (NOT VALID), then validates it. If orphan rows
 * make validation fail, the constraint stays NOT VALID — new rows are still checked — and the orphans
 * are reported by Verification ({@link countForeignKeyViolations}).
 */
async function addForeignKey(db: Queryable, schema: string, table: string, fk: ForeignKeySchema) {
  if (await constraintExists(db, schema, table, fk.name)) return;
  const { add, validate } = foreignKeyStatements(schema, table, fk);
  await db.query(add);
  try {
    await db.query(validate);
  } catch (error) {
    if ((error as { code?: string }).code !== FOREIGN_KEY_VIOLATION) throw error;
  }
}

/** Moves each identity sequence to max(key) + 1, so the next INSERT without a key works. */
async function resetIdentities(db: Queryable, schema: string, table: TableSchema): Promise<void> {
  const target = qualified(schema, table.name);
  for (const column of table.columns.filter(isIdentity)) {
    const name = ident(column.name);
    await db.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(COALESCE(MAX(${name}), 0) + 1, 1), false)
         FROM ${target}`,
      [target, shortenPostgresIdentifier(column.name)],
    );
  }
}

/**
 * The primary key, indexes and unique constraints, identity sequences, then fresh planner statistics;
 * foreign keys follow in {@link addPostgresForeignKeys} once every table has its keys.
 */
export async function finalizePostgresTable(
  db: Queryable,
  schema: string,
  table: TableSchema,
): Promise<void> {
  await addPrimaryKey(db, schema, table);
  await createIndexes(db, schema, table);
  for (const statement of onUpdateTriggerStatements(schema, table)) await db.query(statement);
  await resetIdentities(db, schema, table);
  await db.query(`ANALYZE ${qualified(schema, table.name)}`);
}

/** The table's foreign keys, once every table has its primary key and unique indexes. */
export async function addPostgresForeignKeys(
  db: Queryable,
  schema: string,
  table: TableSchema,
): Promise<void> {
  for (const fk of table.foreignKeys) await addForeignKey(db, schema, table.name, fk);
}

/** Adds the primary key the table was created without, unless it has one (kept by truncate or append). */
async function addPrimaryKey(db: Queryable, schema: string, table: TableSchema): Promise<void> {
  const sql = primaryKeySql(schema, table);
  if (sql === null) return;
  const { rows } = await db.query(
    `SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`,
    [qualified(schema, table.name)],
  );
  if (!rows.length) await db.query(sql);
}

/** Rows whose foreign key columns are all set and match no parent row; each row counted once. */
export async function countForeignKeyViolations(
  db: Queryable,
  schema: string,
  table: TableSchema,
): Promise<number> {
  if (!table.foreignKeys.length) return 0;
  const orphan = table.foreignKeys.map((fk) => {
    const set = fk.columns.map((c) => `c.${ident(c)} IS NOT NULL`).join(' AND ');
    const match = fk.columns
      .map((c, i) => `p.${ident(fk.referencedColumns[i]!)} = c.${ident(c)}`)
      .join(' AND ');
    return `(${set} AND NOT EXISTS (SELECT 1 FROM ${qualified(schema, fk.referencedTable)} AS p WHERE ${match}))`;
  });
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${qualified(schema, table.name)} AS c WHERE ${orphan.join(' OR ')}`,
  );
  return Number(rows[0]!.n);
}
