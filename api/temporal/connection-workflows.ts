/**
 * Everything the API says to a connection's workflow. Every call has a deadline: an HTTP request must
 * not hang on an unreachable Temporal server, and the webhook handler must answer Intuit within 3 s.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Connection } from '../../db/queries/connections.js';
import { WORKFLOW_TYPE, workflowIdForConnection } from '../../shared/contract.js';
import { connectionStatusKey, merchantIdKey, realmIdKey } from '../../shared/search-attributes.js';
import type { quickBooksConnectionWorkflow } from '../../workflows/index.js';
import { disconnectSignal, resyncSignal, syncNowSignal } from '../../workflows/messages.js';
import type { ResyncSignal, SyncNowSignal } from '../../shared/workflow-payloads.js';
import type { ConnectionWorkflowInput } from '../../shared/workflow-payloads.js';
import { ApiError } from '../http/errors.js';
import type { AppServices } from '../services.js';

export const TEMPORAL_DEADLINE_MS = 5_000;

export type ConnectionSignal =
  | { name: 'syncNow'; args: SyncNowSignal }
  | { name: 'resync'; args: ResyncSignal }
  | { name: 'disconnect' };

export type SignalOutcome = 'delivered' | 'not_running';

function withDeadline<T>(services: AppServices, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  return services.temporal.client.withDeadline(Date.now() + timeoutMs, call);
}

/**
 * Hands freshly issued (already sealed) tokens to the connection's workflow, starting it on first
 * connect: signal-with-start is atomic, so a running workflow is signalled and a missing one started.
 */
export async function deliverTokens(services: AppServices, params: { connection: Connection; realmId: string; sealedTokens: string }): Promise<void> {
  const { connection } = params;
  const input: ConnectionWorkflowInput = { connectionId: connection.id, merchantId: connection.merchantId, syncIntervalMs: services.config.syncIntervalMs };
  try {
    await withDeadline(services, TEMPORAL_DEADLINE_MS * 2, () =>
      services.temporal.client.workflow.signalWithStart<typeof quickBooksConnectionWorkflow, [{ realmId: string; sealedTokens: string }]>(WORKFLOW_TYPE, {
        workflowId: workflowIdForConnection(connection.id),
        taskQueue: services.temporal.taskQueue,
        args: [input],
        signal: 'tokensIssued',
        signalArgs: [{ realmId: params.realmId, sealedTokens: params.sealedTokens }],
        typedSearchAttributes: [
          { key: merchantIdKey, value: connection.merchantId },
          { key: realmIdKey, value: params.realmId },
          { key: connectionStatusKey, value: connection.status },
        ],
      }),
    );
  } catch (error) {
    services.logger.error({ connectionId: connection.id, err: error }, 'could not deliver the new tokens to the connection workflow');
    throw new ApiError('temporal_unavailable', 'QuickBooks authorized the connection, but we could not hand it to the sync engine; please authorize again in a minute.');
  }
}

/** Signals a connection's workflow; a workflow that is not running is reported, not thrown. */
export async function signalConnection(services: AppServices, connectionId: string, signal: ConnectionSignal, timeoutMs = TEMPORAL_DEADLINE_MS): Promise<SignalOutcome> {
  const handle = services.temporal.client.workflow.getHandle(workflowIdForConnection(connectionId));
  try {
    await withDeadline(services, timeoutMs, () => {
      switch (signal.name) {
        case 'syncNow':
          return handle.signal(syncNowSignal, signal.args);
        case 'resync':
          return handle.signal(resyncSignal, signal.args);
        case 'disconnect':
          return handle.signal(disconnectSignal, {});
      }
    });
    return 'delivered';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'not_running';
    services.logger.error({ connectionId, signal: signal.name, err: error }, 'could not signal the connection workflow');
    throw new ApiError('temporal_unavailable', 'The sync engine is not reachable right now; try again shortly.');
  }
}
