import type { ColumnSchema } from '../../src/connectors/connector.ts';
import { parseLogicalType } from '../../src/connectors/logical-type.ts';
import type { TablePlan } from '../../src/engine/plan-types.ts';

/** A one-partition plan for table `name` whose columns are `name type [not null]` strings. */
export function tablePlan(name: string, columns: string[], primaryKey: string[] = []): TablePlan {
  const schema: ColumnSchema[] = columns.map((definition) => {
    const [column, type, ...rest] = definition.split(' ');
    return {
      name: column!,
      nativeType: type!,
      type: parseLogicalType(type!)!,
      nullable: rest.join(' ') !== 'not null',
      defaultValue: null,
    };
  });
  const table = { name, columns: schema, primaryKey, indexes: [], foreignKeys: [] };
  return {
    specPath: null,
    source: table,
    target: table,
    columns: schema.map((c) => ({ source: c, target: c })),
    mode: 'create',
    modePath: 'mode',
    estimatedRows: 0,
    partitions: [{ index: 0, bounds: { kind: 'whole' } }],
    keyPositions: primaryKey.map((k) => columns.findIndex((c) => c.startsWith(`${k} `))),
    notes: [],
  };
}
