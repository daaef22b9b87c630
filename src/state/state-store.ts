/**
 * The control-plane store: runs, phase timings and per-partition progress here; the reject quarantine
 * (`store.quarantine`) and what the HTTP service keeps (`store.users`, `store.tokens`, `store.audit`,
 * `store.migrations`) in modules of their own. In an embedded SQLite file by default, or in a
 * PostgreSQL schema (the same Kysely queries on both). The engine sees it only as a `RunStore`.
 */
import { Migrator, type Kysely, type Selectable } from 'kysely';
import type { StateDatabase } from './database-types.ts';
import type { StoreBackend } from './migrations/column-types.ts';
import { stateMigrations } from './migrations/index.ts';
import type { OpenedStore } from './opened-store.ts';
import type { RunStore } from './run-store.ts';
import { openPostgresStore } from './postgres/open-postgres-store.ts';
import { openSqliteStore } from './sqlite/open-sqlite-store.ts';
import { parseStoreLocation } from './store-location.ts';
import { withConflicts } from './store-errors.ts';
import { QuarantineStore } from './quarantine-store.ts';
import type { PartitionProgress, PhaseTiming, RunControl, RunRecord, RunStatus } from './run-types.ts';
import { toJson } from '../core/json-values.ts';
import { AuditLog } from './service/audit-log.ts';
import { MigrationDefinitionStore } from './service/migration-definitions.ts';
import { RefreshTokenStore } from './service/refresh-tokens.ts';
import { UserStore } from './service/users.ts';

/** Which runs to list, newest first. */
export interface RunQuery {
  /** At most this many (default 20). */
  limit?: number;
  /** Only runs started from this migration definition. */
  migrationId?: string;
}

export class StateStore implements RunStore {
  readonly db: Kysely<StateDatabase>;
  /** Private, so that inspecting or logging the store never shows a URL's password. */
  readonly #location: string;
  readonly backend: StoreBackend;
  /** How messages name the store: the file path, or `postgres user@host:port/db` (never a password). */
  readonly description: string;
  /** The SQLite file, or `:memory:`; null for a PostgreSQL store. */
  readonly path: string | null;
  /**
   * The directory of the SQLite file, where files that belong with the store (key indexes) go; null
   * for an in-memory or PostgreSQL store.
   */
  readonly localDir: string | null;
  /** The schema of a PostgreSQL store; null for SQLite. */
  readonly schema: string | null;
  /** The rejected rows of every run, with their reasons. */
  readonly quarantine: QuarantineStore;
  /** The service's users. */
  readonly users: UserStore;
  /** The service's refresh tokens. */
  readonly tokens: RefreshTokenStore;
  /** The service's audit log: append and read only. */
  readonly audit: AuditLog;
  /** The service's migration definitions (specs stored to start runs from). */
  readonly migrations: MigrationDefinitionStore;

  private constructor(location: string, opened: OpenedStore) {
    this.#location = location;
    this.db = opened.db;
    this.backend = opened.backend;
    this.description = opened.description;
    this.path = opened.path;
    this.localDir = opened.localDir;
    this.schema = opened.schema;
    this.quarantine = new QuarantineStore(opened.db);
    this.users = new UserStore(opened.db);
    this.tokens = new RefreshTokenStore(opened.db);
    this.audit = new AuditLog(opened.db);
    this.migrations = new MigrationDefinitionStore(opened.db);
  }

  /**
   * The location the store was opened with, for another process to open it too: the SQLite path or
   * the PostgreSQL URL. A URL may hold a password: never print it (use {@link description}).
   */
  get location(): string {
    return this.#location;
  }

