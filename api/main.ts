/** `npm run api`: the production HTTP API, connected to DATABASE_URL and TEMPORAL_ADDRESS. */
import { serve } from '@hono/node-server';
import { Connection } from '@temporalio/client';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { openDatabase } from '../db/client.js';
import { loadConfig } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { createApp } from './app.js';
import { buildAppDeps } from './build-app-deps.js';
import { connectWithRetry, temporalConnectionOptions } from '../shared/temporal-connection.js';

const SHUTDOWN_GRACE_MS = 10_000;

const config = loadConfig('api');
const logger = createLogger({ level: config.logLevel, name: 'api' });
const database = await openDatabase({ url: config.databaseUrl });
const temporalOptions = temporalConnectionOptions(config.temporal);
const temporalConnection = await connectWithRetry(() => Connection.connect(temporalOptions), { address: temporalOptions.address, logger });
const registry = new Registry();
collectDefaultMetrics({ register: registry });

const app = createApp(buildAppDeps({ config, db: database.db, temporalConnection, logger, metricsRegistry: registry }));

const server = serve({ fetch: app.fetch, port: config.port }, (info) => {
  logger.info({ port: info.port, publicBaseUrl: config.publicBaseUrl }, 'api listening');
});

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'api shutting down');
  // In-flight requests get a grace period; after it we exit regardless.
  setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await Promise.allSettled([temporalConnection.close(), database.close()]);
  process.exit(0);
}
process.on('SIGTERM', (signal) => void shutdown(signal));
process.on('SIGINT', (signal) => void shutdown(signal));
