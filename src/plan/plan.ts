/**
 * Phase 1, Planning: introspects the source, selects the tables the spec asks for, maps names and
 * types, orders tables by foreign keys, estimates rows and splits large tables into partitions.
 * Every problem with the spec against the source is reported here, together, before any data moves.
 */
import picomatch from 'picomatch';
import type {
  ForeignKeySchema,
  IndexSchema,
  Introspector,
  Source,
  TableMode,
  TableSchema,
} from '../connectors/connector.ts';
import { invalidTextPolicy } from '../connectors/invalid-text.ts';
import { targetIdentifier } from './open-connectors.ts';
import { formatLogicalType, parseLogicalType, type LogicalType } from '../core/logical-type.ts';
import { InputError, type InputProblem } from '../core/errors.ts';
import { unconfinedFiles, type FileResolver } from '../spec/file-resolver.ts';
import type { MigrationSpec, TableEntry } from '../spec/spec-schema.ts';
import { didYouMean } from '../core/suggest.ts';
import { findByName, fitToExistingTable } from './fit-existing-table.ts';
import { applyNaming } from './naming.ts';
import { planNotMigrated } from './not-migrated.ts';
import { splitIntoPartitions } from './partitions.ts';
import {
  checkQuality,
  columnQuality,
  planComputedColumns,
  qualityPlan,
  referencedTables,
} from './plan-quality.ts';
import type { ColumnMapping, ColumnQuality, ComputedColumn, MigrationPlan, TablePlan } from './plan-types.ts';
import { orderByDependencies } from './table-order.ts';
import { assignTargetObjectNames } from './target-object-names.ts';

interface SelectedTable {
  schema: TableSchema;
  entry: TableEntry | undefined;
  specPath: string | null;
}

/** Picks the source tables the spec asks for: include/exclude patterns, an explicit list, or all. */
function selectTables(spec: MigrationSpec, tables: TableSchema[], problems: InputProblem[]): SelectedTable[] {
  const names = tables.map((t) => t.name);
  const byName = new Map(tables.map((t) => [t.name, t]));
  const entries = new Map(
    spec.tables.map((entry, index) => [entry.name, { entry, path: `tables[${index}]` }]),
  );
  spec.tables.forEach((entry, index) => {
    if (!byName.has(entry.name)) {
      problems.push({
        path: `tables[${index}].name`,
        message: `the source has no table "${entry.name}".${didYouMean(entry.name, names)} Source tables: ${names.join(', ') || '(none)'}.`,
      });
    }
  });
  const excluded = picomatch(spec.exclude?.length ? spec.exclude : ['\0none']);
  let selected: string[];
  if (spec.include) {
    spec.include.forEach((pattern, index) => {
      if (!names.some((n) => picomatch.isMatch(n, pattern))) {
        problems.push({
          path: `include[${index}]`,
          message: `"${pattern}" matches no source table. Source tables: ${names.join(', ')}.`,
        });
      }
    });
    const included = picomatch(spec.include);
    selected = names.filter((n) => included(n) && !excluded(n));
    spec.tables.forEach((entry, index) => {
      if (byName.has(entry.name) && !selected.includes(entry.name)) {
        problems.push({
          path: `tables[${index}].name`,
          message: `table "${entry.name}" is configured but include/exclude leave it out; adjust the patterns or remove the entry.`,
        });
      }
    });
  } else if (spec.tables.length) {
    selected = spec.tables.map((t) => t.name).filter((n) => byName.has(n));
  } else {
    selected = names.filter((n) => !excluded(n));
  }
  if (!selected.length && !problems.length) {
    problems.push({
      path: spec.include ? 'include' : 'exclude',
      message: 'selects no table; nothing would be migrated.',
    });
  }
  return selected.map((name) => {
    const configured = entries.get(name);
    return { schema: byName.get(name)!, entry: configured?.entry, specPath: configured?.path ?? null };
  });
}