  /**
   * Opens (creating if needed) the store at `location` and brings its schema up to date: a
   * `postgres://` or `postgresql://` URL is a PostgreSQL database (`?schema=name` selects the schema,
   * default `public`, created if missing); anything else is a SQLite file path, or `:memory:`.
   * Refuses a store written by a newer JiVS (it holds migrations this version does not know). Errors
   * never repeat a PostgreSQL URL (it may hold a password).
   */
  static async open(location: string): Promise<StateStore> {
    const parsed = parseStoreLocation(location);
    const opened =
      parsed.backend === 'postgres' ? await openPostgresStore(parsed) : await openSqliteStore(parsed.path);
    const migrator = new Migrator({
      db: opened.db,
      provider: { getMigrations: async () => stateMigrations(opened.backend) },
      // Kysely's own tables go to the store's schema too (its default lock, a PostgreSQL advisory
      // lock, lets concurrent openers wait for each other).
      ...(opened.schema !== null && { migrationTableSchema: opened.schema }),
    });
    let { error } = await migrator.migrateToLatest();
    // Kysely's Migrator lists the tables of every schema; one dropped meanwhile by someone else fails
    // that listing ("schema … does not exist", "relation other.t does not exist"), which says nothing
    // about this store: try again.
    for (let retry = 0; retry < 5 && error && droppedElsewhere(error, opened.schema); retry++) {
      ({ error } = await migrator.migrateToLatest());
    }
    if (error) {
      await opened.db.destroy();
      const message = (error as Error).message;
      // Kysely: "corrupted migrations: previously executed migration 9999-x is missing" (or out of order).
      const newer = message.startsWith('corrupted migrations')
        ? ` It may have been written by a newer JiVS Migrate; upgrade, or ${opened.elsewhere}.`
        : '';
      throw new Error(`the state store ${opened.description} cannot be used: ${message}.${newer}`);
    }
    return new StateStore(location, opened);
  }

  /**
   * Records a new run; `run.migrationId` links it to the definition it was started from. A taken id or
   * an unknown migration id is a StoreConflictError.
   */
  async createRun(run: RunRecord): Promise<void> {
    const messages = {
      unique: `a run with the id "${run.id}" already exists`,
      reference: `there is no migration "${run.migrationId}"`,
    };
    await withConflicts(messages, () =>
      this.db
        .insertInto('runs')
        .values({
          id: run.id,
          spec_name: run.specName,
          spec_file: run.specFile,
          spec_hash: run.specHash,
          status: run.status,
          started_at: run.startedAt,
          finished_at: run.finishedAt,
          error: run.error,
          report_json: null,
          owner: run.owner,
          attempt: run.attempt,
          migration_id: run.migrationId ?? null,
        })
        .execute(),
    );
  }

  /**
   * Takes over a run for a resume: `owner` executes it now, its attempt goes up by one, its status is
   * running again and any pending control request is dropped. Returns the new attempt number.
   */
  async claimRun(id: string, owner: string): Promise<number> {
    const row = await this.db
      .updateTable('runs')
      .set((eb) => ({
        owner,
        attempt: eb('attempt', '+', 1),
        status: 'running',
        finished_at: null,
        error: null,
        control: null,
      }))
      .where('id', '=', id)
      .returning('attempt')
      .executeTakeFirstOrThrow();
    return row.attempt;
  }

