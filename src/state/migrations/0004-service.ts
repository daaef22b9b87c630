import { sql, type Kysely, type Migration } from 'kysely';
import type { ColumnTypes } from './column-types.ts';

/**
 * What the HTTP service keeps: users with their role, refresh tokens, an append-only audit log
 * (triggers refuse UPDATE and DELETE, and TRUNCATE on PostgreSQL), migration definitions under unique
 * names, and the definition a run was started from (`runs.migration_id`, cleared when it is deleted).
 */
export const service = (types: ColumnTypes): Migration => ({
  async up(db: Kysely<unknown>) {
    const postgres = types.backend === 'postgres';
    await db.schema
      .createTable('users')
      .addColumn('username', 'text', (c) => c.primaryKey())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) =>
        c.notNull().check(sql`role in ('admin', 'engineer', 'viewer', 'auditor')`),
      )
      .addColumn('disabled', types.flag, (c) =>
        postgres
          ? c.notNull().defaultTo(false)
          : c
              .notNull()
              .defaultTo(0)
              .check(sql`disabled in (0, 1)`),
      )
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('refresh_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().references('users.username').onDelete('cascade'))
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('refresh_tokens_username').on('refresh_tokens').column('username').execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', types.count, types.generatedId)
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('ok', 'denied', 'failed')`))
      .addColumn('detail_json', 'text')
      .addColumn('ip', 'text')
      .execute();
    await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor', 'id']).execute();
    await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'id']).execute();
    if (postgres) {
      await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP; END $$`.execute(db);
      await sql`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`.execute(db);
    } else {
      for (const operation of ['UPDATE', 'DELETE']) {
        await sql`CREATE TRIGGER ${sql.id(`audit_log_no_${operation.toLowerCase()}`)} BEFORE ${sql.raw(operation)}
          ON audit_log BEGIN SELECT RAISE(ABORT, ${sql.lit(`audit_log is append-only: ${operation} is not allowed`)}); END`.execute(
          db,
        );
      }
    }

    await db.schema
      .createTable('migrations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('spec_json', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .alterTable('runs')
      .addColumn('migration_id', 'text', (c) => c.references('migrations.id').onDelete('set null'))
      .execute();
    await db.schema
      .createIndex('runs_migration')
      .on('runs')
      .columns(['migration_id', 'started_at'])
      .execute();
  },
  // Not used by JiVS (stores only move forward). SQLite refuses to drop a referencing column, so there
  // it fails before dropping anything, rather than leave runs referring to a dropped table.
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('runs_migration').execute();
    await db.schema.alterTable('runs').dropColumn('migration_id').execute();
    for (const table of ['migrations', 'audit_log', 'refresh_tokens', 'users'])
      await db.schema.dropTable(table).execute();
    if (types.backend === 'postgres') await sql`DROP FUNCTION audit_log_append_only()`.execute(db);
  },
});
