/**
 * Reads tables, columns, keys, indexes and foreign keys of one MySQL/MariaDB database from
 * information_schema: one query per kind of object for the whole database, grouped by table.
 *
 * FULLTEXT indexes travel apart (`fullTextIndexes`), and `ON UPDATE CURRENT_TIMESTAMP` as a column
 * flag: targets rebuild them where they can. What no target gets (views, triggers, routines, SPATIAL,
 * prefix and functional indexes, checks, foreign keys to another database, MariaDB sequences) is
 * listed by {@link MysqlIntrospector.listSkippedObjects}, and a default without a portable form is
 * kept as `untranslatedDefault`, so that `jivs plan` names all of it.
 */
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
import type { MysqlPool } from './mysql-connection.ts';
import { portableDefault } from './mysql-defaults.ts';
import { indexSupport, listMysqlSkippedObjects } from './mysql-skipped-objects.ts';
import {
  isIntegerType,
  isUnmappedMysqlType,
  mysqlToLogical,
  quoteMysqlIdentifier as q,
} from './mysql-types.ts';

interface TableRow {
  table_name: string;
  table_comment: string | null;
}
interface ColumnRow {
  table_name: string;
  column_name: string;
  column_default: string | null;
  is_nullable: string;
  column_type: string;
  extra: string | null;
  column_comment: string | null;
}
interface CheckRow {
  table_name: string;
  check_clause: string;
}
interface IndexRow {
  table_name: string;
  index_name: string;
  non_unique: number | string;
  column_name: string | null;
  sub_part: number | null;
  index_type: string;
}
interface ForeignKeyRow {
  table_name: string;
  constraint_name: string;
  column_name: string;
  referenced_table_name: string;
  referenced_column_name: string;
  update_rule: string;
  delete_rule: string;
}

/** Tables InnoDB estimates above this many rows are not counted exactly while planning. */
const ESTIMATE_ABOVE_ROWS = 200_000;

const ACTIONS = new Set<ReferentialAction>(['NO ACTION', 'RESTRICT', 'CASCADE', 'SET NULL', 'SET DEFAULT']);

function groupBy<T extends { table_name: string }>(rows: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    let group = groups.get(row.table_name);
    if (!group) groups.set(row.table_name, (group = []));
    group.push(row);
  }
  return groups;
}

/** Introspects the database the pool is connected to. */
export class MysqlIntrospector implements Introspector {
  constructor(
    private readonly pool: MysqlPool,
    private readonly options: { tinyint1AsBoolean: boolean },
  ) {}

  async listTables(): Promise<TableSchema[]> {
    const tables = await this.pool.rows<TableRow>(
      `SELECT TABLE_NAME AS table_name, TABLE_COMMENT AS table_comment FROM information_schema.TABLES
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_NAME`,
    );
    const columns = groupBy(
      await this.pool.rows<ColumnRow>(
        `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, COLUMN_DEFAULT AS column_default,
                IS_NULLABLE AS is_nullable, COLUMN_TYPE AS column_type, EXTRA AS extra,
                COLUMN_COMMENT AS column_comment
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      ),
    );
    const jsonColumns = await this.jsonCheckedColumns();
    const indexes = groupBy(
      await this.pool.rows<IndexRow>(
        `SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, NON_UNIQUE AS non_unique,
                COLUMN_NAME AS column_name, SUB_PART AS sub_part, INDEX_TYPE AS index_type
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
      ),
    );
    const foreignKeys = groupBy(
      await this.pool.rows<ForeignKeyRow>(
        `SELECT k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS constraint_name, k.COLUMN_NAME AS column_name,
                k.REFERENCED_TABLE_NAME AS referenced_table_name,
                k.REFERENCED_COLUMN_NAME AS referenced_column_name,
                r.UPDATE_RULE AS update_rule, r.DELETE_RULE AS delete_rule
         FROM information_schema.KEY_COLUMN_USAGE k
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME
          AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
         WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_SCHEMA = DATABASE()
         ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
      ),
    );
    return tables.map((table) => {
      const name = table.table_name;
      const keyed = this.keys(indexes.get(name) ?? []);
      return {
        name,
        columns: (columns.get(name) ?? []).map((c) =>
          this.column(c, jsonColumns.has(`${name}.${c.column_name}`)),
        ),
        primaryKey: keyed.primaryKey,
        indexes: keyed.indexes,
        foreignKeys: this.foreignKeys(foreignKeys.get(name) ?? []),
        ...(keyed.fullTextIndexes.length > 0 && { fullTextIndexes: keyed.fullTextIndexes }),
        comment: table.table_comment || null,
      };
    });
  }

  /**
   * MariaDB lists CHECK constraints with their table; MySQL 8 names the table in TABLE_CONSTRAINTS. The
   * `json_valid(col)` checks MariaDB keeps for JSON columns are left out (those columns are json).
   */
  async checkConstraints(table: string): Promise<CheckConstraint[]> {
    const queries = [
      `SELECT CONSTRAINT_NAME AS name, CHECK_CLAUSE AS expression FROM information_schema.CHECK_CONSTRAINTS
       WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME`,
      `SELECT c.CONSTRAINT_NAME AS name, c.CHECK_CLAUSE AS expression FROM information_schema.CHECK_CONSTRAINTS c
       JOIN information_schema.TABLE_CONSTRAINTS t
         ON t.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA AND t.CONSTRAINT_NAME = c.CONSTRAINT_NAME
       WHERE c.CONSTRAINT_SCHEMA = DATABASE() AND t.TABLE_NAME = ? AND t.CONSTRAINT_TYPE = 'CHECK'
       ORDER BY c.CONSTRAINT_NAME`,
    ];
    for (const sql of queries) {
      try {
        const rows = await this.pool.rows<CheckConstraint>(sql, [table]);
        return rows.filter((r) => !/^\s*json_valid\(\s*`(?:[^`]|``)+`\s*\)\s*$/i.test(r.expression));
      } catch {
        // Not this server's form (or no CHECK_CONSTRAINTS at all): try the next.
      }
    }
    return [];
  }

