/**
 * The audit log: appended to and read, nothing else. There is deliberately no way here to change or
 * remove an entry, and the tables' triggers refuse UPDATE and DELETE from anywhere else too.
 */
import type { Kysely, Selectable } from 'kysely';
import type { StateDatabase } from '../database-types.ts';
import type { AuditEntry, AuditOutcome, AuditQuery, NewAuditEntry } from '../service-types.ts';
import { toJson } from '../../core/json-values.ts';

type Db = Kysely<StateDatabase>;

const DEFAULT_LIMIT = 100;

/** The audit log, reached as `store.audit`: append and read only. */
export class AuditLog {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Appends an entry stamped with the current time; returns it as stored. */
  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const row = await this.#db
      .insertInto('audit_log')
      .values({
        at: new Date().toISOString(),
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        outcome: entry.outcome,
        detail_json: entry.detail === undefined || entry.detail === null ? null : toJson(entry.detail),
        ip: entry.ip ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return entryFromRow(row);
  }

  /** Entries newest first, filtered; page on with `beforeId` set to the last id of a page. */
  async list(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const { actor, action, outcome, beforeId } = query;
    const rows = await this.#db
      .selectFrom('audit_log')
      .selectAll()
      .$if(beforeId !== undefined, (q) => q.where('id', '<', beforeId!))
      .$if(actor !== undefined, (q) => q.where('actor', actor === null ? 'is' : '=', actor!))
      .$if(action !== undefined, (q) => q.where('action', '=', action!))
      .$if(outcome !== undefined, (q) => q.where('outcome', '=', outcome!))
      .orderBy('id', 'desc')
      .limit(query.limit ?? DEFAULT_LIMIT)
      .execute();
    return rows.map(entryFromRow);
  }
}

function entryFromRow(row: Selectable<StateDatabase['audit_log']>): AuditEntry {
  return {
    id: Number(row.id),
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    outcome: row.outcome as AuditOutcome,
    detail: row.detail_json === null ? null : JSON.parse(row.detail_json),
    ip: row.ip,
  };
}
