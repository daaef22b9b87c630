/**
 * Reads tables, columns, keys, indexes and foreign keys of a SQLite database through its PRAGMAs.
 * Views, triggers, partial and expression indexes and generated columns are not migrated:
 * {@link SqliteIntrospector.listSkippedObjects} lists them.
 */
import type Database from 'better-sqlite3';
import type {
  ForeignKeySchema,
  IndexSchema,
  Introspector,
  ReferentialAction,
  SkippedObject,
  TableSchema,
  TableStatistics,
} from '../connector.ts';
import { skippedIndex, skippedObject } from '../skipped-objects.ts';
import { portableDefault } from './sqlite-defaults.ts';
import { quoteSqliteIdentifier, sqliteToLogical } from './sqlite-types.ts';

interface ColumnInfoRow {
  cid: number;
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}
interface IndexListRow {
  name: string;
  unique: number;
  origin: 'c' | 'u' | 'pk';
  partial: number;
}
interface IndexInfoRow {
  seqno: number;
  name: string | null;
}
interface ForeignKeyRow {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
  on_update: string;
  on_delete: string;
}

/** Introspects one SQLite connection. */
export class SqliteIntrospector implements Introspector {
  constructor(private readonly db: Database.Database) {}

  async listTables(): Promise<TableSchema[]> {
    const names = this.db
      .prepare(
        `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
      )
      .pluck()
      .all() as string[];
    return names.map((name) => this.describeTable(name));
  }

  async listSkippedObjects(): Promise<SkippedObject[]> {
    const objects = this.db
      .prepare(
        `SELECT type, name, tbl_name FROM sqlite_schema WHERE type IN ('view', 'trigger') ORDER BY type DESC, name`,
      )
      .all() as { type: 'view' | 'trigger'; name: string; tbl_name: string }[];
    const skipped = objects.map((o) =>
      o.type === 'view' ? skippedObject('view', o.name) : skippedObject('trigger', o.name, o.tbl_name),
    );
    for (const table of await this.tableNames()) {
      const quoted = quoteSqliteIdentifier(table);
      const columns = this.db.prepare(`PRAGMA table_xinfo(${quoted})`).all() as ColumnInfoRow[];
      for (const column of columns.filter((c) => c.hidden === 2 || c.hidden === 3)) {
        skipped.push({
          kind: 'generated column',
          name: column.name,
          table,
          reason:
            'SQLite computes this column from the others; it is not migrated. Add it to the target as a computed column if it is needed.',
        });
      }
      for (const index of this.db.prepare(`PRAGMA index_list(${quoted})`).all() as IndexListRow[]) {
        const what = this.unsupportedIndex(index);
        if (what) skipped.push(skippedIndex(index.name, table, what));
      }
    }
    return skipped;
  }

  /** What keeps an index from being migrated (partial, over an expression), or null when nothing does. */
  private unsupportedIndex(index: IndexListRow): string | null {
    if (index.origin === 'pk') return null;
    const info = this.db
      .prepare(`PRAGMA index_info(${quoteSqliteIdentifier(index.name)})`)
      .all() as IndexInfoRow[];
    const expression = info.some((i) => i.name === null);
    if (index.partial && expression) return 'a partial index over an expression';
    if (index.partial) return 'a partial index (with a WHERE clause)';
    return expression ? 'an index over an expression' : null;
  }

  private async tableNames(): Promise<string[]> {
    return (await this.listTables()).map((t) => t.name);
  }

  async statistics(table: TableSchema): Promise<TableStatistics> {
    const quoted = quoteSqliteIdentifier(table.name);
    const key = this.rowidColumn(table);
    if (key === null) {
      const rowCount = this.db.prepare(`SELECT COUNT(*) FROM ${quoted}`).pluck().get() as number;
      return { rowCount, partitionKey: null };
    }
    const column = key === 'rowid' ? 'rowid' : quoteSqliteIdentifier(key);
    const row = this.db
      .prepare(`SELECT COUNT(*) AS n, MIN(${column}) AS lo, MAX(${column}) AS hi FROM ${quoted}`)
      .get() as {
      n: number;
      lo: number | null;
      hi: number | null;
    };
    return {
      rowCount: row.n,
      partitionKey: row.lo === null || row.hi === null ? null : { column: key, min: row.lo, max: row.hi },
    };
  }

  /** The INTEGER PRIMARY KEY (a rowid alias), else `rowid` itself, else null for WITHOUT ROWID tables. */
  rowidColumn(table: TableSchema): string | null {
    const [only, ...more] = table.primaryKey;
    if (only !== undefined && more.length === 0) {
      const column = table.columns.find((c) => c.name === only);
      if (column?.nativeType.trim().toUpperCase() === 'INTEGER') return only;
    }
    // Ask SQLite rather than search the CREATE text, where "WITHOUT ROWID" may sit in a string or a name.
    const withoutRowid = this.db
      .prepare(`SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?`)
      .pluck()
      .get(table.name) as number | undefined;
    return withoutRowid === 1 ? null : 'rowid';
  }

  private describeTable(name: string): TableSchema {
    const quoted = quoteSqliteIdentifier(name);
    const columnRows = this.db.prepare(`PRAGMA table_xinfo(${quoted})`).all() as ColumnInfoRow[];
    const visible = columnRows.filter((c) => c.hidden === 0);
    const keyCount = visible.filter((c) => c.pk > 0).length;
    const columns = visible.map((c) => ({
      name: c.name,
      nativeType: c.type,
      type: sqliteToLogical(c.type),
      nullable: c.notnull === 0 && c.pk === 0,
      defaultValue: portableDefault(c.dflt_value),
      ...(portableDefault(c.dflt_value) === null &&
        c.dflt_value !== null &&
        !/^\(?\s*NULL\s*\)?$/i.test(c.dflt_value.trim()) && { untranslatedDefault: c.dflt_value }),
      // An INTEGER PRIMARY KEY is the rowid: SQLite numbers new rows, like an identity column.
      ...(keyCount === 1 &&
        c.pk === 1 &&
        c.type.trim().toUpperCase() === 'INTEGER' && { autoIncrement: true }),
    }));
    const primaryKey = visible
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    return {
      name,
      columns,
      primaryKey,
      indexes: this.indexes(name),
      foreignKeys: this.foreignKeys(name, quoted),
    };
  }

  private indexes(table: string): IndexSchema[] {
    const list = this.db
      .prepare(`PRAGMA index_list(${quoteSqliteIdentifier(table)})`)
      .all() as IndexListRow[];
    const indexes: IndexSchema[] = [];
    for (const index of list) {
      // Partial and expression indexes are not portable: listSkippedObjects names them.
      if (index.origin === 'pk' || this.unsupportedIndex(index)) continue;
      const info = this.db
        .prepare(`PRAGMA index_info(${quoteSqliteIdentifier(index.name)})`)
        .all() as IndexInfoRow[];
      const columns = info.sort((a, b) => a.seqno - b.seqno).map((i) => i.name as string);
      indexes.push({
        // A UNIQUE constraint's index has an internal name that no target accepts: name it as PostgreSQL would.
        name: index.name.startsWith('sqlite_autoindex_') ? `${table}_${columns.join('_')}_key` : index.name,
        columns,
        unique: index.unique === 1,
      });
    }
    return indexes;
  }

  private foreignKeys(table: string, quotedTable: string): ForeignKeySchema[] {
    const rows = this.db.prepare(`PRAGMA foreign_key_list(${quotedTable})`).all() as ForeignKeyRow[];
    const byId = new Map<number, ForeignKeyRow[]>();
    for (const row of rows) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
    return [...byId.values()].map((parts) => {
      parts.sort((a, b) => a.seq - b.seq);
      const first = parts[0]!;
      const referencedColumns = parts.map((p) => p.to);
      return {
        // SQLite does not report a foreign key's name: name it after its table and columns.
        name: `fk_${table}_${parts.map((p) => p.from).join('_')}`,
        columns: parts.map((p) => p.from),
        referencedTable: first.table,
        // `to` is null when the FK names the parent's primary key implicitly.
        referencedColumns: referencedColumns.every((c) => c !== null)
          ? (referencedColumns as string[])
          : this.primaryKeyOf(first.table),
        onDelete: first.on_delete as ReferentialAction,
        onUpdate: first.on_update as ReferentialAction,
      };
    });
  }

  private primaryKeyOf(table: string): string[] {
    const rows = this.db
      .prepare(`PRAGMA table_info(${quoteSqliteIdentifier(table)})`)
      .all() as ColumnInfoRow[];
    return rows
      .filter((r) => r.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((r) => r.name);
  }
}
