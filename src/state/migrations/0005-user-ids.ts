import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';
import type { ColumnTypes } from './column-types.ts';

/**
 * A user id that a re-created user of the same name does not share: tokens carry it, so a token of a
 * deleted user stays dead when the name is taken again. Existing users get a random id; refresh tokens
 * record the id of the user they were issued to. (SQLite cannot add a NOT NULL column without a
 * default: there the store always writes the id, and a missing one matches no token.)
 */
export const userIds = (types: ColumnTypes): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('id', 'text').execute();
    const users = await sql<{ username: string }>`SELECT username FROM users`.execute(db);
    for (const { username } of users.rows) {
      await sql`UPDATE users SET id = ${randomUUID()} WHERE username = ${username}`.execute(db);
    }
    if (types.backend === 'postgres') {
      await sql`ALTER TABLE users ALTER COLUMN id SET NOT NULL`.execute(db);
    }
    await db.schema.createIndex('users_id').on('users').column('id').unique().execute();

    await db.schema.alterTable('refresh_tokens').addColumn('user_id', 'text').execute();
    await sql`UPDATE refresh_tokens
      SET user_id = (SELECT id FROM users WHERE users.username = refresh_tokens.username)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('refresh_tokens').dropColumn('user_id').execute();
    await db.schema.dropIndex('users_id').execute();
    await db.schema.alterTable('users').dropColumn('id').execute();
  },
});
