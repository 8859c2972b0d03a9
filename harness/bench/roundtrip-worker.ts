/**
 * The resume benchmark's bare signal round trip: a worker for the trivial workflow and activity of
 * roundtrip/ on BENCH_ROUNDTRIP_TASK_QUEUE, on the same Temporal server as the product's worker. The
 * product's own worker is worker/main.ts, sized from the environment like in production.
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { temporalConnectionOptions } from '../../shared/temporal-connection.js';
import { roundTripActivities } from './roundtrip/activities.js';

const taskQueue = process.env.BENCH_ROUNDTRIP_TASK_QUEUE;
if (!taskQueue) throw new Error('BENCH_ROUNDTRIP_TASK_QUEUE is not set');
const config = loadConfig('worker');
const logger = createLogger({ level: config.logLevel, name: 'roundtrip-worker' });
const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
try {
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./roundtrip/workflow.ts', import.meta.url)),
    activities: roundTripActivities,
  });
  logger.info({ taskQueue }, 'worker running');
  await worker.run();
} finally {
  await connection.close();
}
