/**
 * The HTTP API and dashboard inside `npm start`: `createApp` wired as `npm run api` wires it, on the
 * process's shared database handle, served by @hono/node-server on PORT (every interface, like the
 * production API).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Connection } from '@temporalio/client';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createApp } from '../api/app.js';
import { buildAppDeps } from '../api/build-app-deps.js';
import type { Database } from '../db/client.js';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { temporalConnectionOptions } from '../shared/temporal-connection.js';

/** In-flight requests get this long once the server stops accepting new ones. */
const CLOSE_GRACE_MS = 5_000;

export interface RunningApi {
  port: number;
  stop(): Promise<void>;
  /** Closes the API's Temporal client connection (after the worker has drained). */
  closeTemporal(): Promise<void>;
}

/** The registry the API's `/metrics` serves; other in-process metrics (the worker's) can register there too. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

export async function startApiServer(options: { config: Config; db: Database; logger: Logger; metricsRegistry?: Registry }): Promise<RunningApi> {
  const { config, logger } = options;
  const temporalConnection = await Connection.connect(temporalConnectionOptions(config.temporal));
  const registry = options.metricsRegistry ?? createMetricsRegistry();
  const app = createApp(buildAppDeps({ config, db: options.db, temporalConnection, logger, metricsRegistry: registry }));

  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await temporalConnection.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, publicBaseUrl: config.publicBaseUrl }, 'api listening');

  return {
    port,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(force);
    },
    closeTemporal: () => temporalConnection.close(),
  };
}