  /**
   * Records that the target tables are prepared, with the rows each held before (append mode); null
   * forgets it (a rolled-back run), so a resume would prepare them again.
   */
  async setPrepared(id: string, rowsBefore: ReadonlyMap<string, number> | null): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ prepared_json: rowsBefore && JSON.stringify(Object.fromEntries(rowsBefore)) })
      .where('id', '=', id)
      .execute();
  }

  /** The rows per target table before the run loaded any, or null if the tables were never prepared. */
  async preparedTables(id: string): Promise<Map<string, number> | null> {
    const row = await this.db
      .selectFrom('runs')
      .select('prepared_json')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row?.prepared_json) return null;
    return new Map(Object.entries(JSON.parse(row.prepared_json) as Record<string, number>));
  }

  /** Asks the process executing a run to stop at its next batch boundary (`jivs pause`). */
  async requestControl(id: string, request: RunControl): Promise<void> {
    await this.db.updateTable('runs').set({ control: request }).where('id', '=', id).execute();
  }

  /** The pending control request of a run, if any. */
  async controlOf(id: string): Promise<RunControl | null> {
    const row = await this.db.selectFrom('runs').select('control').where('id', '=', id).executeTakeFirst();
    return (row?.control as RunControl | null | undefined) ?? null;
  }

  /** The newest run of a spec (by its hash) that did not succeed, for `jivs migrate` to offer a resume. */
  async latestUnfinishedRun(specHash: string): Promise<RunRecord | undefined> {
    const row = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('spec_hash', '=', specHash)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && row.status !== 'succeeded' ? runFromRow(row) : undefined;
  }

  async finishRun(id: string, status: RunStatus, error: string | null, report: unknown): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ status, error, finished_at: new Date().toISOString(), report_json: toJson(report) })
      .where('id', '=', id)
      .execute();
  }

  async recordPhase(runId: string, timing: PhaseTiming): Promise<void> {
    const row = {
      run_id: runId,
      phase: timing.phase,
      started_at: timing.startedAt,
      finished_at: timing.finishedAt,
      duration_ms: timing.durationMs,
      busy_ms: timing.busyMs,
    };
    await this.db
      .insertInto('phase_timings')
      .values(row)
      .onConflict((c) => c.columns(['run_id', 'phase']).doUpdateSet(row))
      .execute();
  }

  async savePartition(runId: string, progress: PartitionProgress): Promise<void> {
    const row = {
      run_id: runId,
      table_name: progress.table,
      partition_index: progress.index,
      bounds_json: JSON.stringify(progress.bounds),
      status: progress.status,
      extracted: progress.extracted,
      loaded: progress.loaded,
      rejected: progress.rejected,
      filtered: progress.filtered,
      updated_at: new Date().toISOString(),
      owner: progress.owner ?? null,
      attempt: progress.attempt ?? 0,
    };
    await this.db
      .insertInto('partitions')
      .values(row)
      .onConflict((c) => c.columns(['run_id', 'table_name', 'partition_index']).doUpdateSet(row))
      .execute();
  }

  /** Replaces the stored report of a run (after a replay moved rows from rejected to loaded). */
  async updateReport(id: string, report: unknown): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ report_json: toJson(report) })
      .where('id', '=', id)
      .execute();
  }

  async getRun(id: string): Promise<(RunRecord & { report: unknown }) | undefined> {
    const row = await this.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    return (
      row && { ...runFromRow(row), report: row.report_json === null ? null : JSON.parse(row.report_json) }
    );
  }

  /** The newest runs first: `listRuns(5)` or `listRuns({ limit: 5, migrationId })`. */
  async listRuns(query: RunQuery | number = {}): Promise<RunRecord[]> {
    const { limit = 20, migrationId } = typeof query === 'number' ? { limit: query } : query;
    const rows = await this.db
      .selectFrom('runs')
      .selectAll()
      .$if(migrationId !== undefined, (q) => q.where('migration_id', '=', migrationId!))
      .orderBy('started_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(runFromRow);
  }

  async phases(runId: string): Promise<PhaseTiming[]> {
    const rows = await this.db.selectFrom('phase_timings').selectAll().where('run_id', '=', runId).execute();
    return rows.map((r) => ({
      phase: r.phase as PhaseTiming['phase'],
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      durationMs: r.duration_ms,
      busyMs: r.busy_ms,
    }));
  }

  async partitions(runId: string): Promise<PartitionProgress[]> {
    const rows = await this.db
      .selectFrom('partitions')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('table_name')
      .orderBy('partition_index')
      .execute();
    return rows.map((r) => ({
      table: r.table_name,
      index: r.partition_index,
      bounds: JSON.parse(r.bounds_json),
      status: r.status as PartitionProgress['status'],
      extracted: r.extracted,
      loaded: r.loaded,
      rejected: r.rejected,
      filtered: r.filtered,
      owner: r.owner,
      attempt: r.attempt,
    }));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/** The error names a schema other than the store's as missing: another client dropped it meanwhile. */
function droppedElsewhere(error: unknown, schema: string | null): boolean {
  const message = (error as Error).message ?? '';
  // A whole schema, or one of its tables (`relation "other._jivs_checkpoints" does not exist`).
  const missing =
    /schema "([^"]+)" does not exist/.exec(message)?.[1] ??
    /relation "([^".]+)\.[^"]+" does not exist/.exec(message)?.[1];
  return schema !== null && missing !== undefined && missing !== schema;
}

function runFromRow(row: Selectable<StateDatabase['runs']>): RunRecord {
  return {
    id: row.id,
    specName: row.spec_name,
    specFile: row.spec_file,
    specHash: row.spec_hash,
    status: row.status as RunStatus,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    owner: row.owner,
    attempt: row.attempt,
    migrationId: row.migration_id,
  };
}
