/**
 * Planning's list of what is not migrated, with the reasons: the source's own skipped objects (views,
 * triggers, routines, … of the selected tables, and those that belong to no table), and what this
 * spec's target cannot take: column defaults without a form there, `ON UPDATE CURRENT_TIMESTAMP`
 * where the target has no trigger for it, FULLTEXT indexes unless the spec asks for them, and the
 * expressions of generated columns (their values are loaded).
 *
 * The same step takes off the target tables what is not carried, so the sinks and `jivs plan --ddl`
 * build exactly what the plan says.
 */
import type { ColumnSchema, IndexSchema, SkippedObject } from '../connectors/connector.ts';
import { formatLogicalType } from '../core/logical-type.ts';
import { targetDefaultProblem } from './open-connectors.ts';
import { quoteSql } from '../connectors/skipped-objects.ts';
import type { EndpointSpec, MigrationSpec } from '../spec/spec-schema.ts';
import { CoercionError, coercerFor } from '../core/coerce.ts';
import type { TablePlan } from './plan-types.ts';

/** Targets that hold data only: no defaults, keys or triggers to speak of. */
const FILE_TARGETS = new Set(['csv', 'jsonl']);

const KEYWORDS = new Set(['CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME', 'NULL', 'TRUE', 'FALSE']);

/** Why the column's default cannot be the target column's default, or null when it can. */
function defaultProblem(column: ColumnSchema, targetType: EndpointSpec['type']): string | null {
  const value = column.defaultValue!.trim();
  if (value.toUpperCase() === 'NULL') return null;
  const type = formatLogicalType(column.type);
  if (!KEYWORDS.has(value.toUpperCase()) && !column.type.array) {
    const quoted = /^'((?:[^']|'')*)'$/s.exec(value);
    try {
      coercerFor(column.type)(quoted ? quoted[1]!.replace(/''/g, "'") : value);
    } catch (error) {
      if (!(error instanceof CoercionError)) throw error;
      return `the default ${quoteSql(value)} is not a value of the target type ${type}: ${error.message}.`;
    }
  }
  const problem = targetDefaultProblem(targetType, column);
  return problem === null ? null : `the ${targetType} target ${problem} (column type ${type}).`;
}

/** ON UPDATE CURRENT_TIMESTAMP needs a date/time column and a target that keeps it (a trigger). */
function onUpdateProblem(column: ColumnSchema, targetType: string): string | null {
  if (targetType !== 'postgres' && targetType !== 'mysql') {
    return `the ${targetType} target gets no trigger for it: the column keeps its loaded values, but an update no longer sets it to the current time.`;
  }
  if (column.type.kind !== 'timestamp' && column.type.kind !== 'timestamptz') {
    return `its target type is ${formatLogicalType(column.type)}, not a timestamp.`;
  }
  return null;
}

/** Why a FULLTEXT index is not built in the target, or null when it is. */
function fullTextProblem(spec: MigrationSpec): string | null {
  const target = spec.target;
  if (target.type === 'mysql') return null;
  if (target.type === 'postgres') {
    return target.fullTextIndexes === 'gin'
      ? null
      : "a FULLTEXT index is built in PostgreSQL only when asked for: set target.fullTextIndexes: gin for a GIN index over to_tsvector('simple', …) of its columns.";
  }
  return `the ${target.type} target has no full-text index JiVS can build (SQLite has FTS5 tables, not indexes).`;
}

/**
 * Adjusts each table's target to what its target can carry, and returns everything not migrated:
 * `sourceSkipped` (from the introspector) for the planned tables and for no table, then per table
 * what the target cannot take. Tables are source names, as in `jivs plan`.
 */
export function planNotMigrated(
  spec: MigrationSpec,
  sourceSkipped: readonly SkippedObject[],
  tables: TablePlan[],
  indexName: (name: string) => string,
): SkippedObject[] {
  const planned = new Set(tables.map((t) => t.source.name));
  const result = sourceSkipped.filter((o) => o.table === undefined || planned.has(o.table));
  if (FILE_TARGETS.has(spec.target.type)) return result;
  const targetType = spec.target.type;
  for (const table of tables) {
    const tableName = table.source.name;
    const add = (kind: SkippedObject['kind'], name: string, reason: string) =>
      result.push({ kind, name, table: tableName, reason });
    for (const { source, target } of table.columns) {
      if (source.untranslatedDefault !== undefined) {
        add(
          'default',
          source.name,
          `the default ${quoteSql(source.untranslatedDefault)} has no portable form (literals and the current date/time are carried); set a default in the target if new rows need one.`,
        );
      } else if (target.defaultValue !== null && !target.autoIncrement) {
        const problem = defaultProblem(target, targetType);
        if (problem) {
          add('default', source.name, problem);
          target.defaultValue = null;
        }
      }
      if (source.onUpdateCurrentTimestamp) {
        const problem = onUpdateProblem(target, targetType);
        if (problem) {
          add('on update', source.name, `ON UPDATE CURRENT_TIMESTAMP is not migrated: ${problem}`);
          delete target.onUpdateCurrentTimestamp;
        }
      }
      if (source.generated) {
        add(
          'generated column',
          source.name,
          'the source computes this column; its values are loaded as a plain column, and the target does not compute it for new rows.',
        );
      }
    }
    table.target.fullTextIndexes = carriedFullTextIndexes(spec, table, add, indexName);
  }
  return result;
}

/** The table's FULLTEXT indexes in target column names, if the target builds them; the others are listed. */
function carriedFullTextIndexes(
  spec: MigrationSpec,
  table: TablePlan,
  add: (kind: SkippedObject['kind'], name: string, reason: string) => void,
  indexName: (name: string) => string,
): IndexSchema[] | undefined {
  const carried: IndexSchema[] = [];
  const targetName = new Map(table.columns.map((c) => [c.source.name, c.target.name]));
  for (const index of table.source.fullTextIndexes ?? []) {
    const columns = index.columns.map((c) => targetName.get(c));
    const types = index.columns.map((c) => table.columns.find((m) => m.source.name === c)?.target.type);
    const problem = columns.some((c) => c === undefined)
      ? 'it uses a skipped column.'
      : types.some((t) => t?.kind !== 'text' || t.array)
        ? 'a column of it is not text in the target (a type override).'
        : fullTextProblem(spec);
    if (problem) add('index', index.name, `FULLTEXT index not migrated: ${problem}`);
    else carried.push({ name: indexName(index.name), columns: columns as string[], unique: false });
  }
  return carried.length ? carried : undefined;
}
