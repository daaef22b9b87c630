/** Migration definitions kept by the service: a spec under a unique name, runs link to them. */
import type { Kysely, Selectable } from 'kysely';
import type { StateDatabase } from '../database-types.ts';
import type {
  MigrationDefinition,
  MigrationDefinitionChanges,
  NewMigrationDefinition,
} from '../service-types.ts';
import { toJson } from '../../core/json-values.ts';
import { withConflicts } from '../store-errors.ts';

type Db = Kysely<StateDatabase>;

/** Migration definitions, reached as `store.migrations`. */
export class MigrationDefinitionStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Stores a definition; a taken id or name is a StoreConflictError. */
  async create(migration: NewMigrationDefinition): Promise<MigrationDefinition> {
    const now = new Date().toISOString();
    const row = {
      id: migration.id,
      name: migration.name,
      spec_json: specJson(migration.spec),
      created_by: migration.createdBy,
      created_at: now,
      updated_at: now,
    };
    const unique = (column: string | undefined) =>
      column === 'id'
        ? `a migration with the id "${migration.id}" already exists`
        : `a migration named "${migration.name}" already exists`;
    await withConflicts({ unique }, () => this.#db.insertInto('migrations').values(row).execute());
    return definitionFromRow(row);
  }

  /** The definition with this id, or undefined. */
  async get(id: string): Promise<MigrationDefinition | undefined> {
    const row = await this.#db.selectFrom('migrations').selectAll().where('id', '=', id).executeTakeFirst();
    return row && definitionFromRow(row);
  }

  /** Every definition, by name. */
  async list(): Promise<MigrationDefinition[]> {
    const rows = await this.#db.selectFrom('migrations').selectAll().orderBy('name').execute();
    return rows.map(definitionFromRow);
  }

  /** Renames it or replaces its spec; the updated definition, or undefined if there is none. */
  async update(id: string, changes: MigrationDefinitionChanges): Promise<MigrationDefinition | undefined> {
    const row = await withConflicts({ unique: `a migration named "${changes.name}" already exists` }, () =>
      this.#db
        .updateTable('migrations')
        .set({
          updated_at: new Date().toISOString(),
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.spec !== undefined && { spec_json: specJson(changes.spec) }),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    );
    return row && definitionFromRow(row);
  }

  /** Removes a definition (its runs stay, no longer linked to it); false if there was none. */
  async delete(id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('migrations').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}

/** The spec as JSON text (bigint as decimal text, as everywhere in the store). */
function specJson(spec: unknown): string {
  return toJson(spec) ?? 'null';
}

function definitionFromRow(row: Selectable<StateDatabase['migrations']>): MigrationDefinition {
  return {
    id: row.id,
    name: row.name,
    spec: JSON.parse(row.spec_json),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
