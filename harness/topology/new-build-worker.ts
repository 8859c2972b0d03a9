/**
 * The "new build" worker of the rollout rehearsal: the production worker (the wiring of worker/main.ts,
 * configured from the same environment) serving the prebuilt workflow bundle at NEW_BUILD_WORKFLOW_BUNDLE
 * (harness/topology/rollout-workflows.ts, bundled once by the run) instead of workflows/index.ts. It polls
 * within a second or two of starting, as a production worker with a bundle built ahead of time does.
 */
import { NativeConnection } from '@temporalio/worker';
import { openDatabase } from '../../db/client.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { connectWithRetry, temporalConnectionOptions } from '../../shared/temporal-connection.js';
import { buildActivityDeps } from '../../worker/activity-deps.js';
import { createSyncWorker } from '../../worker/create-worker.js';

const codePath = process.env.NEW_BUILD_WORKFLOW_BUNDLE;
if (!codePath) throw new Error('NEW_BUILD_WORKFLOW_BUNDLE is not set');
const config = loadConfig('worker');
const logger = createLogger({ level: config.logLevel, name: 'worker' });
const database = await openDatabase({ url: config.databaseUrl });
const temporalOptions = temporalConnectionOptions(config.temporal);
const connection = await connectWithRetry(() => NativeConnection.connect(temporalOptions), { address: temporalOptions.address, logger });
try {
  const worker = await createSyncWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: buildActivityDeps(config, database.db, logger),
    workflowBundle: { codePath },
    tuning: { maxCachedWorkflows: config.workerMaxCachedWorkflows },
  });
  logger.info({ taskQueue: config.temporal.taskQueue, build: 'new' }, 'worker running');
  await worker.run();
} finally {
  await connection.close();
  await database.close();
}
