/**
 * Connecting and re-authorizing QuickBooks companies the way a merchant does, in one place for tests,
 * chaos, benchmarks and the fixture recorder. Either through the real HTTP API (new connection, Intuit's
 * consent page, our OAuth callback), or — when a test has no API — the same steps the callback takes:
 * consent on the simulator's page, the single-use code exchanged through intuit-oauth, the realm
 * recorded, and the sealed tokens handed to the workflow by the product's own token delivery.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowOptions } from '../connections/workflow-client.js';
import { createConnection, recordConnectionRealm } from '../db/queries/connections.js';
import { workflowIdForConnection } from '../shared/contract.js';
import type { QuickBooksTokenSet } from '../shared/tokens.js';
import { completeConsent } from '../simulator/consent-client.js';
import { retryUntil } from './retry.js';
import type { Stack } from './stack.js';

export interface StackConnection {
  connectionId: string;
  merchantId: string;
  realmId: string;
  workflowId: string;
}

/** Retries every step until it succeeds (chaos kills the servers these calls go to); off by default. */
export interface Persistence {
  retryForMs?: number;
}

function persist<T>(what: string, options: Persistence, step: () => Promise<T>): Promise<T> {
  return options.retryForMs ? retryUntil(what, step, { timeoutMs: options.retryForMs, intervalMs: 500 }) : step();
}

/** Consent + code exchange; on failure it starts over with a fresh consent (a code is never exchanged twice). */
export function authorizeRealm(stack: Pick<Stack, 'oauth'>, realmId: string, options: Persistence = {}): Promise<QuickBooksTokenSet> {
  return persist(`authorizing company ${realmId}`, options, async () => {
    const state = randomUUID();
    const redirect = new URL(await completeConsent(stack.oauth.authorizeUrl({ state }), { realmId, decision: 'connect' }));
    const code = redirect.searchParams.get('code');
    if (!code) throw new Error(`consent did not return a code: ${redirect.toString()}`);
    return stack.oauth.exchangeCode({ code, realmId: redirect.searchParams.get('realmId') ?? realmId, state });
  });
}

/** What connecting needs of a stack: our database, the OAuth client, the sealer and the product's workflow client. */
export type ConnectTarget = Pick<Stack, 'database' | 'oauth' | 'sealer' | 'workflows'>;

/** A new connection of `merchantId` to company `realmId`, authorized and handed to its workflow. */
export async function connectCompany(
  stack: ConnectTarget,
  params: { merchantId: string; realmId: string; workflow?: WorkflowOptions; onTokens?: (tokens: QuickBooksTokenSet) => void } & Persistence,
): Promise<StackConnection> {
  const connection = await createConnection(stack.database.db, { merchantId: params.merchantId });
  const tokens = await authorizeRealm(stack, params.realmId, params);
  params.onTokens?.(tokens);
  await recordConnectionRealm(stack.database.db, { connectionId: connection.id, realmId: params.realmId });
  const sealedTokens = stack.sealer.sealJson(tokens);
  await persist(`starting the workflow of ${connection.id}`, params, () =>
    stack.workflows.deliverTokens({ connection, realmId: params.realmId, sealedTokens, workflowOptions: params.workflow }),
  );
  return { connectionId: connection.id, merchantId: params.merchantId, realmId: params.realmId, workflowId: workflowIdForConnection(connection.id) };
}

/**
 * Consent again and deliver fresh tokens, as the callback of a re-authorization does (signal-with-start:
 * a workflow that is gone is started again and resumes from the mirrored checkpoint).
 */
export async function reauthorizeConnection(
  stack: ConnectTarget,
  connection: StackConnection,
  options: { realmId?: string; workflow?: WorkflowOptions; onTokens?: (tokens: QuickBooksTokenSet) => void } & Persistence = {},
): Promise<void> {
  const realmId = options.realmId ?? connection.realmId;
  const tokens = await authorizeRealm(stack, realmId, options);
  options.onTokens?.(tokens);
  const target = { id: connection.connectionId, merchantId: connection.merchantId, status: 'needs_reauthorization' as const };
  await persist(`re-authorizing ${connection.workflowId}`, options, () =>
    stack.workflows.deliverTokens({ connection: target, realmId, sealedTokens: stack.sealer.sealJson(tokens), workflowOptions: options.workflow }),
  );
}

/**
 * The merchant's whole connect through the HTTP API: new connection, consent page, our callback. Returns
 * the connection id. With `callbackApi`, Intuit's redirect lands on another API replica than the one
 * that started the consent (behind a load balancer, any replica may get it).
 */
export async function connectThroughApi(api: ApiClient, apiKey: string, realmId: string, callbackApi: ApiClient = api): Promise<string> {
  const created = await api.request('/v1/connections', { method: 'POST', headers: asMerchant(apiKey), body: JSON.stringify({ provider: 'quickbooks' }) });
  const { connection, authorizeUrl } = await expectJson<{ connection: { id: string }; authorizeUrl: string }>(created, 'POST /v1/connections', 201);
  await expectJson(await callbackApi.request(callbackPathOf(await completeConsent(authorizeUrl, { realmId })), { headers: { accept: 'application/json' } }), 'the OAuth callback');
  return connection.id;
}

/** Re-authorization through the HTTP API up to Intuit's redirect: the callback path, not yet called. */
export async function consentToReauthorization(api: ApiClient, apiKey: string, connectionId: string, choice: { realmId: string; decision?: 'connect' | 'cancel' }): Promise<string> {
  const response = await api.request(`/v1/connections/${connectionId}/reauthorize`, { method: 'POST', headers: asMerchant(apiKey) });
  const { authorizeUrl } = await expectJson<{ authorizeUrl: string }>(response, 'POST /reauthorize');
  return callbackPathOf(await completeConsent(authorizeUrl, choice));
}

/** Anything that answers HTTP requests like a Hono app (`app.request`). */
export interface ApiClient {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

/** An API process (or the load balancer in front of several) at `baseUrl`, as an ApiClient; redirects are returned, not followed. */
export function httpApi(baseUrl: string): ApiClient {
  return { request: (path, init) => fetch(new URL(path, baseUrl), { redirect: 'manual', ...init }) };
}

/** Headers of a merchant API call with a JSON body. */
export function asMerchant(apiKey: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...extra };
}

/** The path + query of a redirect to our callback, for `app.request`. */
export function callbackPathOf(redirectUrl: string): string {
  const url = new URL(redirectUrl);
  return `${url.pathname}${url.search}`;
}

async function expectJson<T>(response: Response, what: string, status = 200): Promise<T> {
  if (response.status !== status) throw new Error(`${what} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}
