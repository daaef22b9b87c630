/** Refresh tokens: 32 random bytes for the client; only their SHA-256 is stored. */
import { createHash, randomBytes } from 'node:crypto';

/** A new refresh token (base64url) and the hash to store for it. */
export function newRefreshToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashRefreshToken(token) };
}

/**
 * The stored form of a refresh token. A fast hash suffices: the token is 256 random bits, so there is
 * nothing to guess, and the store never holds a usable token.
 */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
