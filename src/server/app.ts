/**
 * Builds the JiVS Migrate service: a Fastify app over a control-plane store. `jivs serve` and the tests
 * both start it this way; the caller owns the store (and closes it after the app).
 *
 * Order matters: the permission check (onRequest) is registered before any route, every route must
 * have an entry in the permission table, and the rate limiter is registered before the routes it limits.
 */
import fastifyJwt from '@fastify/jwt';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import type { DestinationStream } from 'pino';
import { authorizeHook } from './auth/authorize.ts';
import { ensureFirstAdmin } from './auth/first-admin.ts';
import { jwtSecret } from './auth/jwt-secret.ts';
import { permissionOf } from './auth/permissions.ts';
import './auth/principal.ts';
import type { ServerConfig } from './config.ts';
import { errorHandler } from './error-handler.ts';
import { OpenStreams } from './events.ts';
import { registerJsonBodyParser } from './json-body.ts';
import { createLogger } from './logger.ts';
import { ServiceMetrics } from './metrics.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { migrationRoutes } from './routes/migrations.ts';
import { rejectRoutes } from './routes/rejects.ts';
import { runRoutes } from './routes/runs.ts';
import { userRoutes } from './routes/users.ts';
import { RunManager } from './runs/run-manager.ts';
import { SecretBox } from './secrets.ts';
import type { Api, ServiceContext } from './service-context.ts';
import { prepareSpecFolder, serviceFileAccess } from './service-files.ts';
import { SpecReach } from './specs/spec-reach.ts';
import { storeAddress } from './specs/store-endpoint.ts';
import { parseStoreLocation } from '../state/store-location.ts';
import type { ServiceStore } from './service-store.ts';
import { validatorCompiler } from './validation.ts';

export const API_PREFIX = '/api/v1';

/** How long requests in flight may take to finish when the service stops. */
const CLOSE_GRACE_MS = 3000;

export interface AppOptions {
  config: ServerConfig;
  store: ServiceStore;
  /** The store as run processes open it: the SQLite path or the PostgreSQL URL. */
  storeLocation: string;
  /** Where the JSON log goes (default stdout); tests capture it. */
  logDestination?: DestinationStream;
}

/** A registered route: method and URL template, as the permission table names it. */
export interface RouteEntry {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the app registered (the auth matrix test walks them). */
    jivsRoutes: RouteEntry[];
    jivs: ServiceContext;
  }
}

export async function buildApp(options: AppOptions): Promise<Api> {
  const { config, store } = options;
  const logger = createLogger(config.logLevel, options.logDestination);
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: 4 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as Api;

  const reach = new SpecReach({
    files: await prepareSpecFolder(serviceFileAccess(config, options.storeLocation)),
    store: storeAddress(parseStoreLocation(options.storeLocation)),
    envAllow: config.specEnvAllow,
    allowedHosts: config.allowedHosts,
  });
  const metrics = new ServiceMetrics();
  const box = config.secretKey === undefined ? undefined : new SecretBox(config.secretKey);
  const runs = new RunManager({
    store,
    storeLocation: options.storeLocation,
    maxRuns: config.maxRuns,
    reach,
    box,
    metrics,
    logger,
  });
  const streams = new OpenStreams();
  const context: ServiceContext = { config, store, runs, metrics, box, streams, reach };
  const routes: RouteEntry[] = [];
  app.decorate('jivsRoutes', routes);
  app.decorate('jivs', context);
  app.decorateRequest('principal', null);

  app.setValidatorCompiler(validatorCompiler);
  registerJsonBodyParser(app);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: `no route ${request.method} ${request.url.split('?')[0]}`, problems: [] }),
  );
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (permissionOf(method, route.url) === undefined) {
        throw new Error(
          `route ${method} ${route.url} has no entry in the permission table (auth/permissions.ts)`,
        );
      }
      routes.push({ method, url: route.url });
    }
  });
  app.addHook('onRequest', authorizeHook(store, config.metricsToken));
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  // Live event streams would hold the server open: end them first. Runs are paused once no request is
  // in flight any more.
  // A connection that never sent a request is not idle to Node and would hold the close for up to
  // headersTimeout (60 s): after a grace period for requests in flight, every connection is closed.
  let lingering: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    streams.closeAll();
    lingering = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
    lingering.unref();
  });
  app.addHook('onClose', async () => {
    await runs.close();
    clearTimeout(lingering);
  });

  await app.register(fastifyJwt, {
    secret: await jwtSecret(config.jwtSecret, config.dataDir),
    sign: { algorithm: 'HS256', expiresIn: config.accessTokenSeconds, iss: 'jivs', aud: 'jivs-api' },
    // Without requiredClaims a token lacking exp (never expires) or aud/iss (minted for something
    // else) would pass: fast-jwt checks a claim only when it is present.
    verify: {
      algorithms: ['HS256'],
      allowedIss: 'jivs',
      allowedAud: 'jivs-api',
      requiredClaims: ['exp', 'aud', 'iss', 'sub', 'uid'],
    },
  });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'JiVS Migrate API',
        version: '0.1.0',
        description:
          'Define migrations from specs, run them, follow them live, read their reports and rejects. Sign in at POST /api/v1/auth/login and send the access token as `Authorization: Bearer …`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  healthRoutes(app, context);
  metricsRoutes(app, context);
  await app.register(
    async (api) => {
      const typed = api as unknown as Api;
      authRoutes(typed, context);
      userRoutes(typed, context);
      auditRoutes(typed, context);
      migrationRoutes(typed, context);
      runRoutes(typed, context);
      rejectRoutes(typed, context);
    },
    { prefix: API_PREFIX },
  );

  await ensureFirstAdmin(store, config.adminPassword, logger);
  const interrupted = await runs.interruptedRuns();
  for (const run of interrupted) {
    logger.warn(
      { runId: run.id, migrationId: run.migrationId ?? null },
      `run ${run.id} was interrupted (its process is gone); it is resumable: POST ${API_PREFIX}/runs/${run.id}/resume`,
    );
  }
  if (config.autoResume) {
    for (const run of interrupted.filter((r) => r.migrationId)) {
      await runs
        .resume(run.id, 'system')
        .catch((error: unknown) =>
          logger.error({ runId: run.id, err: error }, 'the interrupted run could not be resumed'),
        );
    }
  }
  return app;
}
