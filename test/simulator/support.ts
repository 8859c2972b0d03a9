/**
 * Small helpers for the simulator's own tests: a simulator with one registered app, a merchant's
 * consent and code exchange over plain HTTP, and typed Accounting API calls. Everything is real HTTP
 * against a real simulator; nothing is mocked.
 */
import { completeConsent } from '../../simulator/consent-client.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../simulator/index.js';

export const APP = { clientId: 'simulator-test-app', clientSecret: 'simulator-test-secret', redirectUri: 'http://127.0.0.1:9/oauth/callback' };
export const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting';

// The simulator's own tests start it directly, with their apps and options; product tests take it from startStack.
export function startTestSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ seed: 1, ...options, apps: [{ clientId: APP.clientId, clientSecret: APP.clientSecret, redirectUris: [APP.redirectUri] }, ...(options.apps ?? [])] });
}

export function authorizeUrl(simulator: RunningSimulator, params: Partial<Record<'client_id' | 'redirect_uri' | 'scope' | 'state' | 'response_type', string>> = {}): string {
  const query = new URLSearchParams({ client_id: APP.clientId, redirect_uri: APP.redirectUri, response_type: 'code', scope: ACCOUNTING_SCOPE, state: 'state-123', ...params });
  return `${simulator.url}/connect/oauth2?${query.toString()}`;
}

export function basicAuth(clientId = APP.clientId, clientSecret = APP.clientSecret): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

export interface TokenCall {
  status: number;
  headers: Headers;
  body: Record<string, string | number>;
}

export async function tokenEndpoint(simulator: RunningSimulator, form: Record<string, string>, authorization = basicAuth(), headers: Record<string, string> = {}): Promise<TokenCall> {
  const response = await fetch(`${simulator.url}/oauth2/v1/tokens/bearer`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as TokenCall['body'] };
}

export async function consentCode(simulator: RunningSimulator, realmId: string): Promise<string> {
  const redirect = new URL(await completeConsent(authorizeUrl(simulator), { realmId }));
  const code = redirect.searchParams.get('code');
  if (!code) throw new Error(`no code in ${redirect.toString()}`);
  return code;
}

/** Consent to `realmId` and exchange the code: the tokens a freshly connected app holds. */
export async function connect(simulator: RunningSimulator, realmId: string): Promise<{ accessToken: string; refreshToken: string }> {
  const code = await consentCode(simulator, realmId);
  const { status, body } = await tokenEndpoint(simulator, { grant_type: 'authorization_code', code, redirect_uri: APP.redirectUri });
  if (status !== 200) throw new Error(`code exchange failed: ${status} ${JSON.stringify(body)}`);
  return { accessToken: String(body.access_token), refreshToken: String(body.refresh_token) };
}

/** A QuickBooks object as the API returns it (only the common fields are typed). */
export interface QboObject {
  Id: string;
  SyncToken: string;
  MetaData: { CreateTime?: string; LastUpdatedTime: string };
  [field: string]: unknown;
}

export interface ApiCall {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function api(simulator: RunningSimulator, realmId: string, accessToken: string, pathAndQuery: string, init: RequestInit = {}): Promise<ApiCall> {
  const response = await fetch(`${simulator.url}/v3/company/${realmId}/${pathAndQuery}`, {
    ...init,
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', ...init.headers },
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

export function query(simulator: RunningSimulator, realmId: string, accessToken: string, statement: string): Promise<ApiCall> {
  return api(simulator, realmId, accessToken, `query?query=${encodeURIComponent(statement)}&minorversion=75`);
}

/** The rows of one entity in a query response (empty when QuickBooks left the key out). */
export function rows(call: ApiCall, entity: string): QboObject[] {
  const response = call.body.QueryResponse as Record<string, unknown> | undefined;
  return (response?.[entity] as QboObject[] | undefined) ?? [];
}

export function queryResponse(call: ApiCall): Record<string, unknown> {
  return call.body.QueryResponse as Record<string, unknown>;
}

/** The first error of a `Fault` (or lowercase `fault`) body. */
export function faultError(call: ApiCall): Record<string, unknown> {
  const upper = call.body.Fault as { Error: Record<string, unknown>[] } | undefined;
  const lower = call.body.fault as { error: Record<string, unknown>[] } | undefined;
  const error = upper?.Error[0] ?? lower?.error[0];
  if (!error) throw new Error(`not a fault: ${JSON.stringify(call.body)}`);
  return error;
}

export function ms(isoWithOffset: string): number {
  return Date.parse(isoWithOffset);
}
