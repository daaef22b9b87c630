/**
 * Runs: list, one run with its progress, its live events (SSE), its report; pause, resume, cancel.
 * Pause stops at the next batch boundary (the run ends paused, resumable); cancel does the same and
 * then marks the run failed ("cancelled by …"), for good.
 */
import type { FastifyRequest } from 'fastify';
import { ownerMayBeAlive } from '../../engine/run-owner.ts';
import { audit } from '../audit.ts';
import { sendRunEvents } from '../events.ts';
import { conflict, notFound } from '../http-errors.ts';
import { describeRun, summarize } from '../runs/run-view.ts';
import { AUTH_ERRORS, IdParamsSchema, errorResponses } from '../schemas/common.ts';
import {
  ReportSchema,
  RunListQuerySchema,
  RunListSchema,
  RunSchema,
  StartedRunSchema,
} from '../schemas/run-schemas.ts';
import type { Api, ServiceContext } from '../service-context.ts';
import { noBody } from './no-body.ts';

const security = [{ bearer: [] }];
const tags = ['runs'];

export function runRoutes(app: Api, context: ServiceContext): void {
  const { store, runs } = context;

  const storedRun = async (id: string) => {
    const run = await store.getRun(id);
    if (!run) throw notFound(`run ${id}`);
    return run;
  };
  const view = async (id: string) => {
    const run = await storedRun(id);
    const [phases, partitions] = await Promise.all([store.phases(id), store.partitions(id)]);
    return describeRun(run, runs.live(id), { phases, partitions });
  };
  /** Runs an action and audits it, ok or failed. */
  const audited = async <T>(
    request: FastifyRequest,
    action: string,
    target: string,
    work: () => Promise<T>,
  ) => {
    try {
      const result = await work();
      await audit(store, request, { action, target });
      return result;
    } catch (error) {
      await audit(store, request, {
        action,
        target,
        outcome: 'failed',
        detail: { error: (error as Error).message },
      });
      throw error;
    }
  };

  app.get(
    '/runs',
    {
      schema: {
        tags,
        summary: 'List runs, newest first',
        security,
        querystring: RunListQuerySchema,
        response: { 200: RunListSchema, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const { limit = 50, migrationId } = request.query;
      const list = await store.listRuns({ limit, migrationId });
      return { runs: list.map((r) => summarize(r, runs.live(r.id))) };
    },
  );

  app.get(
    '/runs/:id',
    {
      schema: {
        tags,
        summary: 'A run: status, current phase, phase timeline, table progress, throughput, ETA',
        security,
        params: IdParamsSchema,
        response: { 200: RunSchema, ...errorResponses(...AUTH_ERRORS, 404) },
      },
    },
    async (request) => view(request.params.id),
  );

  app.get(
    '/runs/:id/events',
    {
      schema: {
        tags,
        summary: 'Live progress as Server-Sent Events, until the run ends',
        description:
          'Events: snapshot, queued, started, planned, phase-started, phase-finished, table-progress, warning, report, end. Reconnect with Last-Event-ID to catch up.',
        security,
        params: IdParamsSchema,
        produces: ['text/event-stream'],
        response: { ...errorResponses(...AUTH_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const snapshot = await view(request.params.id);
      const live = runs.live(request.params.id);
      if (live && live.state !== 'ended')
        return sendRunEvents(request, reply, snapshot, live, null, context.streams);
      const run = await storedRun(request.params.id);
      return sendRunEvents(
        request,
        reply,
        snapshot,
        undefined,
        {
          report: run.report,
          end: { runId: run.id, outcome: snapshot.status, error: run.error },
        },
        context.streams,
      );
    },
  );

  app.get(
    '/runs/:id/report',
    {
      schema: {
        tags,
        summary: 'The run report, with the data-quality report of each table',
        security,
        params: IdParamsSchema,
        response: { 200: ReportSchema, ...errorResponses(...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const run = await storedRun(request.params.id);
      if (!run.report) throw notFound(`the report of run ${run.id} (it has not ended yet)`);
      return run.report as Record<string, unknown>;
    },
  );

  app.post(
    '/runs/:id/pause',
    {
      preValidation: noBody,
      schema: {
        tags,
        summary: 'Pause: stop at the next batch boundary; resumable',
        security,
        params: IdParamsSchema,
        response: { 202: StartedRunSchema, ...errorResponses(...AUTH_ERRORS, 404, 409) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await audited(request, 'run.pause', id, async () => {
        const run = await storedRun(id);
        if (runs.live(id)) return runs.pause(id);
        if (run.status === 'running' && ownerMayBeAlive(run.owner)) {
          // Executing elsewhere (the CLI, another instance): the way `jivs pause` asks.
          return store.requestControl(id, 'pause');
        }
        throw conflict(`run ${id} is not running (${summarize(run, undefined).status}).`);
      });
      return reply.status(202).send({ runId: id, status: (await view(id)).status });
    },
  );

  app.post(
    '/runs/:id/resume',
    {
      preValidation: noBody,
      schema: {
        tags,
        summary: 'Resume a paused, failed or interrupted run from its checkpoints',
        security,
        params: IdParamsSchema,
        response: { 202: StartedRunSchema, ...errorResponses(...AUTH_ERRORS, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await audited(request, 'run.resume', id, () => runs.resume(id, request.principal!.username));
      return reply.status(202).send({ runId: id, status: (await view(id)).status });
    },
  );

  app.post(
    '/runs/:id/cancel',
    {
      preValidation: noBody,
      schema: {
        tags,
        summary:
          'Cancel: stop at the next batch boundary and end the run for good (failed, "cancelled by …")',
        security,
        params: IdParamsSchema,
        response: { 202: StartedRunSchema, ...errorResponses(...AUTH_ERRORS, 404, 409) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await audited(request, 'run.cancel', id, () => runs.cancel(id, request.principal!.username));
      return reply.status(202).send({ runId: id, status: (await view(id)).status });
    },
  );
}
