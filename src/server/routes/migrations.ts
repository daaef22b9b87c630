/**
 * Migrations: specs defined once under a name, validated as completely as `jivs plan` validates a spec
 * file (a bad spec is a 400 listing every problem by its spec path), with connection passwords stored
 * encrypted and shown as "***". Also: validate again, plan against the source, start a run.
 */
import { randomUUID } from 'node:crypto';
import { toJson } from '../../core/json-values.ts';
import type { MigrationDefinition } from '../../state/service-types.ts';
import { InputError } from '../../core/errors.ts';
import { audit } from '../audit.ts';
import { conflict, notFound } from '../http-errors.ts';
import { AUTH_ERRORS, IdParamsSchema, OkSchema, errorResponses } from '../schemas/common.ts';
import {
  CreateMigrationBodySchema,
  MigrationListSchema,
  MigrationSchema,
  PatchMigrationBodySchema,
  PlanSchema,
  ValidationResultSchema,
} from '../schemas/migration-schemas.ts';
import { StartedRunSchema } from '../schemas/run-schemas.ts';
import type { Api, ServiceContext } from '../service-context.ts';
import { acceptSpec, validateStoredSpec } from '../specs/spec-intake.ts';
import { openSecrets, redactSecrets } from '../specs/spec-secrets.ts';
import { noBody } from './no-body.ts';

const security = [{ bearer: [] }];
const tags = ['migrations'];

