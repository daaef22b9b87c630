/** `/healthz`: the process is up. `/readyz`: and its store answers. Neither needs a token. */
import Type from 'typebox';
import type { Api, ServiceContext } from '../service-context.ts';

const StatusSchema = Type.Object({ status: Type.String() }, { additionalProperties: false });

export function healthRoutes(app: Api, { store }: ServiceContext): void {
  app.get(
    '/healthz',
    { schema: { tags: ['health'], summary: 'The process is up', response: { 200: StatusSchema } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'The control-plane store is reachable',
        response: { 200: StatusSchema, 503: StatusSchema },
      },
    },
    async (request, reply) => {
      try {
        await store.users.count();
        return { status: 'ready' };
      } catch (error) {
        request.log.warn({ err: error }, 'the store is not reachable');
        return reply.status(503).send({ status: 'the control-plane store is not reachable' });
      }
    },
  );
}
