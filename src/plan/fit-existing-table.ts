/**
 * Planning against an existing target table. Modes append and truncate keep the table as it is, so its
 * columns, not the source's, say what a value must be to load: Planning gives each target column the
 * existing column's type (length, precision and scale, range, allowed values) and NOT NULL, so that the
 * cast and Validation reject what cannot fit, with the reason, before it reaches the database; and
 * `jivs plan` shows the real target types.
 *
 * Where the sink itself converts a planned value for the column it finds, the planned type stays and
 * only the limits are taken: an integer into a narrower or wider integer column; arrays, timestamps with
 * a zone and UUIDs into a MySQL json, datetime or char(36) column (as the MySQL target writes them
 * anyway); any type into SQLite, which keeps every value whatever the column's declared type (its NOT
 * NULL still applies); any type into a column whose type has no portable mapping (the database decides,
 * and what it refuses is isolated by the loader). CHECK constraints, unique and foreign keys stay the
 * database's to enforce: the loader rejects the rows it refuses (see isolate-refused-rows.ts).
 */
import type { ColumnSchema, TableSchema } from '../connectors/connector.ts';
import { describeLogicalType, type LogicalType } from '../core/logical-type.ts';
import type { InputProblem } from '../core/errors.ts';
import type { EndpointSpec } from '../spec/spec-schema.ts';

/** A target table of the plan, as far as fitting it to the existing table goes. */
export interface PlannedTarget {
  name: string;
  /** The spec entry of the table (e.g. `tables[2]`), for problems; null without one. */
  specPath: string | null;
  /** Every column the migration writes (mapped and computed), in load order. */
  columns: ColumnSchema[];
}

/** The columns fitted to the existing table, what changed, and what cannot work. */
export interface ExistingTableFit {
  /** Position for position with {@link PlannedTarget.columns}. */
  columns: ColumnSchema[];
  notes: string[];
  problems: InputProblem[];
}

const INT32 = { min: -2147483648, max: 2147483647 };
const INTEGERS = new Set(['integer', 'bigint']);

/** The item named `name`: exactly, or else ignoring case where the target does (MySQL, SQLite). */
export function findByName<T extends { name: string }>(
  items: readonly T[],
  name: string,
  targetType: EndpointSpec['type'],
): T | undefined {
  const exact = items.find((i) => i.name === name);
  if (exact || targetType === 'postgres') return exact;
  const lower = name.toLowerCase();
  return items.find((i) => i.name.toLowerCase() === lower);
}

/** Plans `planned` against `existing` (see the module comment). */
export function fitToExistingTable(
  planned: PlannedTarget,
  existing: TableSchema,
  targetType: EndpointSpec['type'],
): ExistingTableFit {
  const problems: InputProblem[] = [];
  const changed: string[] = [];
  const columns = planned.columns.map((column) => {
    const found = findByName(existing.columns, column.name, targetType);
    if (!found) {
      problems.push({
        path: planned.specPath ?? `tables (${planned.name})`,
        message: `the existing target table "${existing.name}" has no column "${column.name}" (mode append and truncate keep the table as it is); add the column to the table, map the source column to one it has (columns.<name>.rename) or skip it, or choose mode create. Its columns: ${existing.columns.map((c) => c.name).join(', ')}.`,
      });
      return column;
    }
    const type = fittedType(column.type, found, targetType);
    const fitted: ColumnSchema = { ...column, type, nullable: found.nullable };
    const before = describeLogicalType(column.type);
    const after = describeLogicalType(type);
    if (before !== after) changed.push(`${column.name} ${after} (the migration gives ${before})`);
    if (column.nullable && !found.nullable) changed.push(`${column.name} NOT NULL`);
    return fitted;
  });
  const notes = changed.length
    ? [`planned against the existing target table, whose limits apply: ${changed.join(', ')}`]
    : [];
  for (const column of existing.columns) {
    const required =
      !column.nullable && column.defaultValue === null && !column.autoIncrement && !column.generated;
    if (required && !findByName(columns, column.name, targetType)) {
      notes.push(
        `the existing target column ${column.name} is NOT NULL, and this migration gives it no value: unless the table gives it a default, every row is refused; map a source column to it (columns.<name>.rename) or add a computed column.`,
      );
    }
  }
  return { columns, notes, problems };
}

/** The type a value must have to load into `existing` (see the module comment). */
function fittedType(
  planned: LogicalType,
  existing: ColumnSchema,
  targetType: EndpointSpec['type'],
): LogicalType {
  const actual = existing.type;
  if (targetType === 'sqlite' || existing.typeFallback) return planned;
  if (INTEGERS.has(planned.kind) && INTEGERS.has(actual.kind) && !planned.array && !actual.array) {
    // The wider kind casts every value the column can hold; the column's range rejects the rest.
    const kind = planned.kind === 'bigint' || actual.kind === 'bigint' ? 'bigint' : 'integer';
    const range =
      kind === 'bigint' && actual.kind === 'integer'
        ? { ...INT32, ...definedRange(actual) }
        : definedRange(actual);
    return { kind, ...range };
  }
  if (targetType === 'mysql' && writtenAsIs(planned, actual)) return planned;
  return actual;
}

function definedRange(type: LogicalType): { min?: number; max?: number } {
  return {
    ...(type.min !== undefined && { min: type.min }),
    ...(type.max !== undefined && { max: type.max }),
  };
}

/** Planned values the MySQL target converts for such a column itself (see mysql-types.ts). */
function writtenAsIs(planned: LogicalType, actual: LogicalType): boolean {
  if (planned.array) return !actual.array && (actual.kind === 'json' || actual.kind === 'text');
  if (planned.kind === 'timestamptz') return actual.kind === 'timestamp';
  if (planned.kind === 'uuid') return actual.kind === 'text' && (actual.length ?? 36) >= 36;
  return false;
}
