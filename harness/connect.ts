/**
 * Connecting and re-authorizing QuickBooks companies the way the API's callback does it (and exactly as
 * test/support/sync-fixture.ts does): the merchant consents on the simulator's page, we exchange the
 * single-use code through intuit-oauth, and hand the sealed tokens to the connection's workflow with
 * `tokensIssued` (signal-with-start on first connect). Every step retries, since the chaos run kills
 * the servers these calls go to: a failed exchange starts over with a fresh consent (a code is never
 * exchanged twice), and a signal is repeated until Temporal takes it (a repeat delivers the same
 * tokens again, which the workflow accepts idempotently).
 */
import { randomUUID } from 'node:crypto';
import { createConnection, recordConnectionRealm } from '../db/queries/connections.js';
import { workflowIdForConnection } from '../shared/contract.js';
import type { QuickBooksTokenSet } from '../shared/tokens.js';
import { completeConsent } from '../simulator/consent-client.js';
import { tokensIssuedSignal } from '../workflows/messages.js';
import { quickBooksConnectionWorkflow } from '../workflows/index.js';
import type { ConnectionWorkflowInput } from '../shared/workflow-payloads.js';
import { retryUntil } from './retry.js';
import type { SyncStack } from './stack.js';

export interface StackConnection {
  connectionId: string;
  merchantId: string;
  realmId: string;
  workflowId: string;
}

/** Consent + code exchange, started over on any failure (injected OAuth faults included). */
export async function authorizeRealm(stack: SyncStack, realmId: string, timeoutMs = 60_000): Promise<QuickBooksTokenSet> {
  return retryUntil(
    `authorizing company ${realmId}`,
    async () => {
      const state = randomUUID();
      const redirect = new URL(await completeConsent(stack.oauth.authorizeUrl({ state }), { realmId, decision: 'connect' }));
      const code = redirect.searchParams.get('code');
      if (!code) throw new Error(`consent did not return a code: ${redirect.toString()}`);
      return stack.oauth.exchangeCode({ code, realmId, state });
    },
    { timeoutMs, intervalMs: 500 },
  );
}

export async function connectCompany(
  stack: SyncStack,
  params: { merchantId: string; realmId: string; workflow: Omit<ConnectionWorkflowInput, 'connectionId' | 'merchantId'> },
): Promise<StackConnection> {
  const connection = await createConnection(stack.database.db, { merchantId: params.merchantId });
  const tokens = await authorizeRealm(stack, params.realmId);
  await recordConnectionRealm(stack.database.db, { connectionId: connection.id, realmId: params.realmId });
  const input: ConnectionWorkflowInput = { connectionId: connection.id, merchantId: params.merchantId, ...params.workflow };
  const workflowId = workflowIdForConnection(connection.id);
  const sealedTokens = stack.sealer.sealJson(tokens);
  await retryUntil(
    `starting ${workflowId}`,
    () =>
      stack.client.workflow.signalWithStart(quickBooksConnectionWorkflow, {
        workflowId,
        taskQueue: stack.taskQueue,
        args: [input],
        signal: tokensIssuedSignal,
        signalArgs: [{ realmId: params.realmId, sealedTokens }],
      }),
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  return { connectionId: connection.id, merchantId: params.merchantId, realmId: params.realmId, workflowId };
}

/** Consent again and deliver fresh tokens to the same workflow. */
export async function reauthorizeConnection(stack: SyncStack, connection: StackConnection, timeoutMs = 60_000): Promise<void> {
  const tokens = await authorizeRealm(stack, connection.realmId, timeoutMs);
  const sealedTokens = stack.sealer.sealJson(tokens);
  await retryUntil(`re-authorizing ${connection.workflowId}`, () => stack.client.workflow.getHandle(connection.workflowId).signal(tokensIssuedSignal, { realmId: connection.realmId, sealedTokens }), {
    timeoutMs,
    intervalMs: 500,
  });
}
