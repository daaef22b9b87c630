/** GET /audit (admin, auditor): the audit log, newest first, paged with beforeId, filtered by actor, action, outcome. */
import { AuditPageSchema, AuditQuerySchema } from '../schemas/audit-schemas.ts';
import { AUTH_ERRORS, errorResponses } from '../schemas/common.ts';
import type { Api, ServiceContext } from '../service-context.ts';

export function auditRoutes(app: Api, { store }: ServiceContext): void {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Read the audit log',
        security: [{ bearer: [] }],
        querystring: AuditQuerySchema,
        response: { 200: AuditPageSchema, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 100;
      const entries = await store.audit.list({ ...request.query, limit });
      return { entries, nextBeforeId: entries.length === limit ? entries.at(-1)!.id : null };
    },
  );
}
