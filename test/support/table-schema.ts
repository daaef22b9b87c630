/** Table schemas built in a line, as a connector's introspector would describe them (sink tests). */
import type { ColumnSchema, TableSchema } from '../../src/connectors/connector.ts';
import type { LogicalType } from '../../src/core/logical-type.ts';

/** A column of `type`, nullable and without a default unless `options` say otherwise. */
export function column(name: string, type: LogicalType, options: Partial<ColumnSchema> = {}): ColumnSchema {
  return { name, nativeType: '', type, nullable: true, defaultValue: null, ...options };
}

/** A table of `columns`, without keys or indexes unless `extra` gives them. */
export function tableSchema(
  name: string,
  columns: ColumnSchema[],
  extra: Partial<TableSchema> = {},
): TableSchema {
  return { name, columns, primaryKey: [], indexes: [], foreignKeys: [], ...extra };
}
