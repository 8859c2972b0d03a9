/**
 * The sync worker inside `npm start`: the same `createSyncWorker` and activity wiring as `npm run
 * worker`, on the process's shared database handle (PGlite has one writer), with the workflow bundle
 * of ./workflow-bundle.ts.
 */
import { NativeConnection } from '@temporalio/worker';
import type { Registry } from 'prom-client';
import type { Database } from '../db/client.js';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { buildActivityDeps } from '../worker/activity-deps.js';
import { createSyncWorker } from '../worker/create-worker.js';
import { temporalConnectionOptions } from '../shared/temporal-connection.js';

export interface RunningWorker {
  /** Stops polling, lets in-flight activities finish (the drain), then closes the connection. */
  stop(): Promise<void>;
}

export async function startWorker(options: {
  config: Config;
  db: Database;
  bundle: { code: string };
  logger: Logger;
  /** Called when the worker stops by itself (a fatal error), so that everything else stops too. */
  onFatal: (error: unknown) => void;
  /** The API's registry: one `/metrics` shows the worker's metrics too. */
  metricsRegistry: Registry;
}): Promise<RunningWorker> {
  const { config, logger } = options;
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
  try {
    const worker = await createSyncWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      deps: buildActivityDeps(config, options.db, logger, { metricsRegistry: options.metricsRegistry }),
      workflowBundle: options.bundle,
      tuning: { maxCachedWorkflows: config.workerMaxCachedWorkflows },
    });
    let stopping = false;
    const running = worker.run().then(
      () => {
        if (!stopping) options.onFatal(new Error('the worker stopped unexpectedly'));
      },
      (error: unknown) => options.onFatal(error),
    );
    logger.info({ taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace }, 'worker running');
    return {
      async stop() {
        stopping = true;
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await connection.close();
      },
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
