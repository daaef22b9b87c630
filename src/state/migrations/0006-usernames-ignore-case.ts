import { sql, type Kysely, type Migration } from 'kysely';

/**
 * User names are unique regardless of case (`ADMIN` cannot sit next to `admin`): a unique index on
 * lower(username). A store that already holds such names is not changed: the migration fails and says
 * which names to delete or rename, rather than drop a user silently.
 */
export const usernamesIgnoreCase = (): Migration => ({
  async up(db: Kysely<unknown>) {
    const clashes = await sql<{ username: string; folded: string }>`
      SELECT username, lower(username) AS folded FROM users
      WHERE lower(username) IN (SELECT lower(username) FROM users GROUP BY lower(username) HAVING count(*) > 1)
      ORDER BY lower(username), username`.execute(db);
    if (clashes.rows.length > 0) {
      const groups = new Map<string, string[]>();
      for (const { username, folded } of clashes.rows)
        groups.set(folded, [...(groups.get(folded) ?? []), username]);
      const listed = [...groups.values()].map((names) => names.join(' / ')).join('; ');
      throw new Error(
        `user names must now be unique regardless of case, and these differ only in case: ${listed}. ` +
          'Keep one of each group: delete the others with the JiVS Migrate version that wrote this store ' +
          '(DELETE /api/v1/users/<name>), or in the users table; then start again',
      );
    }
    await db.schema
      .createIndex('users_username_ignore_case')
      .on('users')
      .unique()
      .expression(sql`lower(username)`)
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('users_username_ignore_case').execute();
  },
});
