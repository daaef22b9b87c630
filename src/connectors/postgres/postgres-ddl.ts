/**
 * Every statement a PostgreSQL target runs for one table, in order (see {@link TableDdl}): the sink
 * creates tables with it and `jivs plan --ddl` prints it. Index names are the plan's; a name that a
 * relation outside the migration holds is replaced at run time (postgres-finalize.ts).
 */
import type { TableDdl, TableSchema } from '../connector.ts';
import {
  foreignKeyStatements,
  fullTextIndexSql,
  indexSql,
  onUpdateTriggerStatements,
  primaryKeySql,
} from './postgres-finalize-ddl.ts';
import { qualified } from './postgres-identifiers.ts';
import { candidateDefaults, createTableStatements, type EnumStyle } from './postgres-table-ddl.ts';

/**
 * The table's DDL. `defaults` holds the default expression of each column that keeps one; by default
 * every candidate (the sink passes those the server accepted, which the plan has checked already).
 */
export function postgresTableDdl(
  schema: string,
  table: TableSchema,
  enums: EnumStyle,
  defaults: ReadonlyMap<string, string> = new Map(
    candidateDefaults(table).map((d) => [d.column, d.expression]),
  ),
): TableDdl {
  const primaryKey = primaryKeySql(schema, table);
  return {
    table: table.name,
    drop: [`DROP TABLE IF EXISTS ${qualified(schema, table.name)} CASCADE`],
    create: createTableStatements(schema, table, enums, defaults),
    finalize: [
      ...(primaryKey === null ? [] : [primaryKey]),
      ...table.indexes.map((index) => indexSql(schema, table.name, index, index.name)),
      ...(table.fullTextIndexes ?? []).map((index) => fullTextIndexSql(schema, table, index, index.name)),
      ...onUpdateTriggerStatements(schema, table),
    ],
    foreignKeys: table.foreignKeys.flatMap((fk) => {
      const { add, validate } = foreignKeyStatements(schema, table.name, fk);
      return [add, validate];
    }),
  };
}
