/**
 * The benchmarks' own worker process, for what `npm run worker` cannot be told from the environment:
 * - BENCH_ROUNDTRIP_TASK_QUEUE: run the bare signal round-trip workflow (roundtrip/) on that queue
 *   instead of the sync worker;
 * - BENCH_LIMITER_RPM, BENCH_MAX_CACHED_WORKFLOWS, BENCH_MAX_CONCURRENT_ACTIVITIES: the sync worker with
 *   another rate-limiter budget or worker sizing (createSyncWorker's `tuning`).
 * Otherwise it is worker/main.ts: the same configuration, activities and workflow code.
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { openDatabase } from '../../../db/client.js';
import { createAccountingApi } from '../../../quickbooks/accounting-api.js';
import { createRealmRateLimiter } from '../../../quickbooks/rate-limiter.js';
import { loadConfig } from '../../../shared/config.js';
import { createLogger } from '../../../shared/logger.js';
import { buildActivityDeps } from '../../../worker/activity-deps.js';
import { createSyncWorker } from '../../../worker/create-worker.js';
import { roundTripActivities } from './roundtrip/activities.js';
import { temporalConnectionOptions } from '../../../shared/temporal-connection.js';

const config = loadConfig('worker');
const logger = createLogger({ level: config.logLevel, name: 'bench-worker' });
const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
const number = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);

try {
  const roundTripQueue = process.env.BENCH_ROUNDTRIP_TASK_QUEUE;
  if (roundTripQueue) {
    const worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: roundTripQueue,
      workflowsPath: fileURLToPath(new URL('./roundtrip/workflow.ts', import.meta.url)),
      activities: roundTripActivities,
    });
    logger.info({ taskQueue: roundTripQueue }, 'worker running');
    await worker.run();
  } else {
    const database = await openDatabase({ url: config.databaseUrl });
    try {
      const deps = buildActivityDeps(config, database.db, logger);
      const requestsPerMinute = number('BENCH_LIMITER_RPM');
      if (requestsPerMinute) {
        deps.api = createAccountingApi({ baseUrl: config.intuit.endpoints.accountingApi, limiter: createRealmRateLimiter({ requestsPerMinute }), logger });
      }
      const maxCachedWorkflows = number('BENCH_MAX_CACHED_WORKFLOWS');
      const maxConcurrentActivityTaskExecutions = number('BENCH_MAX_CONCURRENT_ACTIVITIES');
      const worker = await createSyncWorker({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        deps,
        tuning: {
          ...(maxCachedWorkflows ? { maxCachedWorkflows } : {}),
          ...(maxConcurrentActivityTaskExecutions ? { maxConcurrentActivityTaskExecutions } : {}),
        },
      });
      logger.info({ taskQueue: config.temporal.taskQueue, requestsPerMinute, maxCachedWorkflows }, 'worker running');
      await worker.run();
    } finally {
      await database.close();
    }
  }
} finally {
  await connection.close();
}