/** Maps the columns of one table, reporting unknown columns and name collisions. */
function mapColumns(
  selected: SelectedTable,
  spec: MigrationSpec,
  problems: InputProblem[],
): { mappings: ColumnMapping[]; qualities: ColumnQuality[] } {
  const { schema, entry, specPath } = selected;
  const settings = entry?.columns ?? {};
  const sourceNames = schema.columns.map((c) => c.name);
  for (const column of Object.keys(settings)) {
    if (!sourceNames.includes(column)) {
      problems.push({
        path: `${specPath}.columns.${column}`,
        message: `table "${schema.name}" has no column "${column}".${didYouMean(column, sourceNames)} Its columns: ${sourceNames.join(', ')}.`,
      });
    }
  }
  const mappings: ColumnMapping[] = [];
  const qualities: ColumnQuality[] = [];
  const targetNames = new Map<string, string>();
  for (const column of schema.columns) {
    const setting = settings[column.name];
    if (setting?.skip) continue;
    const name = finalName(spec, setting?.rename ?? applyNaming(column.name, spec.naming));
    // A masked value is text (a hash, stars) unless the spec says otherwise.
    const unmasked = setting?.mask ? { kind: 'text' as const } : withoutRange(column.type);
    const type =
      setting?.type === undefined ? unmasked : (parseLogicalType(setting.type) ?? withoutRange(column.type));
    const clash = targetNames.get(name.toLowerCase());
    if (clash !== undefined) {
      problems.push({
        path: specPath ? `${specPath}.columns.${column.name}` : `tables (${schema.name})`,
        message: `columns "${clash}" and "${column.name}" would both become "${name}" in the target; rename one (columns.${column.name}.rename).`,
      });
    }
    targetNames.set(name.toLowerCase(), column.name);
    mappings.push({ source: column, target: { ...column, name, type } });
    qualities.push(columnQuality(setting, setting ? `${specPath}.columns.${column.name}` : null));
  }
  if (!mappings.length) {
    problems.push({
      path: specPath ?? 'tables',
      message: `every column of "${schema.name}" is skipped; nothing to load.`,
    });
  }
  return { mappings, qualities };
}

/** The target table: mapped names for columns, primary key, indexes and foreign keys. */
function targetSchema(
  selected: SelectedTable,
  targetName: string,
  columns: ColumnMapping[],
  computed: ComputedColumn[],
  targetTableOf: Map<string, { name: string; columns: Map<string, string> }>,
  spec: MigrationSpec,
  notes: string[],
): TableSchema {
  const { schema } = selected;
  const columnName = targetTableOf.get(schema.name)!.columns;
  const mapAll = (names: string[]) => names.map((n) => columnName.get(n));
  let primaryKey = mapAll(schema.primaryKey);
  if (primaryKey.some((c) => c === undefined)) {
    notes.push(`primary key (${schema.primaryKey.join(', ')}) dropped: a key column is skipped`);
    primaryKey = [];
  }
  const indexes: IndexSchema[] = [];
  for (const index of schema.indexes) {
    const mapped = mapAll(index.columns);
    if (mapped.some((c) => c === undefined)) {
      notes.push(`index ${index.name} dropped: it uses a skipped column`);
      continue;
    }
    indexes.push({
      name: finalName(spec, applyNaming(index.name, spec.naming)),
      columns: mapped as string[],
      unique: index.unique,
    });
  }
  const foreignKeys: ForeignKeySchema[] = [];
  for (const fk of schema.foreignKeys) {
    const parent = targetTableOf.get(fk.referencedTable);
    const own = mapAll(fk.columns);
    const referenced = fk.referencedColumns.map((c) => parent?.columns.get(c));
    if (!parent) {
      notes.push(`foreign key to ${fk.referencedTable} dropped: that table is not migrated`);
    } else if (own.some((c) => c === undefined) || referenced.some((c) => c === undefined)) {
      notes.push(`foreign key to ${fk.referencedTable} dropped: it uses a skipped column`);
    } else {
      foreignKeys.push({
        ...fk,
        // The source's name; assignTargetObjectNames derives another where it is taken.
        name: finalName(spec, applyNaming(fk.name, spec.naming)),
        columns: own as string[],
        referencedTable: parent.name,
        referencedColumns: referenced as string[],
      });
    }
  }
  return {
    name: targetName,
    columns: [...columns.map((c) => c.target), ...computed.map((c) => c.target)],
    primaryKey: primaryKey as string[],
    indexes,
    foreignKeys,
    comment: schema.comment ?? null,
  };
}

/**
 * Where the load order breaks a cycle of foreign keys: the references that point to a table loaded
 * later. They hold anyway, because every foreign key is added after all the data and keys (Cleanup).
 */
