/**
 * The statements that complete a PostgreSQL table after its data is loaded: the primary key, indexes
 * and unique constraints, GIN indexes for MySQL FULLTEXT ones, the trigger that keeps
 * `ON UPDATE CURRENT_TIMESTAMP`, and foreign keys. Pure text: postgres-finalize.ts runs them (after
 * checking what exists already) and `jivs plan --ddl` prints them.
 */
import pg from 'pg';
import type { ColumnSchema, ForeignKeySchema, IndexSchema, TableSchema } from '../connector.ts';
import { derivedName, ident, qualified } from './postgres-identifiers.ts';

/** ALTER TABLE … ADD PRIMARY KEY, or null for a table without one. */
export function primaryKeySql(schema: string, table: TableSchema): string | null {
  if (!table.primaryKey.length) return null;
  const name = ident(derivedName(table.name, 'pkey'));
  return `ALTER TABLE ${qualified(schema, table.name)} ADD CONSTRAINT ${name} PRIMARY KEY (${table.primaryKey.map(ident).join(', ')})`;
}

/** A unique constraint (ALTER TABLE … ADD CONSTRAINT … UNIQUE) or a plain index, named `name`. */
export function indexSql(schema: string, table: string, index: IndexSchema, name: string): string {
  const columns = index.columns.map(ident).join(', ');
  return index.unique
    ? `ALTER TABLE ${qualified(schema, table)} ADD CONSTRAINT ${ident(name)} UNIQUE (${columns})`
    : `CREATE INDEX ${ident(name)} ON ${qualified(schema, table)} (${columns})`;
}

/**
 * The text a full-text index covers: its columns joined by spaces, NULL as empty, under the `simple`
 * configuration (no language-specific stemming, like MySQL's FULLTEXT). A query must use the same
 * expression for PostgreSQL to use the index.
 */
export function fullTextExpression(table: TableSchema, index: IndexSchema): string {
  const parts = index.columns.map((name) => {
    const column = table.columns.find((c) => c.name === name);
    const text = column?.type.kind === 'text' && !column.type.array ? ident(name) : `${ident(name)}::text`;
    return `coalesce(${text}, '')`;
  });
  return `to_tsvector('simple', ${parts.join(` || ' ' || `)})`;
}

/** CREATE INDEX … USING gin over {@link fullTextExpression}, named `name`. */
export function fullTextIndexSql(
  schema: string,
  table: TableSchema,
  index: IndexSchema,
  name: string,
): string {
  return `CREATE INDEX ${ident(name)} ON ${qualified(schema, table.name)} USING gin (${fullTextExpression(table, index)})`;
}

/** The name of the trigger (and of its function) that keeps a table's ON UPDATE columns current. */
export function onUpdateTriggerName(table: string): string {
  return derivedName(table, 'on_update');
}

/**
 * MySQL's `ON UPDATE CURRENT_TIMESTAMP` as a BEFORE UPDATE trigger: when an update changes the row but
 * not the column itself, the column gets the current time. Replaces an earlier version of itself.
 */
export function onUpdateTriggerStatements(schema: string, table: TableSchema): string[] {
  const columns = table.columns.filter((c: ColumnSchema) => c.onUpdateCurrentTimestamp);
  if (!columns.length) return [];
  const name = onUpdateTriggerName(table.name);
  const fn = qualified(schema, name);
  const target = qualified(schema, table.name);
  const assignments = columns.map(
    (c) =>
      `  IF NEW.${ident(c.name)} IS NOT DISTINCT FROM OLD.${ident(c.name)} THEN NEW.${ident(c.name)} := CURRENT_TIMESTAMP; END IF;`,
  );
  const body = [
    'BEGIN',
    '  IF NEW IS DISTINCT FROM OLD THEN',
    ...assignments.map((a) => `  ${a}`),
    '  END IF;',
    '  RETURN NEW;',
    'END',
  ].join('\n');
  return [
    `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${pg.escapeLiteral(body)}`,
    `DROP TRIGGER IF EXISTS ${ident(name)} ON ${target}`,
    `CREATE TRIGGER ${ident(name)} BEFORE UPDATE ON ${target} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
}

/**
 * A foreign key added without checking existing rows (NOT VALID), then validated: if orphan rows make
 * the validation fail, the constraint stays NOT VALID and new rows are still checked.
 */
export function foreignKeyStatements(
  schema: string,
  table: string,
  fk: ForeignKeySchema,
): { add: string; validate: string } {
  const target = qualified(schema, table);
  const name = ident(fk.name);
  return {
    add:
      `ALTER TABLE ${target} ADD CONSTRAINT ${name} FOREIGN KEY (${fk.columns.map(ident).join(', ')}) ` +
      `REFERENCES ${qualified(schema, fk.referencedTable)} (${fk.referencedColumns.map(ident).join(', ')}) ` +
      `ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate} NOT VALID`,
    validate: `ALTER TABLE ${target} VALIDATE CONSTRAINT ${name}`,
  };
}
