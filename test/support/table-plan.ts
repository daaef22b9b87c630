import type { ColumnSchema } from '../../src/connectors/connector.ts';
import { parseLogicalType } from '../../src/core/logical-type.ts';
import type { TablePlan, TableQualityPlan } from '../../src/plan/plan-types.ts';
import { compileTransform } from '../../src/engine/transform.ts';
import { compileValidator } from '../../src/engine/validate.ts';
import { KeyIndex } from '../../src/rules/key-index.ts';
import { QualityTally } from '../../src/rules/quality.ts';
import { compileTableProgram } from '../../src/rules/table-program.ts';

/** Quality settings with nothing set, for `columns` read columns. */
export function emptyQuality(columns: number): TableQualityPlan {
  return {
    columns: Array.from({ length: columns }, () => ({
      specPath: null,
      steps: [],
      mask: null,
      personal: false,
      rules: [],
    })),
    computed: [],
    filter: null,
    rules: [],
    errors: {},
    lookups: [],
    keySets: [],
    dependsOn: [],
  };
}

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
    quality: emptyQuality(schema.length),
    notes: [],
  };
}

/** The compiled program of `plan` with an in-memory key index: what a run builds per table. */
export function compiledTable(
  plan: TablePlan,
  lookups: ReadonlyMap<string, ReadonlyMap<string, unknown>> = new Map(),
) {
  const keyIndex = new KeyIndex(':memory:');
  const program = compileTableProgram(plan, { keyIndex, lookups, salt: 'test-salt' });
  const tally = new QualityTally(
    plan.target.name,
    program.descriptors,
    plan.target.columns.map((c) => c.name),
  );
  return {
    program,
    keyIndex,
    tally,
    transform: compileTransform(plan, program),
    validate: compileValidator(plan, program, keyIndex, tally),
  };
}