function cycleWarning(
  selected: readonly { schema: TableSchema }[],
  order: readonly string[],
  cycle: readonly string[],
): string {
  const position = new Map(order.map((name, i) => [name, i]));
  const forward = selected.flatMap(({ schema }) =>
    schema.foreignKeys
      .filter((fk) => (position.get(fk.referencedTable) ?? -1) > position.get(schema.name)!)
      .map((fk) => `${schema.name}(${fk.columns.join(', ')}) → ${fk.referencedTable}`),
  );
  const later = forward.length
    ? `, so ${forward.join(', ')} ${forward.length === 1 ? 'refers' : 'refer'} to a table loaded later`
    : '';
  return `foreign keys form a cycle between ${cycle.join(', ')}; the tables load in name order${later}. Foreign keys are added after all the data and keys, so the cycle holds.`;
}

/**
 * Plans the migration; throws an InputError listing every problem of the spec against the source. With
 * `target` (the target's introspector, see openTargetIntrospector), the tables that append and truncate
 * modes keep are planned against their existing columns (fit-existing-table.ts).
 */
export async function planMigration(
  spec: MigrationSpec,
  source: Source,
  files: FileResolver = unconfinedFiles(process.cwd()),
  target: Introspector | null = null,
): Promise<MigrationPlan> {
  const problems: InputProblem[] = [];
  const sourceTables = await source.introspector.listTables();
  const selected = selectTables(spec, sourceTables, problems);

  const targetTableOf = new Map<string, { name: string; columns: Map<string, string> }>();
  const columnsOf = new Map<
    string,
    { mappings: ColumnMapping[]; qualities: ColumnQuality[]; computed: ComputedColumn[] }
  >();
  const tableClash = new Map<string, string>();
  for (const table of selected) {
    const { mappings: columns, qualities } = mapColumns(table, spec, problems);
    const computed = planComputedColumns(
      table.entry,
      table.specPath,
      new Set(columns.map((c) => c.target.name.toLowerCase())),
      problems,
      (written) => finalName(spec, written),
    );
    const name = finalName(spec, table.entry?.target ?? applyNaming(table.schema.name, spec.naming));
    const clash = tableClash.get(name.toLowerCase());
    if (clash !== undefined) {
      problems.push({
        path: table.specPath ? `${table.specPath}.target` : 'naming',
        message: `source tables "${clash}" and "${table.schema.name}" would both become target table "${name}"; give one a distinct target.`,
      });
    }
    tableClash.set(name.toLowerCase(), table.schema.name);
    columnsOf.set(table.schema.name, { mappings: columns, qualities, computed });
    targetTableOf.set(table.schema.name, {
      name,
      columns: new Map(columns.map((c) => [c.source.name, c.target.name])),
    });
  }
  if (problems.length) throw new InputError(problems);

  const { order, cycle } = orderByDependencies(
    selected.map((t) => t.schema.name),
    (name) => {
      const table = selected.find((t) => t.schema.name === name)!;
      return [...table.schema.foreignKeys.map((fk) => fk.referencedTable), ...referencedTables(table.entry)];
    },
  );
  const warnings = cycle.length ? [cycleWarning(selected, order, cycle)] : [];
  const existingTables = target && keepsTables(spec) ? await target.listTables() : [];

  const tables: TablePlan[] = [];
  for (const name of order) {
    const table = selected.find((t) => t.schema.name === name)!;
    let { mappings: columns, computed } = columnsOf.get(name)!;
    const { qualities } = columnsOf.get(name)!;
    const notes = [...unknownTypeNotes(table, columns), ...arrayNotes(columns, spec.target.type)];
    const mode = table.entry?.mode ?? spec.mode;
    const targetName = targetTableOf.get(name)!.name;
    const existing = KEPT.has(mode) ? findByName(existingTables, targetName, spec.target.type) : undefined;
    if (existing) {
      const fit = fitToExistingTable(
        {
          name: targetName,
          specPath: table.specPath,
          columns: [...columns.map((c) => c.target), ...computed.map((c) => c.target)],
        },
        existing,
        spec.target.type,
      );
      columns = columns.map((c, i) => ({ ...c, target: fit.columns[i]! }));
      computed = computed.map((c, i) => ({ ...c, target: fit.columns[columns.length + i]! }));
      notes.push(...fit.notes, ...(await checkNotes(target, existing.name)));
      problems.push(...fit.problems);
    }
    const targetTable = targetSchema(table, targetName, columns, computed, targetTableOf, spec, notes);
    const statistics = await source.introspector.statistics(table.schema);
    tables.push({
      specPath: table.specPath,
      source: table.schema,
      target: targetTable,
      columns,
      mode,
      modePath: table.entry?.mode ? `${table.specPath}.mode` : 'mode',
      estimatedRows: statistics.rowCount,
      partitions: splitIntoPartitions(statistics, spec.partitionRows),
      // A key the source does not enforce may repeat: its rejected rows are named by position instead.
      keyPositions: table.schema.declaredKey
        ? []
        : table.schema.primaryKey
            .map((k) => columns.findIndex((c) => c.source.name === k))
            .filter((i) => i >= 0),
      quality: {
        ...qualityPlan(
          qualities,
          computed,
          table.entry,
          table.schema.declaredKey && targetTable.primaryKey.length ? table.schema.primaryKey : [],
        ),
        invalidText: invalidTextPolicy(spec.source),
      },
      notes,
    });
  }
  checkQuality(tables, sourceTables, files, problems);
  if (problems.length) throw new InputError(problems);
  const notMigrated = planNotMigrated(
    spec,
    (await source.introspector.listSkippedObjects?.()) ?? [],
    tables,
    (name) => finalName(spec, applyNaming(name, spec.naming)),
  );
  assignTargetObjectNames(spec.target.type, tables);
  return { tables, warnings, notMigrated };
}