/** A migration as the API shows it: passwords redacted. */
export function migrationView(m: MigrationDefinition) {
  return {
    id: m.id,
    name: m.name,
    spec: redactSecrets(m.spec as Record<string, unknown>),
    createdBy: m.createdBy,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}

export function migrationRoutes(app: Api, context: ServiceContext): void {
  const { store, box, runs } = context;
  const intake = (document: unknown, migrationId: string, previous?: MigrationDefinition) =>
    acceptSpec(document, {
      migrationId,
      box,
      previous: previous?.spec as Record<string, unknown> | undefined,
      reach: context.reach,
    });
  const existing = async (id: string) => {
    const migration = await store.migrations.get(id);
    if (!migration) throw notFound(`migration ${id}`);
    return migration;
  };

  app.get(
    '/migrations',
    {
      schema: {
        tags,
        summary: 'List migrations',
        security,
        response: { 200: MigrationListSchema, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async () => ({ migrations: (await store.migrations.list()).map(migrationView) }),
  );

  app.post(
    '/migrations',
    {
      schema: {
        tags,
        summary: 'Define a migration from a spec',
        security,
        body: CreateMigrationBodySchema,
        response: { 201: MigrationSchema, ...errorResponses(...AUTH_ERRORS, 409) },
      },
    },
    async (request, reply) => {
      const id = randomUUID();
      const { stored, spec } = intake(request.body.spec, id);
      const name = request.body.name ?? spec.name;
      await store.migrations.create({ id, name, spec: stored, createdBy: request.principal!.username });
      await audit(store, request, { action: 'migration.create', target: id, detail: { name } });
      return reply.status(201).send(migrationView((await store.migrations.get(id))!));
    },
  );

  app.get(
    '/migrations/:id',
    {
      schema: {
        tags,
        summary: 'Get a migration',
        security,
        params: IdParamsSchema,
        response: { 200: MigrationSchema, ...errorResponses(...AUTH_ERRORS, 404) },
      },
    },
    async (request) => migrationView(await existing(request.params.id)),
  );

  for (const method of ['put', 'patch'] as const) {
    app[method](
      '/migrations/:id',
      {
        schema: {
          tags,
          summary:
            method === 'put'
              ? 'Replace the spec (and name) of a migration'
              : 'Change the name or spec of a migration',
          description:
            'A password given as "***" keeps the stored one, as long as the endpoint still points to the same place.',
          security,
          params: IdParamsSchema,
          body: method === 'put' ? CreateMigrationBodySchema : PatchMigrationBodySchema,
          response: { 200: MigrationSchema, ...errorResponses(...AUTH_ERRORS, 404, 409) },
        },
      },
      async (request) => {
        const { id } = request.params;
        const before = await existing(id);
        const body = request.body as { name?: string; spec?: unknown };
        const changes: { name?: string; spec?: unknown } = {};
        if (body.spec !== undefined) changes.spec = intake(body.spec, id, before).stored;
        if (body.name !== undefined) changes.name = body.name;
        await store.migrations.update(id, changes);
        await audit(store, request, {
          action: 'migration.update',
          target: id,
          detail: { name: body.name, specChanged: body.spec !== undefined },
        });
        return migrationView((await store.migrations.get(id))!);
      },
    );
  }

  app.delete(
    '/migrations/:id',
    {
      schema: {
        tags,
        summary: 'Delete a migration (its runs stay)',
        security,
        params: IdParamsSchema,
        response: { 200: OkSchema, ...errorResponses(...AUTH_ERRORS, 404, 409) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const migration = await existing(id);
      const active = (await store.listRuns({ migrationId: id, limit: 1000 })).some((r) => runs.live(r.id));
      if (active) throw conflict(`migration ${id} has a run executing or queued; wait for it, or cancel it.`);
      await store.migrations.delete(id);
      await audit(store, request, {
        action: 'migration.delete',
        target: id,
        detail: { name: migration.name },
      });
      return { ok: true as const };
    },
  );

  app.post(
    '/migrations/:id/validate',
    {
      preValidation: noBody,
      schema: {
        tags,
        summary: 'Validate the stored spec again (no connection is made)',
        security,
        params: IdParamsSchema,
        response: { 200: ValidationResultSchema, ...errorResponses(...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const migration = await existing(request.params.id);
      const stored = migration.spec as Record<string, unknown>;
      const refused = context.reach.documentProblems(stored);
      if (refused.length) return { valid: false, problems: refused };
      try {
        const unreachable = context.reach.problems(validateStoredSpec(stored));
        if (unreachable.length) return { valid: false, problems: unreachable };
        openSecrets(stored, migration.id, box);
        return { valid: true, problems: [] };
      } catch (error) {
        if (error instanceof InputError) return { valid: false, problems: error.problems };
        return { valid: false, problems: [{ path: 'spec', message: (error as Error).message }] };
      }
    },
  );

  app.post(
    '/migrations/:id/plan',
    {
      preValidation: noBody,
      schema: {
        tags,
        summary: 'Plan the migration against its source (a dry run: tables, types, order, partitions)',
        security,
        params: IdParamsSchema,
        response: { 200: PlanSchema, ...errorResponses(...AUTH_ERRORS, 404, 422) },
      },
    },
    async (request) => {
      const migration = await existing(request.params.id);
      const plan = JSON.parse(toJson(await runs.plan(migration))) as Record<string, unknown>;
      return { migrationId: migration.id, plan };
    },
  );

  app.post(
    '/migrations/:id/runs',
    {
      preValidation: noBody,
      schema: {
        tags,
        summary: 'Start a run',
        description:
          'Plans the run (a spec that does not fit its source is a 400; nothing moves), records it and answers 202 with its id; it then waits for a slot (JIVS_MAX_RUNS) and runs in its own process. Follow it at GET /runs/{id}/events.',
        security,
        params: IdParamsSchema,
        response: { 202: StartedRunSchema, ...errorResponses(...AUTH_ERRORS, 404, 422, 503) },
      },
    },
    async (request, reply) => {
      const migration = await existing(request.params.id);
      const actor = request.principal!.username;
      try {
        const live = await runs.start(migration, actor);
        await audit(store, request, {
          action: 'run.start',
          target: live.runId,
          detail: { migrationId: migration.id },
        });
        return reply
          .status(202)
          .send({ runId: live.runId!, status: live.state === 'running' ? 'running' : 'queued' });
      } catch (error) {
        await audit(store, request, {
          action: 'run.start',
          target: migration.id,
          outcome: 'failed',
          detail: { migrationId: migration.id, error: (error as Error).message },
        });
        throw error;
      }
    },
  );
}
