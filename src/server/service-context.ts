/** What the routes work with, built once by app.ts. */
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ServerConfig } from './config.ts';
import type { OpenStreams } from './events.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { RunManager } from './runs/run-manager.ts';
import type { SecretBox } from './secrets.ts';
import type { ServiceStore } from './service-store.ts';
import type { SpecReach } from './specs/spec-reach.ts';

export interface ServiceContext {
  config: ServerConfig;
  store: ServiceStore;
  runs: RunManager;
  metrics: ServiceMetrics;
  /** Undefined without JIVS_SECRET_KEY: literal passwords cannot be stored then. */
  box: SecretBox | undefined;
  /** What a spec the service accepts or runs may reach (files, databases). */
  reach: SpecReach;
  /** Live event streams, ended when the service shuts down. */
  streams: OpenStreams;
}

/** The Fastify instance with TypeBox schemas typing the handlers. */
export type Api = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
