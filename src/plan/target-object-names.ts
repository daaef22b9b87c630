/**
 * Final names for the indexes and foreign keys of the target tables. A source name is kept when it
 * fits the target's identifier rules and is unique where the target needs it to be: PostgreSQL index
 * names share one namespace with the tables of the schema (and constraint names must differ within a
 * table), MySQL foreign-key names are unique per database, SQLite index names share the database's
 * namespace with its tables. Otherwise the name is derived (table name first, then a number), and the
 * table's plan notes the change. Every phase and `jivs plan --ddl` then use these names.
 */
import type { ForeignKeySchema, IndexSchema } from '../connectors/connector.ts';
import { targetIdentifier } from './open-connectors.ts';
import type { EndpointSpec } from '../spec/spec-schema.ts';
import type { TablePlan } from './plan-types.ts';

/** Where names of one kind must be unique: the whole schema, each table, or nowhere. */
type Scope = 'schema' | 'table' | 'none';

interface NameRules {
  indexes: Scope;
  /** Index names also must not equal a table's name (PostgreSQL relations, SQLite schema objects). */
  indexesBesideTables: boolean;
  /** The name of the primary key's index, which PostgreSQL reserves for the table. */
  primaryKeyIndex?: (table: string) => string;
  foreignKeys: Scope;
  /** Foreign-key names must also differ from the table's unique constraints (PostgreSQL). */
  foreignKeysBesideUnique: boolean;
}

const RULES: Partial<Record<EndpointSpec['type'], NameRules>> = {
  postgres: {
    indexes: 'schema',
    indexesBesideTables: true,
    primaryKeyIndex: (table) => `${table}_pkey`,
    foreignKeys: 'table',
    foreignKeysBesideUnique: true,
  },
  mysql: {
    indexes: 'table',
    indexesBesideTables: false,
    foreignKeys: 'schema',
    foreignKeysBesideUnique: false,
  },
  sqlite: {
    indexes: 'schema',
    indexesBesideTables: true,
    foreignKeys: 'none',
    foreignKeysBesideUnique: false,
  },
};

/** Names taken so far, compared without case (MySQL and SQLite names are case-insensitive). */
class Taken {
  private readonly names = new Set<string>();
  has(name: string): boolean {
    return this.names.has(name.toLowerCase());
  }
  add(name: string): void {
    this.names.add(name.toLowerCase());
  }
}

/** The first candidate that no namespace has taken. */
function firstFree(candidates: string[], spaces: Taken[]): string {
  for (const candidate of candidates) {
    if (!spaces.some((space) => space.has(candidate))) return candidate;
  }
  throw new Error(`no free name among ${candidates.slice(0, 2).join(', ')}, …`);
}

/** The name itself, then `table_name`, then numbered variants, each fitted to the target. */
function candidates(fit: (name: string) => string, table: string, name: string, derived: string): string[] {
  const list = [fit(name), fit(derived), fit(`${table}_${name}`)];
  for (let n = 2; n < 1000; n++) list.push(fit(`${derived}_${n}`));
  return [...new Set(list)];
}

/**
 * Gives each target index, full-text index and foreign key its final name, in load order (so the same
 * plan names them the same way every time), and notes every name that is not the source's.
 */
export function assignTargetObjectNames(targetType: EndpointSpec['type'], tables: TablePlan[]): void {
  const rules = RULES[targetType];
  if (!rules) return;
  const fit = targetIdentifier(targetType);
  const schemaIndexes = new Taken();
  const schemaForeignKeys = new Taken();
  if (rules.indexesBesideTables) for (const table of tables) schemaIndexes.add(table.target.name);
  if (rules.primaryKeyIndex) {
    for (const table of tables) {
      if (table.target.primaryKey.length) schemaIndexes.add(fit(rules.primaryKeyIndex(table.target.name)));
    }
  }
  for (const table of tables) {
    const target = table.target;
    const tableIndexes = new Taken();
    const constraints = new Taken();
    if (rules.primaryKeyIndex) constraints.add(fit(rules.primaryKeyIndex(target.name)));
    const indexSpaces = rules.indexes === 'schema' ? [schemaIndexes] : [tableIndexes];
    const rename = (index: IndexSchema, kind: string): IndexSchema => {
      const name = firstFree(candidates(fit, target.name, index.name, `${target.name}_${index.name}`), [
        ...indexSpaces,
        ...(index.unique ? [constraints] : []),
      ]);
      indexSpaces.forEach((space) => space.add(name));
      if (index.unique) constraints.add(name);
      if (name !== index.name) {
        table.notes.push(`${kind} ${index.name} is named ${name} in the target: its name is taken there.`);
      }
      return { ...index, name };
    };
    target.indexes = target.indexes.map((index) => rename(index, 'index'));
    if (target.fullTextIndexes) {
      target.fullTextIndexes = target.fullTextIndexes.map((index) => rename(index, 'full-text index'));
    }
    if (rules.foreignKeys === 'none') continue;
    const keySpaces = [
      rules.foreignKeys === 'schema' ? schemaForeignKeys : new Taken(),
      ...(rules.foreignKeysBesideUnique ? [constraints] : []),
    ];
    const tableKeys = keySpaces[0]!;
    target.foreignKeys = target.foreignKeys.map((fk): ForeignKeySchema => {
      const derived = `fk_${target.name}_${fk.columns.join('_')}`;
      const name = firstFree(candidates(fit, target.name, fk.name, derived), keySpaces);
      tableKeys.add(name);
      constraints.add(name);
      if (name !== fk.name) {
        table.notes.push(`foreign key ${fk.name} is named ${name} in the target: its name is taken there.`);
      }
      return { ...fk, name };
    });
  }
}
