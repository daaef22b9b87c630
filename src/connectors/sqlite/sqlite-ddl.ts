/**
 * DDL for SQLite targets: CREATE TABLE with columns, NOT NULL, defaults, the primary key and the foreign
 * keys (SQLite cannot add one to an existing table), and the indexes created after the load. The sink
 * runs them and `jivs plan --ddl` prints them ({@link sqliteTableDdl}).
 */
import type { ColumnSchema, IndexSchema, TableDdl, TableSchema } from '../connector.ts';
import { logicalToSqlite, quoteSqliteIdentifier as q } from './sqlite-types.ts';

function wrapDefault(value: string): string {
  return /^CURRENT_/.test(value) ? `(${value})` : value;
}

/** The column definition in CREATE TABLE. */
function columnDefinition(column: ColumnSchema, rowidKey: boolean): string {
  // A single integer primary key declared exactly INTEGER is SQLite's rowid: it numbers new rows itself.
  let sql = `${q(column.name)} ${rowidKey ? 'INTEGER' : logicalToSqlite(column.type)}`;
  if (!column.nullable) sql += ' NOT NULL';
  if (column.defaultValue !== null) sql += ` DEFAULT ${wrapDefault(column.defaultValue)}`;
  return sql;
}

/**
 * CREATE TABLE with the foreign keys declared: they are not enforced while loading (foreign_keys is
 * off in the sink's connection) and are checked by Verification.
 */
export function createTableSql(table: TableSchema): string {
  const [key, ...more] = table.primaryKey;
  const keyColumn = more.length === 0 ? table.columns.find((c) => c.name === key) : undefined;
  const rowidKey = keyColumn !== undefined && ['integer', 'bigint'].includes(keyColumn.type.kind);
  const parts = table.columns.map((c) => columnDefinition(c, rowidKey && c === keyColumn));
  if (table.primaryKey.length) parts.push(`PRIMARY KEY (${table.primaryKey.map(q).join(', ')})`);
  for (const fk of table.foreignKeys) {
    parts.push(
      `CONSTRAINT ${q(fk.name)} FOREIGN KEY (${fk.columns.map(q).join(', ')}) REFERENCES ${q(fk.referencedTable)} (${fk.referencedColumns.map(q).join(', ')}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`,
    );
  }
  return `CREATE TABLE ${q(table.name)} (\n  ${parts.join(',\n  ')}\n)`;
}

/** CREATE [UNIQUE] INDEX for one index of the table. */
export function createIndexSql(table: string, index: IndexSchema): string {
  const unique = index.unique ? 'UNIQUE ' : '';
  return `CREATE ${unique}INDEX ${q(index.name)} ON ${q(table)} (${index.columns.map(q).join(', ')})`;
}

/** Every statement the sink runs for the table, in order (see {@link TableDdl}). */
export function sqliteTableDdl(table: TableSchema): TableDdl {
  return {
    table: table.name,
    drop: [`DROP TABLE IF EXISTS ${q(table.name)}`],
    create: [createTableSql(table)],
    finalize: table.indexes.map((index) => createIndexSql(table.name, index)),
    foreignKeys: [],
  };
}
