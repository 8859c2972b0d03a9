/**
 * Everything the product says to a connection's workflow from outside it: token delivery (which starts
 * the workflow on first connect), the signals, and the status query. Every call has a deadline: an HTTP
 * request must not hang on an unreachable Temporal server, and a webhook must be answered within 3 s.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WORKFLOW_TYPE, workflowIdForConnection, type ConnectionStatus } from '../shared/contract.js';
import type { Logger } from '../shared/logger.js';
import { connectionStatusKey, merchantIdKey, realmIdKey } from '../shared/search-attributes.js';
import type { ConnectionStatusView, ConnectionWorkflowInput, ResyncSignal, SyncNowSignal } from '../shared/workflow-payloads.js';
import { disconnectSignal, resyncSignal, statusQuery, syncNowSignal, tokensIssuedSignal } from '../workflows/messages.js';
import type { quickBooksConnectionWorkflow } from '../workflows/index.js';
import { ConnectionCommandError } from './errors.js';
import { connectionWorkflowMetadata } from './workflow-metadata.js';

export const TEMPORAL_DEADLINE_MS = 5_000;

export type ConnectionSignal = { name: 'syncNow'; args: SyncNowSignal } | { name: 'resync'; args: ResyncSignal } | { name: 'disconnect' };

export type SignalOutcome = 'delivered' | 'not_running';

export interface ConnectionWorkflowsDeps {
  client: Client;
  taskQueue: string;
  logger: Logger;
  /** The pause between incremental syncs that a newly started workflow gets. */
  syncIntervalMs: number;
}

/** The connection a workflow serves, as far as starting one needs to know. */
export interface WorkflowTarget {
  id: string;
  merchantId: string;
  status: ConnectionStatus;
  /** For the workflow's summary (what operators read in Temporal); the ids stand in when unknown. */
  merchantName?: string | null | undefined;
  /** QuickBooks' name of the company, once the connection knows it (a connection row's `companyName`). */
  companyName?: string | null | undefined;
}

/** What a newly started workflow may be given beyond its connection (tests and benchmarks shrink pages and intervals). */
export type WorkflowOptions = Partial<Omit<ConnectionWorkflowInput, 'connectionId' | 'merchantId' | 'carried' | 'summary'>>;

export type ConnectionWorkflows = ReturnType<typeof createConnectionWorkflows>;

export function createConnectionWorkflows(deps: ConnectionWorkflowsDeps) {
  const { client, logger } = deps;
  const withDeadline = <T>(timeoutMs: number, call: () => Promise<T>) => client.withDeadline(Date.now() + timeoutMs, call);
  const unavailable = () => new ConnectionCommandError('temporal_unavailable', 'The sync engine is not reachable right now; try again shortly.');

  return {
    /**
     * Hands freshly issued (already sealed) tokens to the connection's workflow, starting it on first
     * connect: signal-with-start is atomic, so a running workflow is signalled and a missing one started.
     */
    async deliverTokens(params: { connection: WorkflowTarget; realmId: string; sealedTokens: string; workflowOptions?: WorkflowOptions }): Promise<void> {
      const { connection } = params;
      // Set when the workflow starts (a running one keeps its own); continue-as-new cannot carry it, so the input does.
      const metadata = connectionWorkflowMetadata({ connectionId: connection.id, merchantId: connection.merchantId, merchantName: connection.merchantName, realmId: params.realmId, companyName: connection.companyName });
      const input: ConnectionWorkflowInput = {
        syncIntervalMs: deps.syncIntervalMs,
        ...params.workflowOptions,
        connectionId: connection.id,
        merchantId: connection.merchantId,
        summary: metadata.staticSummary,
      };
      try {
        await withDeadline(TEMPORAL_DEADLINE_MS * 2, () =>
          client.workflow.signalWithStart<typeof quickBooksConnectionWorkflow, [{ realmId: string; sealedTokens: string }]>(WORKFLOW_TYPE, {
            workflowId: workflowIdForConnection(connection.id),
            taskQueue: deps.taskQueue,
            args: [input],
            signal: tokensIssuedSignal,
            signalArgs: [{ realmId: params.realmId, sealedTokens: params.sealedTokens }],
            ...metadata,
            typedSearchAttributes: [
              { key: merchantIdKey, value: connection.merchantId },
              { key: realmIdKey, value: params.realmId },
              { key: connectionStatusKey, value: connection.status },
            ],
          }),
        );
      } catch (error) {
        logger.error({ connectionId: connection.id, err: error }, 'could not deliver the new tokens to the connection workflow');
        throw unavailable();
      }
    },

    /** Signals a connection's workflow; a workflow that is not running is reported, not thrown. */
    async signal(connectionId: string, signal: ConnectionSignal, timeoutMs = TEMPORAL_DEADLINE_MS): Promise<SignalOutcome> {
      const handle = client.workflow.getHandle(workflowIdForConnection(connectionId));
      try {
        await withDeadline(timeoutMs, () => {
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
        logger.error({ connectionId, signal: signal.name, err: error }, 'could not signal the connection workflow');
        throw unavailable();
      }
    },

    /** The workflow's own view of the connection (its `status` query). */
    queryStatus(connectionId: string, timeoutMs = TEMPORAL_DEADLINE_MS): Promise<ConnectionStatusView> {
      return withDeadline(timeoutMs, () => client.workflow.getHandle(workflowIdForConnection(connectionId)).query(statusQuery));
    },
  };
}
