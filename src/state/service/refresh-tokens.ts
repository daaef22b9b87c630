/** Refresh tokens, stored by hash: issued at login, revoked when used, at logout, or for a whole user. */
import type { Kysely, Selectable } from 'kysely';
import type { StateDatabase } from '../database-types.ts';
import type { NewRefreshToken, RefreshToken } from '../service-types.ts';
import { withConflicts } from '../store-errors.ts';

type Db = Kysely<StateDatabase>;

/** Refresh tokens by hash, reached as `store.tokens`. */
export class RefreshTokenStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Stores a token; an unknown user (or a hash already stored) is a StoreConflictError. */
  async save(token: NewRefreshToken): Promise<RefreshToken> {
    const row = {
      token_hash: token.tokenHash,
      username: token.username,
      user_id: token.userId ?? null,
      expires_at: isoTime(token.expiresAt),
      revoked_at: null,
    };
    await withConflicts(
      { unique: 'the refresh token is already stored', reference: `there is no user "${token.username}"` },
      () => this.#db.insertInto('refresh_tokens').values(row).execute(),
    );
    return tokenFromRow(row);
  }

  /** The token with this hash, revoked or expired ones included (the caller decides); undefined if none. */
  async find(tokenHash: string): Promise<RefreshToken | undefined> {
    const row = await this.#db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && tokenFromRow(row);
  }

  /**
   * Revokes a token. True if this call revoked it; false if it was unknown or already revoked, so of
   * two requests refreshing with the same token only one wins (and the other can be treated as reuse).
   */
  async revoke(tokenHash: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('refresh_tokens')
      .set({ revoked_at: new Date().toISOString() })
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Revokes every token of a user that is not revoked yet; how many that were. */
  async revokeForUser(username: string): Promise<number> {
    const result = await this.#db
      .updateTable('refresh_tokens')
      .set({ revoked_at: new Date().toISOString() })
      .where('username', '=', username)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Forgets tokens that expired before `before` (housekeeping); how many. */
  async deleteExpired(before: Date | string = new Date()): Promise<number> {
    const result = await this.#db
      .deleteFrom('refresh_tokens')
      .where('expires_at', '<', isoTime(before))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** ISO 8601 in UTC, so times compare as text. */
function isoTime(time: Date | string): string {
  const date = typeof time === 'string' ? new Date(time) : time;
  if (Number.isNaN(date.getTime())) throw new TypeError(`not a time: ${String(time)}`);
  return date.toISOString();
}

function tokenFromRow(row: Selectable<StateDatabase['refresh_tokens']>): RefreshToken {
  return {
    tokenHash: row.token_hash,
    username: row.username,
    userId: row.user_id,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}