  listSkippedObjects(): Promise<SkippedObject[]> {
    return listMysqlSkippedObjects(this.pool);
  }

  async statistics(table: TableSchema): Promise<TableStatistics> {
    const key = partitionKeyColumn(table);
    const rowCount = await this.rowCount(table.name);
    if (key === null) return { rowCount, partitionKey: null };
    // MIN and MAX of an indexed key read one end of the index each: instant on any size.
    const [row] = await this.pool.rows<{ lo: unknown; hi: unknown }>(
      `SELECT MIN(${q(key)}) AS lo, MAX(${q(key)}) AS hi FROM ${q(table.name)}`,
    );
    const min = Number(row?.lo);
    const max = Number(row?.hi);
    const usable =
      row?.lo != null && row.hi != null && Number.isSafeInteger(min) && Number.isSafeInteger(max);
    return { rowCount, partitionKey: usable ? { column: key, min, max } : null };
  }

  /**
   * Rows of a table: InnoDB's estimate when it says the table is large (COUNT(*) scans the whole table,
   * about a second per million rows), the exact count otherwise. Planning only needs an estimate;
   * Verification counts what was actually extracted.
   */
  private async rowCount(table: string): Promise<number> {
    const [estimate] = await this.pool.rows<{ n: unknown }>(
      `SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
      [table],
    );
    const estimated = Number(estimate?.n ?? 0);
    if (estimated > ESTIMATE_ABOVE_ROWS) return estimated;
    const [row] = await this.pool.rows<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${q(table)}`);
    return Number(row?.n ?? 0);
  }

