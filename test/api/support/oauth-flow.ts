/**
 * Drives the real OAuth flow for API tests: our API issues the authorize URL, the simulator's consent
 * page is submitted like a browser would, and the redirect lands on our callback (in process).
 */
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { completeConsent, type RunningSimulator } from '../../../simulator/index.js';
import { workflowIdForConnection } from '../../../shared/contract.js';
import type { TestTemporal } from '../../support/temporal.js';
import type { RecordedSignal } from './recording-workflow.js';
import { receivedSignalsQuery } from './recording-workflow.js';
import { asMerchant, type ApiHarness } from './harness.js';

/** The simulator of the OAuth tests (`createApiHarness({ simulator: API_SIMULATOR })`): the stack's, with a fixed seed. */
export const API_SIMULATOR = { seed: 7 };

export interface ConsentedAuthorization {
  connectionId: string;
  /** Path and query of Intuit's redirect to our callback. */
  callbackPath: string;
}

/** The path + query of a redirect to our callback, for `app.request`. */
export function callbackPathOf(redirectUrl: string): string {
  const url = new URL(redirectUrl);
  return `${url.pathname}${url.search}`;
}

/** Creates a connection and submits the consent page; the callback is left for the test to call. */
export async function consentToNewConnection(h: ApiHarness, apiKey: string, choice: { realmId: string; decision?: 'connect' | 'cancel' }): Promise<ConsentedAuthorization> {
  const response = await h.request('/v1/connections', { method: 'POST', headers: asMerchant(apiKey), body: JSON.stringify({ provider: 'quickbooks' }) });
  if (response.status !== 201) throw new Error(`creating a connection answered ${response.status}`);
  const { connection, authorizeUrl } = (await response.json()) as { connection: { id: string }; authorizeUrl: string };
  return { connectionId: connection.id, callbackPath: callbackPathOf(await completeConsent(authorizeUrl, choice)) };
}

/** Asks for a re-authorization URL and submits the consent page. */
export async function consentToReauthorization(h: ApiHarness, apiKey: string, connectionId: string, choice: { realmId: string; decision?: 'connect' | 'cancel' }): Promise<string> {
  const response = await h.request(`/v1/connections/${connectionId}/reauthorize`, { method: 'POST', headers: asMerchant(apiKey) });
  if (response.status !== 200) throw new Error(`reauthorize answered ${response.status}: ${await response.text()}`);
  const { authorizeUrl } = (await response.json()) as { authorizeUrl: string };
  return callbackPathOf(await completeConsent(authorizeUrl, choice));
}

export function callback(h: ApiHarness, path: string, headers: Record<string, string> = { accept: 'application/json' }): Promise<Response> {
  return h.request(path, { headers });
}

/** Creates and fully authorizes a connection (JSON callback must succeed). */
export async function connectCompany(h: ApiHarness, apiKey: string, realmId: string): Promise<string> {
  const { connectionId, callbackPath } = await consentToNewConnection(h, apiKey, { realmId });
  const response = await callback(h, callbackPath);
  if (response.status !== 200) throw new Error(`callback answered ${response.status}: ${await response.text()}`);
  return connectionId;
}

/** How many times the simulator's token endpoint was called (no refreshes happen in these tests: every call is a code exchange). */
export async function tokenEndpointCalls(simulator: RunningSimulator): Promise<number> {
  const { data } = await simulator.control.requests({ kind: 'oauth' });
  return data.filter((entry) => entry.method === 'POST' && entry.path === '/oauth2/v1/tokens/bearer').length;
}

/**
 * A worker running the signal-recording stand-in of the connection workflow on the file's task queue.
 * Built here, not by startStack: the stack's workers run the product's own workflow, not a stand-in.
 */
export async function startRecordingWorker(temporal: TestTemporal): Promise<{ stop(): Promise<void> }> {
  const worker = await Worker.create({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    workflowsPath: fileURLToPath(new URL('./recording-workflow.ts', import.meta.url)),
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

export async function receivedSignals(temporal: TestTemporal, connectionId: string): Promise<RecordedSignal[]> {
  return temporal.client.workflow.getHandle(workflowIdForConnection(connectionId)).query(receivedSignalsQuery);
}

export async function workflowExists(temporal: TestTemporal, connectionId: string): Promise<boolean> {
  try {
    await temporal.client.workflow.getHandle(workflowIdForConnection(connectionId)).describe();
    return true;
  } catch (error) {
    if ((error as Error).name === 'WorkflowNotFoundError') return false;
    throw error;
  }
}
