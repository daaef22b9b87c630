/**
 * What a PostgreSQL schema holds besides its tables' columns, keys, plain indexes and foreign keys:
 * views, materialized views, triggers, functions and procedures, sequences of their own, check
 * constraints, foreign keys to other schemas and indexes no target can rebuild (expression, partial,
 * exclusion, non-btree). None of it is migrated; `jivs plan` lists it with the reason.
 */
import type pg from 'pg';
import type { SkippedObject } from '../connector.ts';
import { skippedCheck, skippedIndex, skippedObject } from '../skipped-objects.ts';

/** Views, materialized views and sequences that no column owns (identity and serial ones are). */
const RELATIONS_SQL = `
  SELECT c.relname AS name, c.relkind::text AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = $1 AND (c.relkind IN ('v', 'm')
         OR (c.relkind = 'S' AND NOT EXISTS (
               SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.deptype IN ('a', 'i'))))
     AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = c.oid AND e.deptype = 'e')
   ORDER BY c.relname`;

/** Triggers of the schema's tables that users created (not those behind foreign keys). */
const TRIGGERS_SQL = `
  SELECT t.tgname AS name, c.relname AS table_name
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = $1 AND NOT t.tgisinternal AND c.relkind IN ('r', 'p')
   ORDER BY c.relname, t.tgname`;

/** Functions and procedures of the schema, without those an extension installed. */
const ROUTINES_SQL = `
  SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS name,
         p.prokind::text AS kind
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = $1
     AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid
                        AND e.deptype = 'e')
   ORDER BY 1`;

/** Indexes of the schema's tables that the introspector leaves out, with what makes each so. */
const INDEXES_SQL = `
  SELECT ic.relname AS name, c.relname AS table_name, am.amname AS method,
         i.indexprs IS NOT NULL OR 0 = ANY (i.indkey::int2[]) AS expression,
         i.indpred IS NOT NULL AS partial, i.indisexclusion AS exclusion
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
     AND (i.indexprs IS NOT NULL OR i.indpred IS NOT NULL OR i.indisexclusion OR am.amname <> 'btree'
          OR 0 = ANY (i.indkey::int2[]))
   ORDER BY c.relname, ic.relname`;

/** CHECK constraints (NOT NULL is a column property, not a check, in PostgreSQL 15). */
const CHECKS_SQL = `
  SELECT con.conname AS name, c.relname AS table_name, pg_get_constraintdef(con.oid) AS definition
    FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = $1 AND con.contype = 'c' AND c.relkind IN ('r', 'p') AND con.conparentid = 0
   ORDER BY c.relname, con.conname`;

/** Foreign keys from the schema's tables to a table of another schema. */
const FOREIGN_KEYS_ELSEWHERE_SQL = `
  SELECT con.conname AS name, c.relname AS table_name, rn.nspname AS other
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_class r ON r.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
   WHERE con.contype = 'f' AND con.conparentid = 0 AND n.nspname = $1 AND rn.nspname <> $1
   ORDER BY c.relname, con.conname`;

interface IndexRow {
  name: string;
  table_name: string;
  method: string;
  expression: boolean;
  partial: boolean;
  exclusion: boolean;
}

function indexReason(row: IndexRow): string {
  if (row.exclusion) return 'an exclusion constraint';
  if (row.method !== 'btree') return `a ${row.method} index`;
  if (row.expression && row.partial) return 'a partial index over an expression';
  return row.expression ? 'an index over an expression' : 'a partial index (with a WHERE clause)';
}

const ROUTINE_KINDS: Record<string, 'function' | 'procedure'> = { p: 'procedure' };

/** Everything of the schema that no target gets (see the file comment). */
export async function listPostgresSkippedObjects(pool: pg.Pool, schema: string): Promise<SkippedObject[]> {
  const [relations, triggers, routines, indexes, checks, foreignKeys] = await Promise.all([
    pool.query<{ name: string; kind: string }>(RELATIONS_SQL, [schema]),
    pool.query<{ name: string; table_name: string }>(TRIGGERS_SQL, [schema]),
    pool.query<{ name: string; kind: string }>(ROUTINES_SQL, [schema]),
    pool.query<IndexRow>(INDEXES_SQL, [schema]),
    pool.query<{ name: string; table_name: string; definition: string }>(CHECKS_SQL, [schema]),
    pool.query<{ name: string; table_name: string; other: string }>(FOREIGN_KEYS_ELSEWHERE_SQL, [schema]),
  ]);
  const relationKind = { v: 'view', m: 'materialized view', S: 'sequence' } as const;
  return [
    ...relations.rows.map((r) => skippedObject(relationKind[r.kind as 'v'], r.name)),
    ...triggers.rows.map((t) => skippedObject('trigger', t.name, t.table_name)),
    ...routines.rows.map((r) => skippedObject(ROUTINE_KINDS[r.kind] ?? 'function', r.name)),
    ...indexes.rows.map((i) => skippedIndex(i.name, i.table_name, indexReason(i))),
    ...checks.rows.map((c) =>
      skippedCheck(c.name, c.table_name, c.definition.replace(/^CHECK\s*\((.*)\)$/s, '$1')),
    ),
    ...foreignKeys.rows.map((f): SkippedObject => ({
      kind: 'foreign key',
      name: f.name,
      table: f.table_name,
      reason: `it references a table of another schema (${f.other}), which this migration does not read.`,
    })),
  ];
}