  /**
   * `table.column` of MariaDB JSON columns: MariaDB stores JSON as longtext with a column-level
   * `json_valid(col)` CHECK constraint. MySQL has a real JSON type, and its CHECK_CONSTRAINTS (8.0.16+)
   * has no TABLE_NAME: the query fails there (as on servers without the view) and nothing is detected.
   */
  private async jsonCheckedColumns(): Promise<Set<string>> {
    let checks: CheckRow[];
    try {
      checks = await this.pool.rows<CheckRow>(
        `SELECT TABLE_NAME AS table_name, CHECK_CLAUSE AS check_clause FROM information_schema.CHECK_CONSTRAINTS
         WHERE CONSTRAINT_SCHEMA = DATABASE()`,
      );
    } catch {
      return new Set();
    }
    const columns = new Set<string>();
    for (const check of checks) {
      const match = /^\s*json_valid\(\s*`((?:[^`]|``)+)`\s*\)\s*$/i.exec(check.check_clause);
      if (match) columns.add(`${check.table_name}.${match[1]!.replace(/``/g, '`')}`);
    }
    return columns;
  }

  private column(row: ColumnRow, jsonChecked: boolean): ColumnSchema {
    const extra = row.extra ?? '';
    const type = mysqlToLogical(row.column_type, { ...this.options, jsonChecked });
    const generated = /GENERATED/i.test(extra.replace(/DEFAULT_GENERATED/gi, ''));
    const column: ColumnSchema = {
      name: row.column_name,
      nativeType: jsonChecked ? 'json' : row.column_type,
      type,
      nullable: row.is_nullable === 'YES',
      defaultValue: generated ? null : portableDefault(row.column_default, extra, type, this.pool.mariadb),
    };
    if (
      !generated &&
      column.defaultValue === null &&
      declaresDefault(row.column_default, this.pool.mariadb)
    ) {
      column.untranslatedDefault = row.column_default!;
    }
    if (!jsonChecked && isUnmappedMysqlType(row.column_type)) column.typeFallback = true;
    if (/auto_increment/i.test(extra)) column.autoIncrement = true;
    if (/\b(VIRTUAL|STORED|PERSISTENT)\b/i.test(extra)) column.generated = true;
    if (/\bon update (current_timestamp|now|localtimestamp|localtime)\b/i.test(extra)) {
      column.onUpdateCurrentTimestamp = true;
    }
    if (row.column_comment) column.comment = row.column_comment;
    return column;
  }

  /** The primary key, the portable indexes and the FULLTEXT ones; others are listed as skipped objects. */
  private keys(rows: IndexRow[]): {
    primaryKey: string[];
    indexes: IndexSchema[];
    fullTextIndexes: IndexSchema[];
  } {
    const byName = new Map<string, IndexRow[]>();
    for (const row of rows) byName.set(row.index_name, [...(byName.get(row.index_name) ?? []), row]);
    let primaryKey: string[] = [];
    const indexes: IndexSchema[] = [];
    const fullTextIndexes: IndexSchema[] = [];
    for (const [name, parts] of byName) {
      const support = indexSupport(parts);
      const columns = parts.map((p) => p.column_name as string);
      if (support === 'fulltext') fullTextIndexes.push({ name, columns, unique: false });
      if (support !== 'portable') continue;
      if (name === 'PRIMARY') primaryKey = columns;
      else indexes.push({ name, columns, unique: Number(parts[0]!.non_unique) === 0 });
    }
    return { primaryKey, indexes, fullTextIndexes };
  }

  private foreignKeys(rows: ForeignKeyRow[]): ForeignKeySchema[] {
    const byName = new Map<string, ForeignKeyRow[]>();
    for (const row of rows)
      byName.set(row.constraint_name, [...(byName.get(row.constraint_name) ?? []), row]);
    const keys: ForeignKeySchema[] = [];
    for (const [name, parts] of byName) {
      const first = parts[0]!;
      keys.push({
        name,
        columns: parts.map((p) => p.column_name),
        referencedTable: first.referenced_table_name,
        referencedColumns: parts.map((p) => p.referenced_column_name),
        onDelete: action(first.delete_rule),
        onUpdate: action(first.update_rule),
      });
    }
    return keys;
  }
}

/**
 * True when COLUMN_DEFAULT declares a default: MySQL reports none as SQL NULL, MariaDB as the text
 * `NULL` (also for an explicit `DEFAULT NULL`, which is no default worth carrying either).
 */
function declaresDefault(raw: string | null, mariadb: boolean): boolean {
  if (raw === null) return false;
  return !(mariadb && raw.trim().toUpperCase() === 'NULL');
}

function action(rule: string): ReferentialAction {
  const upper = rule.toUpperCase() as ReferentialAction;
  return ACTIONS.has(upper) ? upper : 'NO ACTION';
}

/** The single-column integer primary key, if the table has one. */
function partitionKeyColumn(table: TableSchema): string | null {
  const [only, ...more] = table.primaryKey;
  if (only === undefined || more.length) return null;
  const column = table.columns.find((c) => c.name === only);
  if (!column || !isIntegerType(column.nativeType)) return null;
  return column.type.kind === 'integer' || column.type.kind === 'bigint' || column.type.kind === 'decimal'
    ? only
    : null;
}
