/**
 * Docker health check of a `worker` container (docker-compose.yml): healthy when a worker in *this*
 * container has polled the workflow task queue recently. A worker process that is alive but has lost
 * Temporal, or never got as far as polling, reports unhealthy.
 *
 * The Temporal SDK names a worker `<pid>@<hostname>` unless told otherwise, and a container's
 * hostname is its own, so "this container's pollers" are those whose identity mentions the hostname.
 * If worker/main.ts sets a custom `identity`, keep the hostname in it.
 *
 *   tsx deploy/worker-healthcheck.ts      exit 0 healthy, 1 unhealthy (reason on stderr)
 */
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Connection, type ConnectionLike } from '@temporalio/client';
import { loadConfig } from '../shared/config.js';
import { temporalConnectionOptions } from '../shared/temporal-connection.js';

/** temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW */
const TASK_QUEUE_TYPE_WORKFLOW = 1;

/** Workers long-poll for about a minute, so a live poller is never much older than this. */
export const DEFAULT_MAX_POLL_AGE_MS = 150_000;

export interface PollerCheck {
  connection: Pick<ConnectionLike, 'workflowService'>;
  namespace: string;
  taskQueue: string;
  /** The container's hostname (os.hostname()). */
  host: string;
  maxPollAgeMs?: number;
  now?: number;
}

/** A protobuf Timestamp (seconds may arrive as a Long) in epoch milliseconds. */
function timestampMs(timestamp: { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined): number {
  if (!timestamp) return 0;
  const seconds = typeof timestamp.seconds === 'number' ? timestamp.seconds : Number(timestamp.seconds?.toString() ?? 0);
  return seconds * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6);
}

/** Returns undefined when a poller from `host` polled within maxPollAgeMs, otherwise why not. */
export async function unhealthyReason(check: PollerCheck): Promise<string | undefined> {
  const { connection, namespace, taskQueue, host } = check;
  const maxPollAgeMs = check.maxPollAgeMs ?? DEFAULT_MAX_POLL_AGE_MS;
  const now = check.now ?? Date.now();
  const response = await connection.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
  });
  const pollers = response.pollers ?? [];
  const ours = pollers.filter((poller) => poller.identity?.includes(host));
  if (ours.length === 0) {
    return `no poller from host ${host} on task queue ${taskQueue} in namespace ${namespace} (${pollers.length} from other hosts)`;
  }
  const newest = Math.max(...ours.map((poller) => timestampMs(poller.lastAccessTime)));
  if (now - newest > maxPollAgeMs) {
    return `the last poll from host ${host} was ${Math.round((now - newest) / 1000)}s ago`;
  }
  return undefined;
}

async function main(): Promise<void> {
  const config = loadConfig('worker');
  const connection = await Connection.connect({ ...temporalConnectionOptions(config.temporal), connectTimeout: 5_000 });
  try {
    const reason = await unhealthyReason({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      host: hostname(),
    });
    if (reason) {
      console.error(`unhealthy: ${reason}`);
      process.exitCode = 1;
    }
  } finally {
    await connection.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`unhealthy: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
