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

/** Stores a definition; a taken id or name is a StoreConflictError. */
export async function createMigration(
  db: Db,
  migration: NewMigrationDefinition,
): Promise<MigrationDefinition> {
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
  await withConflicts({ unique }, () => db.insertInto('migrations').values(row).execute());
  return definitionFromRow(row);
}

export async function getMigration(db: Db, id: string): Promise<MigrationDefinition | undefined> {
  const row = await db.selectFrom('migrations').selectAll().where('id', '=', id).executeTakeFirst();
  return row && definitionFromRow(row);
}

/** Every definition, by name. */
export async function listMigrations(db: Db): Promise<MigrationDefinition[]> {
  const rows = await db.selectFrom('migrations').selectAll().orderBy('name').execute();
  return rows.map(definitionFromRow);
}

/** Renames it or replaces its spec; the updated definition, or undefined if there is none. */
export async function updateMigration(
  db: Db,
  id: string,
  changes: MigrationDefinitionChanges,
): Promise<MigrationDefinition | undefined> {
  const row = await withConflicts({ unique: `a migration named "${changes.name}" already exists` }, () =>
    db
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
export async function deleteMigration(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('migrations').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
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
