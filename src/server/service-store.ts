/**
 * What the service needs of the control-plane store. The service depends on this small structural
 * interface, not on the store's class, so its routes can be read (and tested) against it alone;
 * `StateStore` satisfies it (checked in app.ts).
 */
import type { QuarantineStore } from '../state/quarantine-store.ts';
import type { PartitionProgress, PhaseTiming, RunRecord, RunStatus } from '../state/run-types.ts';
import type { AuditLog } from '../state/service/audit-log.ts';
import type { MigrationDefinitionStore } from '../state/service/migration-definitions.ts';
import type { RefreshTokenStore } from '../state/service/refresh-tokens.ts';
import type { UserStore } from '../state/service/users.ts';

/** A run as the store lists it, with the migration definition it was started from (if any). */
export type StoredRun = RunRecord & { migrationId?: string | null };

/** The store operations the HTTP service uses. */
export interface ServiceStore {
  users: Pick<UserStore, 'create' | 'get' | 'list' | 'update' | 'delete' | 'count'>;
  tokens: Pick<RefreshTokenStore, 'save' | 'find' | 'revoke' | 'revokeForUser'>;
  audit: Pick<AuditLog, 'append' | 'list'>;
  migrations: Pick<MigrationDefinitionStore, 'create' | 'get' | 'list' | 'update' | 'delete'>;

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
