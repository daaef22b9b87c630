/**
 * `jivs serve`: the HTTP service (src/server) over the control-plane store, until SIGINT or SIGTERM;
 * then runs in flight are paused at their next batch boundary (resumable) and the store is closed.
 * Settings come from the environment (src/server/config.ts); --port and --host override theirs.
 */
import { buildApp } from '../server/app.ts';
import { serverConfigFromEnv } from '../server/config.ts';
import type { ServiceStore } from '../server/service-store.ts';
import { StateStore } from '../state/state-store.ts';
import type { GlobalOptions } from './cli-context.ts';
import { EXIT_SUCCESS } from './exit-codes.ts';
import { stateStoreLocation } from './state-path.ts';

export interface ServeOptions extends GlobalOptions {
  port?: number;
  host?: string;
}

export async function serveCommand(options: ServeOptions): Promise<number> {
  const store = await StateStore.open(stateStoreLocation(options.state));
  try {
    const config = serverConfigFromEnv(process.env, store.localDir);
    if (options.port !== undefined) config.port = options.port;
    if (options.host !== undefined) config.host = options.host;
    const service: ServiceStore = store;
    const app = await buildApp({ config, store: service, storeLocation: store.location });
    const stopped = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    const address = await app.listen({ port: config.port, host: config.host });
    app.log.info(
      { store: store.description, maxRuns: config.maxRuns },
      `JiVS Migrate service listening on ${address}`,
    );
    const signal = await stopped;
    app.log.info({ signal }, 'stopping: pausing the runs in flight');
    await app.close();
    return EXIT_SUCCESS;
  } finally {
    await store.close();
  }
}
