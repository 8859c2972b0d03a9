/**
 * The Temporal worker of the quickbooks-sync task queue: the connection workflow plus its activities.
 * `npm run worker` and `npm start` run it; tests create one per file on their own task queue.
 */
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { activityFailureMetrics } from './activity-metrics.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface SyncWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A pre-built bundle (tests build one per run); without it the worker bundles workflows/ itself. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Sizing: `npm run worker` and `npm start` set the cache from WORKER_MAX_CACHED_WORKFLOWS. */
  tuning?: Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentLocalActivityExecutions'>;
}

export async function createSyncWorker(options: SyncWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(options.deps),
    ...(options.deps.metrics ? { interceptors: { activity: [activityFailureMetrics(options.deps.metrics)] } } : {}),
    // A failed workflow task is a bug in workflow code: it is retried (and visible in the UI), never fatal.
    shutdownGraceTime: '10 seconds',
    ...options.tuning,
  });
}
