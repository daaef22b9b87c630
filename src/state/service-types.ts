/**
 * Domain types of what the HTTP service keeps in the control-plane store: users, refresh tokens, the
 * audit log and stored migration definitions (row types live in database-types.ts).
 */

export const USER_ROLES = ['admin', 'engineer', 'viewer', 'auditor'] as const;

/** A user's role; what each may do is the service's business (src/server). */
export type UserRole = (typeof USER_ROLES)[number];

export interface User {
  /**
   * Random and never reused: a user deleted and created again under the same name has a new id, so
   * tokens (which carry it) of the old one stay invalid.
   */
  id: string;
  username: string;
  /** The password hash as the service made it (algorithm and salt included); never the password. */
  passwordHash: string;
  role: UserRole;
  /** A disabled user can neither log in nor refresh a token. */
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface NewUser {
  username: string;
  passwordHash: string;
  role: UserRole;
  /** False unless given. */
  disabled?: boolean;
}

/** The fields {@link User} can change; those left out stay as they are. */
export interface UserChanges {
  role?: UserRole;
  passwordHash?: string;
  disabled?: boolean;
}

export interface RefreshToken {
  /** A hash of the token (the token itself is never stored). */
  tokenHash: string;
  username: string;
  /** The {@link User.id} it was issued to (null for a token stored without one). */
  userId: string | null;
  /** ISO 8601. */
  expiresAt: string;
  /** ISO 8601, or null while the token is usable. */
  revokedAt: string | null;
}

export interface NewRefreshToken {
  tokenHash: string;
  username: string;
  /** The {@link User.id} it is issued to; a token without one is refused at refresh. */
  userId?: string;
  /** When it stops being accepted: a Date, or ISO 8601 text. */
  expiresAt: Date | string;
}

/** `denied`: refused by authentication or role; `failed`: allowed, but the action did not succeed. */
export type AuditOutcome = 'ok' | 'denied' | 'failed';

/** One line of the append-only audit log. */
export interface AuditEntry {
  id: number;
  /** ISO 8601, set by the store. */
  at: string;
  /** The user, or null when nobody is authenticated (a failed login). */
  actor: string | null;
  /** What was attempted, e.g. `login`, `migration.create`, `run.start`. */
  action: string;
  /** What it was done to (a username, migration id, run id), if anything. */
  target: string | null;
  outcome: AuditOutcome;
  /** Extra facts as JSON (never secrets), or null. */
  detail: unknown;
  ip: string | null;
}

export interface NewAuditEntry {
  actor: string | null;
  action: string;
  target?: string | null;
  outcome: AuditOutcome;
  detail?: unknown;
  ip?: string | null;
}

/** Which audit entries to read, newest first; `beforeId` pages on from the last id of a page. */
export interface AuditQuery {
  /** At most this many (default 100). */
  limit?: number;
  /** Only entries older than this id. */
  beforeId?: number;
  /** Only this user's entries; null: only anonymous ones. */
  actor?: string | null;
  action?: string;
  outcome?: AuditOutcome;
}

/** A migration defined through the service: a spec kept under a unique name. */
export interface MigrationDefinition {
  id: string;
  name: string;
  /** The spec, with its connection secrets already encrypted by the service. */
  spec: unknown;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface NewMigrationDefinition {
  id: string;
  name: string;
  spec: unknown;
  createdBy: string;
}

export interface MigrationDefinitionChanges {
  name?: string;
  spec?: unknown;
}
