/**
 * A stand-in registered under the real workflow type on a test's own task queue, for API tests that
 * must observe what the API sends to Temporal (real server, real signals) without running a sync.
 * It records every signal and answers the `status` query like the real workflow.
 */
import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import type { ConnectionStatus } from '../../../shared/contract.js';
import { disconnectSignal, resyncSignal, statusQuery, syncNowSignal, tokensIssuedSignal } from '../../../workflows/messages.js';
import type { ConnectionWorkflowInput } from '../../../shared/workflow-payloads.js';

export type RecordedSignal =
  | { name: 'tokensIssued'; realmId: string; sealedTokens: string }
  | { name: 'syncNow'; reason: string }
  | { name: 'resync'; since: string; entities: string[] | null }
  | { name: 'disconnect' };

export const receivedSignalsQuery = defineQuery<RecordedSignal[]>('receivedSignals');
export const workflowInputQuery = defineQuery<ConnectionWorkflowInput>('workflowInput');

export async function quickBooksConnectionWorkflow(input: ConnectionWorkflowInput): Promise<void> {
  const received: RecordedSignal[] = [];
  let status: ConnectionStatus = 'pending_authorization';
  let realmId: string | null = null;
  setHandler(tokensIssuedSignal, ({ realmId: realm, sealedTokens }) => {
    received.push({ name: 'tokensIssued', realmId: realm, sealedTokens });
    realmId = realm;
    status = 'active';
  });
  setHandler(syncNowSignal, ({ reason }) => void received.push({ name: 'syncNow', reason }));
  setHandler(resyncSignal, ({ since, entities }) => void received.push({ name: 'resync', since, entities: entities ?? null }));
  setHandler(disconnectSignal, () => {
    received.push({ name: 'disconnect' });
    status = 'disconnected';
  });
  setHandler(statusQuery, () => ({ status, phase: 'idle', realmId, checkpoint: { pass: null, changedSince: null }, lastSyncedAt: null, lastError: null, waitingSince: null, recordsSynced: 0 }));
  setHandler(receivedSignalsQuery, () => received);
  setHandler(workflowInputQuery, () => input);
  await condition(() => status === 'disconnected');
}
