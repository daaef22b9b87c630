/**
 * Planning of the data-quality part of a spec: each column's steps, mask and rules; computed columns;
 * lookups; references between tables. Names are checked against the source here, and every table's
 * program is compiled once (expressions type-checked against the columns), so all problems are reported
 * with their spec paths before any data moves.
 */
import { existsSync } from 'node:fs';
import type { ColumnSchema, TableSchema } from '../connectors/connector.ts';
import { parseLogicalType } from '../core/logical-type.ts';
import { InputError, type InputProblem } from '../core/errors.ts';
import { KeyIndex } from '../rules/key-index.ts';
import { compileTableProgram, keySetName } from '../rules/table-program.ts';
import { uniqueStrategy, type UniqueStrategy } from '../rules/unique-proof.ts';
import type { FileResolver } from '../spec/file-resolver.ts';
import type { ColumnEntry, TableEntry } from '../spec/spec-schema.ts';
import { didYouMean } from '../core/suggest.ts';
import type { ColumnQuality, ComputedColumn, LookupPlan, TablePlan, TableQualityPlan } from './plan-types.ts';

/** The quality settings of one column entry (or none). */
export function columnQuality(entry: ColumnEntry | undefined, specPath: string | null): ColumnQuality {
  return {
    specPath,
    steps: entry?.transform ?? [],
    mask: entry?.mask ?? null,
    personal: Boolean(entry?.personal || entry?.mask),
    rules: entry?.rules ?? [],
  };
}

/**
 * Computed columns of a table entry as target columns, named as the target will name them
 * (`targetName`); reports bad types and name clashes.
 */
export function planComputedColumns(
  entry: TableEntry | undefined,
  specPath: string | null,
  takenNames: ReadonlySet<string>,
  problems: InputProblem[],
  targetName: (name: string) => string,
): ComputedColumn[] {
  const computed: ComputedColumn[] = [];
  for (const [written, spec] of Object.entries(entry?.computed ?? {})) {
    const path = `${specPath}.computed.${written}`;
    const name = targetName(written);
    const type = parseLogicalType(spec.type);
    if (takenNames.has(name.toLowerCase())) {
      problems.push({
        path,
        message: `the target already has a column "${name}"; give the computed column another name.`,
      });
    }
    if (!type) continue; // reported by spec validation
    const target: ColumnSchema = { name, nativeType: 'computed', type, nullable: true, defaultValue: null };
    computed.push({ specPath: path, target, spec });
  }
  return computed;
}

function readableColumn(plan: TablePlan, name: string, path: string, problems: InputProblem[]): boolean {
  if (plan.columns.some((c) => c.source.name === name)) return true;
  const names = plan.columns.map((c) => c.source.name);
  const skipped = plan.source.columns.some((c) => c.name === name);
  problems.push({
    path,
    message: skipped
      ? `column "${name}" is skipped, so it cannot be used here; remove skip or the reference.`
      : `table "${plan.source.name}" has no column "${name}".${didYouMean(name, names)} Its columns: ${names.join(', ')}.`,
  });
  return false;
}

/** Checks the names a table's quality settings use, and finds its lookups. */
function checkNames(
  plan: TablePlan,
  sourceTables: readonly TableSchema[],
  files: FileResolver,
  problems: InputProblem[],
): LookupPlan[] {
  const base = plan.specPath ?? 'tables';
  const lookups: LookupPlan[] = [];
  plan.quality.rules.forEach((rule, i) => {
    rule.unique?.forEach((name, j) =>
      readableColumn(plan, name, `${base}.rules[${i}].unique[${j}]`, problems),
    );
  });
  for (const column of plan.quality.computed) {
    column.spec.concat?.columns.forEach((name, j) =>
      readableColumn(plan, name, `${column.specPath}.concat.columns[${j}]`, problems),
    );
  }
  plan.quality.columns.forEach((settings) => {
    settings.steps.forEach((step, i) => {
      if (typeof step === 'string' || !step.lookup) return;
      const path = `${settings.specPath}.transform[${i}]`;
      const { table, file, key, value } = step.lookup;
      if (file !== undefined) {
        let real: string;
        try {
          real = files.resolve(file, `${path}.lookup.file`);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          problems.push(...error.problems);
          return;
        }
        if (!existsSync(real)) {
          problems.push({
            path: `${path}.lookup.file`,
            message: `${file} does not exist; check the path (relative paths resolve against the spec's folder).`,
          });
        }
        lookups.push({ path, table: null, file: real, key, value });
        return;
      }
      const schema = sourceTables.find((t) => t.name === table);
      if (!schema) {
        const names = sourceTables.map((t) => t.name);
        problems.push({
          path: `${path}.lookup.table`,
          message: `the source has no table "${table}".${didYouMean(table!, names)}`,
        });
        return;
      }
      for (const [field, name] of [
        ['key', key],
        ['value', value],
      ] as const) {
        if (!schema.columns.some((c) => c.name === name)) {
          const names = schema.columns.map((c) => c.name);
          problems.push({
            path: `${path}.lookup.${field}`,
            message: `table "${table}" has no column "${name}".${didYouMean(name, names)} Its columns: ${names.join(', ')}.`,
          });
        }
      }
      lookups.push({ path, table: schema, file: null, key, value });
    });
  });
  return lookups;
}

