/** `npm run worker`: the production worker process, connected to TEMPORAL_ADDRESS and DATABASE_URL. */
import { NativeConnection } from '@temporalio/worker';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { openDatabase } from '../db/client.js';
import { loadConfig } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { buildActivityDeps } from './activity-deps.js';
import { createSyncWorker } from './create-worker.js';
import { serveMetrics } from './metrics-server.js';
import { prebuiltWorkflowBundle } from './workflow-bundle.js';
import { connectWithRetry, temporalConnectionOptions } from '../shared/temporal-connection.js';

const config = loadConfig('worker');
const logger = createLogger({ level: config.logLevel, name: 'worker' });
// Checked before connecting to anything: a stale or missing bundle is a deployment mistake, not an outage.
const workflowBundle = config.workflowBundlePath ? prebuiltWorkflowBundle(config.workflowBundlePath, logger) : undefined;
if (!workflowBundle) logger.info('no WORKFLOW_BUNDLE_PATH: bundling the workflow code now (seconds of CPU; production images ship a prebuilt bundle)');
const database = await openDatabase({ url: config.databaseUrl });
const temporalOptions = temporalConnectionOptions(config.temporal);
const connection = await connectWithRetry(() => NativeConnection.connect(temporalOptions), { address: temporalOptions.address, logger });
const registry = new Registry();
collectDefaultMetrics({ register: registry });
const metricsServer = await serveMetrics({ registry, port: config.workerMetricsPort, logger });
try {
  const worker = await createSyncWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: buildActivityDeps(config, database.db, logger, { metricsRegistry: registry }),
    ...(workflowBundle ? { workflowBundle } : {}),
    tuning: { maxCachedWorkflows: config.workerMaxCachedWorkflows },
  });
  logger.info(
    { taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace, maxCachedWorkflows: config.workerMaxCachedWorkflows, workflowStackTraces: config.workerWorkflowStackTraces },
    'worker running',
  );
  // The Temporal runtime stops the worker gracefully on SIGINT/SIGTERM; run() resolves once drained.
  await worker.run();
} finally {
  await metricsServer.close();
  await connection.close();
  await database.close();
}
