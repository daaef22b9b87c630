/**
 * What a MySQL/MariaDB database holds besides its tables' columns, keys, indexes and foreign keys:
 * views, triggers, routines, events, sequences, check constraints, foreign keys to other databases and
 * indexes no target can rebuild. None of it is migrated; `jivs plan` lists it with the reason.
 */
import type { SkippedObject } from '../connector.ts';
import { skippedCheck, skippedIndex, skippedObject } from '../skipped-objects.ts';
import type { MysqlPool } from './mysql-connection.ts';

/** One column of an index as information_schema.STATISTICS describes it. */
export interface IndexPart {
  column_name: string | null;
  sub_part: number | null;
  index_type: string;
}

/**
 * How an index can be carried: `portable` (plain columns), `fulltext` (a FULLTEXT index, which a target
 * may rebuild its own way), or the reason it cannot be (a SPATIAL, prefix or functional index).
 */
export function indexSupport(parts: readonly IndexPart[]): 'portable' | 'fulltext' | string {
  const type = parts[0]?.index_type ?? '';
  if (/FULLTEXT/i.test(type)) return 'fulltext';
  if (/SPATIAL/i.test(type)) {
    return 'a SPATIAL index (geometry columns are migrated as WKT text, which it cannot cover)';
  }
  const functional = parts.find((p) => p.column_name === null);
  if (functional) return 'an index over an expression (a functional index)';
  const prefix = parts.find((p) => p.sub_part !== null);
  if (prefix) {
    return `a prefix index (the first ${prefix.sub_part} characters of ${prefix.column_name})`;
  }
  return 'portable';
}

interface NamedRow {
  name: string;
  table_name: string | null;
  kind: string;
}

interface IndexRow extends IndexPart {
  table_name: string;
  index_name: string;
}

interface CheckRow {
  table_name: string;
  name: string;
  clause: string;
}

/** Rows of a query that only some servers (or versions) can answer; none where it fails. */
async function rowsIfSupported<T>(pool: MysqlPool, sql: string): Promise<T[]> {
  try {
    return await pool.rows<T>(sql);
  } catch {
    return [];
  }
}

/** The views, sequences, triggers, routines and events of the database. */
async function schemaObjects(pool: MysqlPool): Promise<SkippedObject[]> {
  const rows = await pool.rows<NamedRow>(
    `SELECT TABLE_NAME AS name, NULL AS table_name, TABLE_TYPE AS kind FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('VIEW', 'SEQUENCE')
     UNION ALL
     SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, 'TRIGGER' FROM information_schema.TRIGGERS
      WHERE TRIGGER_SCHEMA = DATABASE()
     UNION ALL
     SELECT ROUTINE_NAME, NULL, ROUTINE_TYPE FROM information_schema.ROUTINES
      WHERE ROUTINE_SCHEMA = DATABASE()
     ORDER BY 3, 1`,
  );
  const objects = rows.map((row) => {
    const kind = (
      { VIEW: 'view', SEQUENCE: 'sequence', TRIGGER: 'trigger', PROCEDURE: 'procedure' } as const
    )[row.kind as 'VIEW'];
    return skippedObject(kind ?? 'function', row.name, row.table_name ?? undefined);
  });
  const events = await rowsIfSupported<{ name: string }>(
    pool,
    `SELECT EVENT_NAME AS name FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() ORDER BY 1`,
  );
  return [...objects, ...events.map((e) => skippedObject('event', e.name))];
}

/** SPATIAL, prefix and functional indexes (FULLTEXT ones travel with their table; see indexSupport). */
async function unsupportedIndexes(pool: MysqlPool): Promise<SkippedObject[]> {
  const rows = await pool.rows<IndexRow>(
    `SELECT s.TABLE_NAME AS table_name, s.INDEX_NAME AS index_name, s.COLUMN_NAME AS column_name,
            s.SUB_PART AS sub_part, s.INDEX_TYPE AS index_type
       FROM information_schema.STATISTICS s
       JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = s.TABLE_SCHEMA AND t.TABLE_NAME = s.TABLE_NAME
      WHERE s.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
      ORDER BY s.TABLE_NAME, s.INDEX_NAME, s.SEQ_IN_INDEX`,
  );
  const byIndex = new Map<string, IndexRow[]>();
  for (const row of rows) {
    const key = JSON.stringify([row.table_name, row.index_name]);
    byIndex.set(key, [...(byIndex.get(key) ?? []), row]);
  }
  const skipped: SkippedObject[] = [];
  for (const parts of byIndex.values()) {
    const support = indexSupport(parts);
    if (support === 'portable' || support === 'fulltext') continue;
    const { table_name, index_name } = parts[0]!;
    skipped.push(skippedIndex(index_name === 'PRIMARY' ? 'PRIMARY KEY' : index_name, table_name, support));
  }
  return skipped;
}

/**
 * CHECK constraints, but not MariaDB's `json_valid(col)` checks (those make the column a JSON column).
 * MariaDB names the table in CHECK_CONSTRAINTS; MySQL (8.0.16+) does not, and names are unique per
 * database there, so it is found through TABLE_CONSTRAINTS.
 */
async function checks(pool: MysqlPool): Promise<SkippedObject[]> {
  const rows = pool.mariadb
    ? await rowsIfSupported<CheckRow>(
        pool,
        `SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause
           FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1, 2`,
      )
    : await rowsIfSupported<CheckRow>(
        pool,
        `SELECT tc.TABLE_NAME AS table_name, tc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause
           FROM information_schema.TABLE_CONSTRAINTS tc
           JOIN information_schema.CHECK_CONSTRAINTS cc
             ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
          WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE = 'CHECK' ORDER BY 1, 2`,
      );
  return rows
    .filter((row) => !/^\s*json_valid\(\s*`(?:[^`]|``)+`\s*\)\s*$/i.test(row.clause))
    .map((row) => skippedCheck(row.name, row.table_name, row.clause));
}

/** Foreign keys that reference a table of another database: only tables of this one are migrated. */
async function foreignKeysElsewhere(pool: MysqlPool): Promise<SkippedObject[]> {
  const rows = await pool.rows<{ table_name: string; name: string; other: string }>(
    `SELECT DISTINCT TABLE_NAME AS table_name, CONSTRAINT_NAME AS name, REFERENCED_TABLE_SCHEMA AS other
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_SCHEMA IS NOT NULL
        AND REFERENCED_TABLE_SCHEMA <> DATABASE()
      ORDER BY 1, 2`,
  );
  return rows.map((row) => ({
    kind: 'foreign key',
    name: row.name,
    table: row.table_name,
    reason: `it references a table of another database (${row.other}), which this migration does not read.`,
  }));
}

/** Everything of the database that no target gets (see the file comment). */
export async function listMysqlSkippedObjects(pool: MysqlPool): Promise<SkippedObject[]> {
  return [
    ...(await schemaObjects(pool)),
    ...(await unsupportedIndexes(pool)),
    ...(await checks(pool)),
    ...(await foreignKeysElsewhere(pool)),
  ];
}