/**
 * Resolves references rules: the parent table must be migrated in this run with the column kept; the
 * parent then fills the key set the child reads, and the child waits for the parent to load.
 */
function resolveReferences(tables: readonly TablePlan[], problems: InputProblem[]): void {
  const bySource = new Map(tables.map((t) => [t.source.name, t]));
  for (const child of tables) {
    const allColumns = [
      ...child.quality.columns.map((c) => c.rules.map((r, i) => ({ r, path: `${c.specPath}.rules[${i}]` }))),
      ...child.quality.computed.map((c) =>
        (c.spec.rules ?? []).map((r, i) => ({ r, path: `${c.specPath}.rules[${i}]` })),
      ),
    ].flat();
    for (const { r, path } of allColumns) {
      if (!r.references) continue;
      const parent = bySource.get(r.references.table);
      if (!parent) {
        problems.push({
          path: `${path}.references.table`,
          message: `table "${r.references.table}" is not migrated in this run; a references rule checks against the loaded rows of a migrated table.${didYouMean(r.references.table, [...bySource.keys()])}`,
        });
        continue;
      }
      const position = parent.columns.findIndex((c) => c.source.name === r.references!.column);
      if (position < 0) {
        readableColumn(parent, r.references.column, `${path}.references.column`, problems);
        continue;
      }
      if (parent === child) {
        problems.push({
          path: `${path}.references`,
          message: 'a table cannot reference its own rows with a rule; use a foreign key in the source.',
        });
        continue;
      }
      const name = keySetName(r.references.table, r.references.column);
      if (!parent.quality.keySets.some((k) => k.name === name))
        parent.quality.keySets.push({ name, position });
      if (!child.quality.dependsOn.includes(parent.target.name))
        child.quality.dependsOn.push(parent.target.name);
    }
  }
}

/** Parents named by references rules, per source table: extra load-order dependencies. */
export function referencedTables(entry: TableEntry | undefined): string[] {
  const rules = [
    ...Object.values(entry?.columns ?? {}).flatMap((c) => c.rules ?? []),
    ...Object.values(entry?.computed ?? {}).flatMap((c) => c.rules ?? []),
  ];
  return rules.flatMap((r) => (r.references ? [r.references.table] : []));
}

/**
 * The quality plan of a table from its spec entry (empty for tables the spec says nothing about).
 * `declaredKey` is a primary key the source does not enforce (a file's `primaryKey`, source column
 * names): a critical unique rule named `primary key` is added after the spec's rules, so a row that
 * repeats an earlier row's key is rejected and the target's primary key can be built.
 */
export function qualityPlan(
  columns: ColumnQuality[],
  computed: ComputedColumn[],
  entry: TableEntry | undefined,
  declaredKey: readonly string[] = [],
): TableQualityPlan {
  const rules = entry?.rules ?? [];
  return {
    columns,
    computed,
    filter: entry?.filter ?? null,
    rules: declaredKey.length
      ? [...rules, { unique: [...declaredKey], name: 'primary key', severity: 'critical' }]
      : rules,
    errors: entry?.errors ?? {},
    lookups: [],
    keySets: [],
    dependsOn: [],
  };
}

/**
 * Checks the quality settings of every planned table against the source and compiles their programs once;
 * problems are added to `problems`.
 */
export function checkQuality(
  tables: TablePlan[],
  sourceTables: readonly TableSchema[],
  files: FileResolver,
  problems: InputProblem[],
): void {
  const clean = new Set<TablePlan>();
  for (const table of tables) {
    const before = problems.length;
    table.quality.lookups = checkNames(table, sourceTables, files, problems);
    if (problems.length === before) clean.add(table);
  }
  resolveReferences(tables, problems);
  // Tables whose names are wrong are not compiled (their positions would be meaningless); the others
  // are, so that expression problems are reported in the same pass.
  const keyIndex = new KeyIndex(':memory:');
  try {
    for (const table of tables) {
      if (!clean.has(table)) continue;
      const lookups = new Map(table.quality.lookups.map((l) => [l.path, new Map<string, unknown>()]));
      compileTableProgram(table, { keyIndex, lookups, salt: 'planning' }, problems);
    }
  } finally {
    keyIndex.close();
  }
}

/**
 * Every unique rule of a planned table, labelled `[id]` or `[order_no, line_no]` (source column names),
 * with how a run keeps it (see rules/unique-proof.ts): for `jivs plan`.
 */
export function uniqueStrategies(plan: TablePlan): { label: string; strategy: UniqueStrategy }[] {
  const names = plan.columns.map((c) => c.source.name);
  const found: { label: string; strategy: UniqueStrategy }[] = [];
  plan.quality.columns.forEach((column, position) => {
    if (column.rules.some((rule) => rule.unique)) {
      found.push({ label: `[${names[position]}]`, strategy: uniqueStrategy(plan, [position]) });
    }
  });
  for (const rule of plan.quality.rules) {
    if (!rule.unique) continue;
    const positions = rule.unique.map((name) => names.indexOf(name));
    found.push({ label: `[${rule.unique.join(', ')}]`, strategy: uniqueStrategy(plan, positions) });
  }
  return found;
}
