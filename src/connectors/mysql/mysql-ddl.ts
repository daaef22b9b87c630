/**
 * DDL for MySQL/MariaDB targets: CREATE TABLE with columns, NOT NULL, defaults, ON UPDATE
 * CURRENT_TIMESTAMP, comments, primary key and AUTO_INCREMENT; the ALTER TABLE statements that add
 * indexes, FULLTEXT indexes and foreign keys after the load. The sink runs them and `jivs plan --ddl`
 * prints them ({@link mysqlTableDdl}).
 */
import { createHash } from 'node:crypto';
import type { ColumnSchema, ForeignKeySchema, IndexSchema, TableDdl, TableSchema } from '../connector.ts';
import { mysqlDefaultClause } from './mysql-defaults.ts';
import { logicalToMysql, quoteMysqlIdentifier as q, quoteMysqlString } from './mysql-types.ts';

/** MySQL's limit for table, column, index and constraint names. */
const MAX_IDENTIFIER = 64;
/** A row's fixed part may not exceed 65,535 bytes; keep some room for lengths and NULL bits. */
const ROW_BYTES = 65_000;

/** A name cut to 64 characters, made unique again by a short hash of the whole name. */
export function shortenMysqlIdentifier(name: string): string {
  if (name.length <= MAX_IDENTIFIER) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_IDENTIFIER - 9)}_${hash}`;
}

/** Columns that are part of the primary key, an index or a foreign key: they need a bounded type. */
function keyColumns(table: TableSchema): Set<string> {
  return new Set([
    ...table.primaryKey,
    ...table.indexes.flatMap((i) => i.columns),
    ...table.foreignKeys.flatMap((f) => f.columns),
  ]);
}

/** Bytes a column takes in the row's fixed part (utf8mb4: 4 bytes a character; long types: a pointer). */
function rowBytes(mysqlType: string): number {
  const varchar = /^var(?:char|binary)\((\d+)\)$/.exec(mysqlType);
  if (varchar) return Number(varchar[1]) * (mysqlType.startsWith('varchar') ? 4 : 1) + 2;
  if (mysqlType.startsWith('char(')) return 144;
  return 12;
}

/**
 * The MySQL type of every column. Unbounded text and binary in keys get bounded types, and when the
 * varchars of a wide table would exceed MySQL's row size, the longest (outside keys) become longtext.
 */
export function columnTypes(table: TableSchema): string[] {
  const keys = keyColumns(table);
  const types = table.columns.map((c) => logicalToMysql(c.type, keys.has(c.name)));
  let total = types.reduce((sum, t) => sum + rowBytes(t), 0);
  if (total <= ROW_BYTES) return types;
  const candidates = types
    .map((type, index) => ({ type, index }))
    .filter(({ type, index }) => type.startsWith('varchar') && !keys.has(table.columns[index]!.name))
    .sort((a, b) => rowBytes(b.type) - rowBytes(a.type));
  for (const { type, index } of candidates) {
    if (total <= ROW_BYTES) break;
    types[index] = 'longtext';
    total -= rowBytes(type) - rowBytes('longtext');
  }
  return types;
}

/** AUTO_INCREMENT is only valid on an integer column that leads a key: the first primary key column. */
export function autoIncrementColumn(table: TableSchema): ColumnSchema | null {
  const first = table.primaryKey[0];
  const column = table.columns.find((c) => c.name === first);
  if (!column?.autoIncrement || column.type.array) return null;
  return column.type.kind === 'integer' || column.type.kind === 'bigint' ? column : null;
}

function columnDefinition(column: ColumnSchema, type: string, autoIncrement: boolean): string {
  let sql = `${q(column.name)} ${type}`;
  if (!column.nullable) sql += ' NOT NULL';
  if (autoIncrement) sql += ' AUTO_INCREMENT';
  else sql += mysqlDefaultClause(column, type);
  if (column.onUpdateCurrentTimestamp && /^(?:datetime|timestamp)/.test(type)) {
    // The precision must be the column's: datetime(6) takes CURRENT_TIMESTAMP(6).
    const precision = /\((\d)\)/.exec(type)?.[1];
    sql += ` ON UPDATE CURRENT_TIMESTAMP${precision ? `(${precision})` : ''}`;
  }
  if (column.comment) sql += ` COMMENT ${quoteMysqlString(column.comment.slice(0, 1024))}`;
  return sql;
}

/**
 * CREATE TABLE with the binary utf8mb4 collation, so that text compares and is unique exactly as in
 * PostgreSQL or SQLite (case- and accent-sensitive) rather than under a case-insensitive default.
 */
export function createTableSql(table: TableSchema): string {
  const types = columnTypes(table);
  const autoIncrement = autoIncrementColumn(table);
  const parts = table.columns.map((c, i) => columnDefinition(c, types[i]!, c === autoIncrement));
  if (table.primaryKey.length) parts.push(`PRIMARY KEY (${table.primaryKey.map(q).join(', ')})`);
  let sql = `CREATE TABLE ${q(table.name)} (\n  ${parts.join(',\n  ')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;
  if (table.comment) sql += ` COMMENT=${quoteMysqlString(table.comment.slice(0, 2048))}`;
  return sql;
}

export function addIndexClause(index: IndexSchema): string {
  const unique = index.unique ? 'UNIQUE ' : '';
  return `ADD ${unique}INDEX ${q(shortenMysqlIdentifier(index.name))} (${index.columns.map(q).join(', ')})`;
}

/** One ALTER TABLE that adds `indexes` to the table, or null for none. */
export function addIndexesSql(table: string, indexes: readonly IndexSchema[]): string | null {
  return indexes.length ? `ALTER TABLE ${q(table)} ${indexes.map(addIndexClause).join(', ')}` : null;
}

/** A FULLTEXT index: one per ALTER TABLE (InnoDB builds only one at a time). */
export function addFullTextIndexSql(table: string, index: IndexSchema): string {
  return `ALTER TABLE ${q(table)} ADD FULLTEXT INDEX ${q(shortenMysqlIdentifier(index.name))} (${index.columns.map(q).join(', ')})`;
}

/** InnoDB rejects SET DEFAULT; it becomes NO ACTION (the closest behaviour that keeps the reference). */
function mysqlAction(action: ForeignKeySchema['onDelete']): string {
  return action === 'SET DEFAULT' ? 'NO ACTION' : action;
}

export function addForeignKeyClause(fk: ForeignKeySchema): string {
  return (
    `ADD CONSTRAINT ${q(shortenMysqlIdentifier(fk.name))} FOREIGN KEY (${fk.columns.map(q).join(', ')}) ` +
    `REFERENCES ${q(fk.referencedTable)} (${fk.referencedColumns.map(q).join(', ')}) ` +
    `ON DELETE ${mysqlAction(fk.onDelete)} ON UPDATE ${mysqlAction(fk.onUpdate)}`
  );
}

/** One ALTER TABLE that adds the foreign keys, or null for none. */
export function addForeignKeysSql(table: string, foreignKeys: readonly ForeignKeySchema[]): string | null {
  return foreignKeys.length
    ? `ALTER TABLE ${q(table)} ${foreignKeys.map(addForeignKeyClause).join(', ')}`
    : null;
}

/** Every statement the sink runs for the table, in order (see {@link TableDdl}). */
export function mysqlTableDdl(table: TableSchema): TableDdl {
  const indexes = addIndexesSql(table.name, table.indexes);
  const foreignKeys = addForeignKeysSql(table.name, table.foreignKeys);
  return {
    table: table.name,
    drop: [`DROP TABLE IF EXISTS ${q(table.name)}`],
    create: [createTableSql(table)],
    finalize: [
      ...(indexes === null ? [] : [indexes]),
      ...(table.fullTextIndexes ?? []).map((index) => addFullTextIndexSql(table.name, index)),
    ],
    foreignKeys: foreignKeys === null ? [] : [foreignKeys],
  };
}

/**
 * Rows with a foreign key (all of its columns set) that matches no parent row, each row counted once.
 * NOT IN over a subquery lets the server materialise the parent keys once.
 */
export function orphanCountSql(table: TableSchema): string {
  const orphan = table.foreignKeys.map((fk) => {
    const set = (alias: string, columns: string[]) =>
      columns.map((c) => `${alias}.${q(c)} IS NOT NULL`).join(' AND ');
    const child = fk.columns.map((c) => `c.${q(c)}`).join(', ');
    const parent = fk.referencedColumns.map((c) => `p.${q(c)}`).join(', ');
    const wrap = (list: string, n: number) => (n > 1 ? `(${list})` : list);
    return (
      `(${set('c', fk.columns)} AND ${wrap(child, fk.columns.length)} NOT IN ` +
      `(SELECT ${parent} FROM ${q(fk.referencedTable)} AS p WHERE ${set('p', fk.referencedColumns)}))`
    );
  });
  return `SELECT COUNT(*) AS n FROM ${q(table.name)} AS c WHERE ${orphan.join(' OR ')}`;
}
