/**
 * GET /runs/:id/rejects: the quarantine of a run — a page as JSON (limit, afterId), or every matching
 * row streamed as CSV or JSON Lines (`format`), filtered by table, rule, column or severity.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { FastifyBaseLogger } from 'fastify';
import { REJECT_EXPORT_COLUMNS, rejectExportRecord } from '../../state/reject-export.ts';
import { rejectAsSeen } from '../../state/reject-visibility.ts';
import type { RejectFilter, StoredReject } from '../../state/quarantine-store.ts';
import { toJson } from '../../core/json-values.ts';
import { READ_RAW_REJECTS } from '../auth/permissions.ts';
import { notFound } from '../http-errors.ts';
import { AUTH_ERRORS, IdParamsSchema, errorResponses } from '../schemas/common.ts';
import { RejectPageSchema, RejectsQuerySchema } from '../schemas/run-schemas.ts';
import type { Api, ServiceContext } from '../service-context.ts';
import type { ServiceStore } from '../service-store.ts';

/** Every matching reject, raw values of masked columns only for `mayReadRaw`. */
async function* allRejects(
  store: ServiceStore,
  runId: string,
  filter: RejectFilter,
  mayReadRaw: boolean,
): AsyncGenerator<StoredReject> {
  for await (const page of store.quarantine.pages(runId, filter)) {
    for (const reject of page) yield rejectAsSeen(reject, mayReadRaw);
  }
}

async function* jsonLines(rows: AsyncGenerator<StoredReject>): AsyncGenerator<string> {
  for await (const { id: _id, ...row } of rows) yield `${toJson(row)}\n`;
}

async function* csvRecords(rows: AsyncGenerator<StoredReject>) {
  for await (const r of rows) yield rejectExportRecord(r);
}

/** The same columns as `jivs rejects --export csv`. */
function csvStream(rows: AsyncGenerator<StoredReject>, log: FastifyBaseLogger): Readable {
  const csv = stringify({ header: true, columns: REJECT_EXPORT_COLUMNS });
  pipeline(Readable.from(csvRecords(rows)), csv).catch((error: unknown) =>
    log.error({ err: error }, 'the rejects export stopped'),
  );
  return csv;
}

export function rejectRoutes(app: Api, { store }: ServiceContext): void {
  app.get(
    '/runs/:id/rejects',
    {
      schema: {
        tags: ['runs'],
        summary: 'Rejected rows of a run: a page, or an export (csv, jsonl)',
        security: [{ bearer: [] }],
        params: IdParamsSchema,
        querystring: RejectsQuerySchema,
        produces: ['application/json', 'text/csv', 'application/x-ndjson'],
        response: { 200: RejectPageSchema, ...errorResponses(...AUTH_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!(await store.getRun(id))) throw notFound(`run ${id}`);
      const { limit = 100, afterId, format = 'json', table, rule, column, severity } = request.query;
      const filter: RejectFilter = { table, rule, column, severity };
      const mayReadRaw = READ_RAW_REJECTS.includes(request.principal!.role);
      if (format === 'jsonl') {
        return reply
          .type('application/x-ndjson; charset=utf-8')
          .header('content-disposition', `attachment; filename="${id}-rejects.jsonl"`)
          .send(Readable.from(jsonLines(allRejects(store, id, filter, mayReadRaw))) as never); // a stream, not the JSON page
      }
      if (format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${id}-rejects.csv"`)
          .send(csvStream(allRejects(store, id, filter, mayReadRaw), request.log) as never); // a stream, not the JSON page
      }
      const [total, rows] = await Promise.all([
        store.quarantine.count(id, filter),
        store.quarantine.list(id, { ...filter, limit, afterId }),
      ]);
      return {
        total,
        rows: JSON.parse(toJson(rows.map((r) => rejectAsSeen(r, mayReadRaw)))) as typeof rows,
        nextAfterId: rows.length === limit ? rows.at(-1)!.id : null,
      };
    },
  );
}
