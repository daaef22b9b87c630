/**
 * `/metrics`: Prometheus exposition. Open by default (Prometheus scrapes without a login; the figures
 * name tables, phases and routes, never data or secrets); with JIVS_METRICS_TOKEN set it requires that
 * bearer token (permissions.ts, `metrics`).
 */
import type { Api, ServiceContext } from '../service-context.ts';

export function metricsRoutes(app: Api, { metrics }: ServiceContext): void {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['metrics'],
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      const { contentType, body } = await metrics.exposition();
      return reply.type(contentType).send(body);
    },
  );
}
