/**
 * The reject quarantine of the control-plane store: the rows a run rejected, each with its reasons
 * (one `reject_reasons` row per reason, so readers filter by rule, column or severity). Reached as
 * `store.quarantine`.
 */
import type { Kysely } from 'kysely';
import type { StateDatabase } from './database-types.ts';
import type { RejectedRow, RejectReason } from './run-types.ts';
import type { Severity } from '../spec/rules-schema.ts';
import { toJson } from '../core/json-values.ts';

/** Which rejected rows to read: all of a run, or those of one table, rule, column or severity. */
export interface RejectFilter {
  table?: string;
  /** A rule name, as reports show it (`email_address.format`, `cast`, a spec rule `name`). */
  rule?: string;
  column?: string;
  severity?: Severity;
}

/** A stored rejected row with its id (for paging and replay). */
export interface StoredReject extends RejectedRow {
  id: number;
}

/** Rejected rows per INSERT: 8 bound values a row, under SQLite's 32766 and PostgreSQL's 65535. */
const REJECTS_PER_INSERT = 2000;

/** The rejected rows of every run, and the reasons each was rejected for. */
export class QuarantineStore {
  readonly #db: Kysely<StateDatabase>;

  constructor(db: Kysely<StateDatabase>) {
    this.#db = db;
  }

  /**
   * Stores the rejected rows of one batch; `batch` is the batch's number within its partition, so a
   * resume can take back the rows of batches that never committed ({@link deleteAfter}).
   */
  async add(runId: string, rows: RejectedRow[], batch = 0): Promise<void> {
    if (!rows.length) return;
    await this.#db.transaction().execute(async (tx) => {
      for (let start = 0; start < rows.length; start += REJECTS_PER_INSERT) {
        const chunk = rows.slice(start, start + REJECTS_PER_INSERT);
        const inserted = await tx
          .insertInto('rejects')
          .values(
            chunk.map((r) => ({
              run_id: runId,
              table_name: r.table,
              partition_index: r.partition,
              row_key: r.key,
              values_json: toJson(r.values),
              raw_values_json: r.rawValues ? toJson(r.rawValues) : null,
              reasons_json: JSON.stringify(r.reasons),
              batch,
            })),
          )
          .returning('id')
          .execute();
        // Ids grow in the order of the VALUES list; sorting them does not rely on RETURNING's order.
        const ids = inserted.map((row) => Number(row.id)).sort((a, b) => a - b);
        await insertReasons(
          tx,
          ids.map((id, i) => ({ id, reasons: chunk[i]!.reasons })),
        );
      }
    });
  }

  /** Takes back the rejected rows a partition stored for batches after `batch` (0: all of them). */
  async deleteAfter(runId: string, table: string, partition: number, batch: number): Promise<void> {
    await this.#db
      .deleteFrom('rejects')
      .where('run_id', '=', runId)
      .where('table_name', '=', table)
      .where('partition_index', '=', partition)
      .where('batch', '>', batch)
      .execute();
  }

  /** Replay: rows that now loaded (or were filtered) leave the quarantine; the others get their new reasons. */
  async settle(resolved: number[], stillRejected: { id: number; reasons: RejectReason[] }[]): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      for (let i = 0; i < resolved.length; i += 500) {
        await tx
          .deleteFrom('rejects')
          .where('id', 'in', resolved.slice(i, i + 500))
          .execute();
      }
      for (const { id, reasons } of stillRejected) {
        await tx
          .updateTable('rejects')
          .set({ reasons_json: JSON.stringify(reasons) })
          .where('id', '=', id)
          .execute();
        await tx.deleteFrom('reject_reasons').where('reject_id', '=', id).execute();
      }
      await insertReasons(tx, stillRejected);
    });
  }

  /**
   * Every matching rejected row, a page at a time (bounded memory whatever the quarantine's size). The
   * cursor is the row id, so rows settled while paging do not disturb it.
   */
  async *pages(runId: string, filter: RejectFilter = {}, pageSize = 1000): AsyncGenerator<StoredReject[]> {
    let afterId: number | undefined;
    for (;;) {
      const page = await this.list(runId, { ...filter, limit: pageSize, afterId });
      if (!page.length) return;
      yield page;
      afterId = page.at(-1)!.id;
    }
  }

  /** Rejected rows in the order they were rejected; `afterId` pages through them. */
  async list(
    runId: string,
    options: RejectFilter & { limit?: number; afterId?: number } = {},
  ): Promise<StoredReject[]> {
    let query = this.#filtered(runId, options).selectAll('rejects');
    if (options.afterId !== undefined) query = query.where('rejects.id', '>', options.afterId);
    const rows = await query
      .orderBy('rejects.id')
      .limit(options.limit ?? 1000)
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      table: r.table_name,
      partition: r.partition_index,
      key: r.row_key,
      values: JSON.parse(r.values_json),
      ...(r.raw_values_json !== null && { rawValues: JSON.parse(r.raw_values_json) }),
      reasons: (JSON.parse(r.reasons_json) as (RejectReason | string)[]).map(reasonFromJson),
    }));
  }

  async count(runId: string, filter: RejectFilter = {}): Promise<number> {
    const row = await this.#filtered(runId, filter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  #filtered(runId: string, filter: RejectFilter) {
    let query = this.#db.selectFrom('rejects').where('rejects.run_id', '=', runId);
    if (filter.table !== undefined) query = query.where('rejects.table_name', '=', filter.table);
    if (filter.rule !== undefined || filter.column !== undefined || filter.severity !== undefined) {
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('reject_reasons')
            .select('reject_reasons.reject_id')
            .whereRef('reject_reasons.reject_id', '=', 'rejects.id')
            .$if(filter.rule !== undefined, (q) => q.where('reject_reasons.rule', '=', filter.rule!))
            .$if(filter.column !== undefined, (q) =>
              q.where('reject_reasons.column_name', '=', filter.column!),
            )
            .$if(filter.severity !== undefined, (q) =>
              q.where('reject_reasons.severity', '=', filter.severity!),
            ),
        ),
      );
    }
    return query;
  }
}

async function insertReasons(
  db: Kysely<StateDatabase>,
  rows: { id: number; reasons: RejectReason[] }[],
): Promise<void> {
  const values = rows.flatMap(({ id, reasons }) =>
    reasons.map((r) => ({
      reject_id: id,
      rule: r.rule,
      column_name: r.column,
      severity: r.severity,
      message: r.message,
    })),
  );
  // SQLite allows 32766 bound parameters per statement: 5 a reason.
  for (let i = 0; i < values.length; i += 5000) {
    await db
      .insertInto('reject_reasons')
      .values(values.slice(i, i + 5000))
      .execute();
  }
}

/** Stores written before rules had names kept plain strings. */
function reasonFromJson(reason: RejectReason | string): RejectReason {
  return typeof reason === 'string'
    ? { rule: 'target constraints', column: null, severity: 'critical', message: reason }
    : reason;
}