/** The CHECK constraints of an existing target table, which the database enforces while loading. */
async function checkNotes(target: Introspector | null, table: string): Promise<string[]> {
  const checks = (await target?.checkConstraints?.(table)) ?? [];
  return checks.map(
    (check) =>
      `the existing target table enforces CHECK constraint ${check.name}: ${check.expression}; rows it refuses are rejected with its message.`,
  );
}

/** The modes that keep an existing target table, which the plan then follows. */
const KEPT = new Set<TableMode>(['append', 'truncate']);

/** True when some table of the spec keeps an existing target table (mode append or truncate). */
export function keepsTables(spec: MigrationSpec): boolean {
  return KEPT.has(spec.mode) || spec.tables.some((t) => t.mode !== undefined && KEPT.has(t.mode));
}

/**
 * A source column's type without its range: the range of a source's smallint is no limit of the column
 * a target creates (a transform may leave it); an existing target's own range is added back by fitting.
 */
function withoutRange(type: LogicalType): LogicalType {
  if (type.min === undefined && type.max === undefined) return type;
  const copy = { ...type };
  delete copy.min;
  delete copy.max;
  return copy;
}

/** Columns whose native type the connector did not know (loaded as text), with the override to add. */
/**
 * `name` as the spec's target will call it (PostgreSQL keeps 63 bytes, MySQL 64 characters): the one
 * name every phase uses, shown by `jivs plan`.
 */
function finalName(spec: MigrationSpec, name: string): string {
  return targetIdentifier(spec.target.type)(name);
}

/** Targets without array columns, which receive arrays as JSON text. */
const NO_ARRAYS = new Set(['sqlite', 'mysql']);

/** Array columns going to a target without arrays: they are written as JSON text. */
function arrayNotes(columns: ColumnMapping[], targetType: string): string[] {
  if (!NO_ARRAYS.has(targetType)) return [];
  return columns
    .filter((c) => c.target.type.array)
    .map(
      (c) =>
        `column ${c.target.name} (${formatLogicalType(c.target.type)}) is written as JSON text: the ${targetType} target has no array columns.`,
    );
}

function unknownTypeNotes(table: SelectedTable, columns: ColumnMapping[]): string[] {
  return columns
    .filter((c) => c.source.typeFallback && table.entry?.columns?.[c.source.name]?.type === undefined)
    .map((c) => {
      const where = table.specPath ?? `a tables entry { name: ${table.schema.name} }`;
      return `column ${c.source.name} has type "${c.source.nativeType}", which has no mapping; it is loaded as text. To choose a type, set ${where}.columns.${c.source.name}.type (e.g. text, json, binary), or skip: true.`;
    });
}
