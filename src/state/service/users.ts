/** The service's users: one row each, keyed by username. */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { StateDatabase } from '../database-types.ts';
import type { NewUser, User, UserChanges, UserRole } from '../service-types.ts';
import { StoreConflictError, withConflicts } from '../store-errors.ts';

type Db = Kysely<StateDatabase>;

/** The service's users, reached as `store.users`. */
export class UserStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Adds a user under a new random id; a username taken already, in any case (`ADMIN` when `admin`
   * exists), is a StoreConflictError.
   */
  async create(user: NewUser): Promise<User> {
    const now = new Date().toISOString();
    const row = {
      id: randomUUID(),
      username: user.username,
      password_hash: user.passwordHash,
      role: user.role,
      disabled: user.disabled ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    try {
      await withConflicts({ unique: `a user named "${user.username}" already exists` }, () =>
        this.#db.insertInto('users').values(row).execute(),
      );
    } catch (error) {
      const taken = error instanceof StoreConflictError && (await this.getIgnoringCase(user.username));
      if (taken && taken.username !== user.username) {
        throw new StoreConflictError(
          'unique',
          `the user name "${user.username}" is taken by "${taken.username}": user names are unique regardless of case; choose another name.`,
          { cause: error },
        );
      }
      throw error;
    }
    return userFromRow(row);
  }

  /** The user of that name (exactly), or undefined. */
  async get(username: string): Promise<User | undefined> {
    const row = await this.#db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    return row && userFromRow(row);
  }

  /** The user whose name equals `username` ignoring case (names are unique that way), or undefined. */
  async getIgnoringCase(username: string): Promise<User | undefined> {
    const row = await this.#db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
      .executeTakeFirst();
    return row && userFromRow(row);
  }

  /** Every user, by username. */
  async list(): Promise<User[]> {
    const rows = await this.#db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(userFromRow);
  }

  /** Changes the given fields; the updated user, or undefined if there is none of that name. */
  async update(username: string, changes: UserChanges): Promise<User | undefined> {
    const row = await this.#db
      .updateTable('users')
      .set({
        updated_at: new Date().toISOString(),
        ...(changes.role !== undefined && { role: changes.role }),
        ...(changes.passwordHash !== undefined && { password_hash: changes.passwordHash }),
        ...(changes.disabled !== undefined && { disabled: changes.disabled ? 1 : 0 }),
      })
      .where('username', '=', username)
      .returningAll()
      .executeTakeFirst();
    return row && userFromRow(row);
  }

  /** Removes a user and its refresh tokens; false if there was none of that name. */
  async delete(username: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('users').where('username', '=', username).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** How many users there are, or how many of a role, enabled or disabled. */
  async count(filter: { role?: UserRole; disabled?: boolean } = {}): Promise<number> {
    const row = await this.#db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .$if(filter.role !== undefined, (q) => q.where('role', '=', filter.role!))
      .$if(filter.disabled !== undefined, (q) => q.where('disabled', '=', filter.disabled ? 1 : 0))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

function userFromRow(row: Selectable<StateDatabase['users']>): User {
  return {
    id: row.id ?? '',
    username: row.username,
    passwordHash: row.password_hash,
    role: row.role as UserRole,
    disabled: Boolean(row.disabled),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
