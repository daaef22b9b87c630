/**
 * What the service needs of the control-plane store. The service depends on this small structural
 * interface, not on the store's class, so its routes can be read (and tested) against it alone;
 * `StateStore` satisfies it (checked in app.ts).
 */
import type { QuarantineStore } from '../state/quarantine-store.ts';
import type { PartitionProgress, PhaseTiming, RunRecord, RunStatus } from '../state/run-types.ts';
import type {
  AuditEntry,
  AuditQuery,
  MigrationDefinition,
  MigrationDefinitionChanges,
  NewAuditEntry,
  NewMigrationDefinition,
  NewRefreshToken,
  NewUser,
  RefreshToken,
  User,
  UserChanges,
} from '../state/service-types.ts';

/** A run as the store lists it, with the migration definition it was started from (if any). */
export type StoredRun = RunRecord & { migrationId?: string | null };

/** The store operations the HTTP service uses. */
export interface ServiceStore {
  createUser(user: NewUser): Promise<unknown>;
  getUser(username: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  updateUser(username: string, changes: UserChanges): Promise<unknown>;
  deleteUser(username: string): Promise<unknown>;
  countUsers(): Promise<number>;

  saveRefreshToken(token: NewRefreshToken): Promise<unknown>;
  findRefreshToken(tokenHash: string): Promise<RefreshToken | undefined>;
  revokeRefreshToken(tokenHash: string): Promise<unknown>;
  revokeUserTokens(username: string): Promise<unknown>;

  appendAudit(entry: NewAuditEntry): Promise<unknown>;
  listAudit(query?: AuditQuery): Promise<AuditEntry[]>;

  createMigration(migration: NewMigrationDefinition): Promise<unknown>;
  getMigration(id: string): Promise<MigrationDefinition | undefined>;
  listMigrations(): Promise<MigrationDefinition[]>;
  updateMigration(id: string, changes: MigrationDefinitionChanges): Promise<unknown>;
  deleteMigration(id: string): Promise<unknown>;

  getRun(id: string): Promise<(StoredRun & { report: unknown }) | undefined>;
  listRuns(options?: { limit?: number; migrationId?: string }): Promise<StoredRun[]>;
  phases(runId: string): Promise<PhaseTiming[]>;
  partitions(runId: string): Promise<PartitionProgress[]>;
  /** Asks the process executing a run elsewhere (the CLI, another instance) to pause it. */
  requestControl(id: string, request: 'pause'): Promise<void>;
  finishRun(id: string, status: RunStatus, error: string | null, report: unknown): Promise<void>;
  /** The rejected rows: read only. */
  quarantine: Pick<QuarantineStore, 'list' | 'count' | 'pages'>;
  close(): Promise<void>;
}
