/**
 * The OAuth callback against the simulator's real consent page and token endpoint, and a real
 * Temporal server where a signal-recording stand-in of the workflow receives what the API sends.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConnection } from '../../db/queries/connections.js';
import { oauthStates } from '../../db/schema/index.js';
import type { RunningSimulator } from '../../simulator/index.js';
import { workflowIdForConnection } from '../../shared/contract.js';
import { merchantIdKey, realmIdKey } from '../../shared/search-attributes.js';
import type { QuickBooksTokenSet } from '../../shared/tokens.js';
import { asMerchant, createApiHarness, type SimulatedApiHarness } from './support/harness.js';
import {
  callback,
  connectCompany,
  consentToNewConnection,
  consentToReauthorization,
  receivedSignals,
  API_SIMULATOR,
  startRecordingWorker,
  tokenEndpointCalls,
  workflowExists,
} from './support/oauth-flow.js';
import { workflowInputQuery } from './support/recording-workflow.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const stateOf = (path: string) => new URL(path, 'http://x').searchParams.get('state')!;

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe('GET /oauth/quickbooks/callback', () => {
  let h: SimulatedApiHarness;
  let simulator: RunningSimulator;
  let worker: { stop(): Promise<void> };
  let clockOffsetMs = 0;
  const logLines: string[] = [];

  beforeAll(async () => {
    h = await createApiHarness({ simulator: API_SIMULATOR, clock: () => new Date(Date.now() + clockOffsetMs), logLines });
    simulator = h.simulator;
    worker = await startRecordingWorker(h.temporal);
  });
  afterAll(async () => {
    await worker?.stop();
    await h?.close();
  });

  const newCompany = async () => (await simulator.control.createCompany({ invoices: 2, customers: 2 })).realmId;

  /** Everything a refused callback must leave untouched. */
  async function snapshot(connectionId: string) {
    return {
      connection: await getConnection(h.database.db, connectionId),
      states: await h.database.db.select().from(oauthStates).where(eq(oauthStates.connectionId, connectionId)),
      workflow: await workflowExists(h.temporal, connectionId),
      exchanges: await tokenEndpointCalls(simulator),
    };
  }

  it('completes a first connection: records the realm and hands sealed tokens to a new workflow', async () => {
    const merchant = await h.createMerchant();
    const realmId = await newCompany();
    const { connectionId, callbackPath } = await consentToNewConnection(h, merchant.apiKey, { realmId });
    const response = await callback(h, callbackPath);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ result: 'connected', connection: { id: connectionId, realmId } });

    await expect.poll(() => receivedSignals(h.temporal, connectionId)).toHaveLength(1);
    const [signal] = await receivedSignals(h.temporal, connectionId);
    expect(signal).toMatchObject({ name: 'tokensIssued', realmId });
    const tokens = h.sealer.unsealJson<QuickBooksTokenSet>((signal as { sealedTokens: string }).sealedTokens);
    expect(tokens.realmId).toBe(realmId);

    const handle = h.temporal.client.workflow.getHandle(workflowIdForConnection(connectionId));
    const summary = `QuickBooks company ${realmId} · ${merchant.name}`;
    expect(await handle.query(workflowInputQuery)).toEqual({ connectionId, merchantId: merchant.id, syncIntervalMs: 60_000, summary });
    const description = await handle.describe();
    // What operators read in `temporal workflow describe` and the Web UI: what this workflow is.
    expect(await description.staticSummary()).toBe(summary);
    expect(await description.staticDetails()).toContain(`**Connection** \`${connectionId}\``);
    expect(description.typedSearchAttributes.get(merchantIdKey)).toBe(merchant.id);
    expect(description.typedSearchAttributes.get(realmIdKey)).toBe(realmId);
    // Tokens travel sealed: no plaintext token anywhere in the workflow's history.
    const history = JSON.stringify(await handle.fetchHistory());
    expect(history).not.toContain(tokens.accessToken);
    expect(history).not.toContain(tokens.refreshToken);
    // The code and the state are not stored in plaintext either.
    const [state] = await h.database.db.select().from(oauthStates).where(eq(oauthStates.connectionId, connectionId));
    const code = new URL(callbackPath, 'http://x').searchParams.get('code')!;
    expect(state).toMatchObject({ stateHash: sha256(stateOf(callbackPath)), codeHash: sha256(code), consumedAt: expect.any(Date) });
  });

  it('sends browsers back to the dashboard', async () => {
    const merchant = await h.createMerchant();
    const { connectionId, callbackPath } = await consentToNewConnection(h, merchant.apiKey, { realmId: await newCompany() });
    const response = await callback(h, callbackPath, { accept: 'text/html' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`http://api.test/?connection=${connectionId}&result=connected`);
  });

  it('exchanges the code exactly once when the same callback arrives twice', async () => {
    const merchant = await h.createMerchant();
    const realmId = await newCompany();
    const { connectionId, callbackPath } = await consentToNewConnection(h, merchant.apiKey, { realmId });
    const before = await tokenEndpointCalls(simulator);
    expect((await callback(h, callbackPath)).status).toBe(200);
    const repeat = await callback(h, callbackPath);
    expect(repeat.status).toBe(409);
    expect(await repeat.json()).toMatchObject({ error: { code: 'authorization_already_completed' }, connection: { id: connectionId, realmId } });
    const browserRepeat = await callback(h, callbackPath, { accept: 'text/html' });
    expect(browserRepeat.headers.get('location')).toContain('result=already_completed');
    expect(await tokenEndpointCalls(simulator)).toBe(before + 1);
    expect((await simulator.control.grants({ realmId })).data.map((grant) => grant.status)).toEqual(['active']);
  });

  it('exchanges the code exactly once when the callback arrives concurrently', async () => {
    const merchant = await h.createMerchant();
    const realmId = await newCompany();
    const { connectionId, callbackPath } = await consentToNewConnection(h, merchant.apiKey, { realmId });
    const before = await tokenEndpointCalls(simulator);
    const responses = await Promise.all(Array.from({ length: 6 }, () => callback(h, callbackPath)));
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    expect(await tokenEndpointCalls(simulator)).toBe(before + 1);
    expect((await simulator.control.grants({ realmId })).data.map((grant) => grant.status)).toEqual(['active']);
    await expect.poll(() => receivedSignals(h.temporal, connectionId)).toHaveLength(1);
  });

  it('refuses a missing, tampered or unknown state and changes nothing', async () => {
    const merchant = await h.createMerchant();
    const { connectionId, callbackPath } = await consentToNewConnection(h, merchant.apiKey, { realmId: await newCompany() });
    const before = await snapshot(connectionId);
    const url = new URL(callbackPath, 'http://x');
    const state = url.searchParams.get('state')!;
    const tampered = `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`;
    const withState = (value: string | null) => {
      const copy = new URL(url);
      if (value === null) copy.searchParams.delete('state');
      else copy.searchParams.set('state', value);
      return `${copy.pathname}${copy.search}`;
    };
    expect(await errorCode(await callback(h, withState(null)))).toBe('state_missing');
    const response = await callback(h, withState(tampered));
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('state_invalid');
    expect(await errorCode(await callback(h, withState('x'.repeat(600))))).toBe('validation_failed');
    expect(await snapshot(connectionId)).toEqual(before);
    expect(before.workflow).toBe(false);
  });

  it('refuses an expired state without exchanging the code', async () => {
    const merchant = await h.createMerchant();
    const { connectionId, callbackPath } = await consentToNewConnection(h, merchant.apiKey, { realmId: await newCompany() });
    const before = await snapshot(connectionId);
    clockOffsetMs = 11 * 60_000;
    try {
      const response = await callback(h, callbackPath);
      expect(response.status).toBe(400);
      expect(await errorCode(response)).toBe('state_expired');
    } finally {
      clockOffsetMs = 0;
    }
    expect(await snapshot(connectionId)).toEqual(before);
  });

  it('refuses a state another signed-in merchant carries, and a state replayed with another code', async () => {
    const owner = await h.createMerchant();
    const other = await h.createMerchant();
    const { connectionId, callbackPath } = await consentToNewConnection(h, owner.apiKey, { realmId: await newCompany() });
    const session = await h.request('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: other.apiKey }) });
    const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
    const before = await snapshot(connectionId);
    const response = await callback(h, callbackPath, { accept: 'application/json', cookie });
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('state_not_for_this_session');
    expect(await snapshot(connectionId)).toEqual(before);

    // The owner's browser completes it; then the same state with a different code is a replay.
    expect((await callback(h, callbackPath)).status).toBe(200);
    const replay = new URL(callbackPath, 'http://x');
    replay.searchParams.set('code', 'some-other-code');
    const replayed = await callback(h, `${replay.pathname}${replay.search}`);
    expect(replayed.status).toBe(400);
    expect(await errorCode(replayed)).toBe('state_consumed');
  });

  it('refuses a code already exchanged through another state', async () => {
    const merchant = await h.createMerchant();
    const first = await consentToNewConnection(h, merchant.apiKey, { realmId: await newCompany() });
    expect((await callback(h, first.callbackPath)).status).toBe(200);
    const second = await consentToNewConnection(h, merchant.apiKey, { realmId: await newCompany() });
    const before = await snapshot(second.connectionId);
    const forged = new URL(second.callbackPath, 'http://x');
    forged.searchParams.set('code', new URL(first.callbackPath, 'http://x').searchParams.get('code')!);
    const response = await callback(h, `${forged.pathname}${forged.search}`);
    expect(response.status).toBe(409);
    expect(await errorCode(response)).toBe('code_already_used');
    expect(await snapshot(second.connectionId)).toEqual(before);
  });

  it('leaves the connection exactly as it was when the merchant cancels (access_denied)', async () => {
    const merchant = await h.createMerchant();
    const { connectionId, callbackPath } = await consentToNewConnection(h, merchant.apiKey, { realmId: await newCompany(), decision: 'cancel' });
    expect(callbackPath).toContain('error=access_denied');
    const before = await snapshot(connectionId);
    const response = await callback(h, callbackPath);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ result: 'access_denied', connection: { id: connectionId, status: 'pending_authorization', realmId: null } });
    const after = await snapshot(connectionId);
    expect(after.connection).toEqual(before.connection);
    expect(after.workflow).toBe(false);
    expect(after.exchanges).toBe(before.exchanges);
    expect(after.states[0]!.consumedAt).toBeInstanceOf(Date);
    // The spent state cannot be used again.
    expect(await errorCode(await callback(h, callbackPath))).toBe('state_consumed');
  });

  it('re-authorizes the same company, and refuses a different one without touching the connection or its workflow', async () => {
    const merchant = await h.createMerchant();
    const realmId = await newCompany();
    const connectionId = await connectCompany(h, merchant.apiKey, realmId);
    await expect.poll(() => receivedSignals(h.temporal, connectionId)).toHaveLength(1);

    const otherCompany = await newCompany();
    const wrongPath = await consentToReauthorization(h, merchant.apiKey, connectionId, { realmId: otherCompany });
    const before = await snapshot(connectionId);
    const refused = await callback(h, wrongPath);
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('realm_mismatch');
    expect(body.error.message).toContain(realmId);
    expect(await snapshot(connectionId)).toEqual(before);
    expect(await receivedSignals(h.temporal, connectionId)).toHaveLength(1);

    const rightPath = await consentToReauthorization(h, merchant.apiKey, connectionId, { realmId });
    const accepted = await callback(h, rightPath);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ result: 'reauthorized', connection: { id: connectionId, realmId } });
    await expect.poll(async () => (await receivedSignals(h.temporal, connectionId)).map((signal) => signal.name)).toEqual(['tokensIssued', 'tokensIssued']);
  });

  it("refuses a company the merchant already has on another live connection; other merchants may connect it", async () => {
    const merchant = await h.createMerchant();
    const realmId = await newCompany();
    const firstId = await connectCompany(h, merchant.apiKey, realmId);
    const { connectionId, callbackPath } = await consentToNewConnection(h, merchant.apiKey, { realmId });
    const before = await snapshot(connectionId);
    const response = await callback(h, callbackPath);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: 'realm_already_connected' }, connectionId: firstId });
    expect(await snapshot(connectionId)).toEqual(before);

    const otherMerchant = await h.createMerchant();
    expect(await connectCompany(h, otherMerchant.apiKey, realmId)).toEqual(expect.any(String));
  });

  it('refuses the callback of a connection disconnected meanwhile', async () => {
    const merchant = await h.createMerchant();
    const { connectionId, callbackPath } = await consentToNewConnection(h, merchant.apiKey, { realmId: await newCompany() });
    expect((await h.request(`/v1/connections/${connectionId}`, { method: 'DELETE', headers: asMerchant(merchant.apiKey) })).status).toBe(202);
    const before = await snapshot(connectionId);
    const response = await callback(h, callbackPath);
    expect(response.status).toBe(409);
    expect(await errorCode(response)).toBe('connection_disconnected');
    expect(await snapshot(connectionId)).toEqual(before);
  });

  it('never logs a token, an authorization code, a state or an API key', async () => {
    const merchant = await h.createMerchant();
    const realmId = await newCompany();
    const { connectionId, callbackPath } = await consentToNewConnection(h, merchant.apiKey, { realmId });
    expect((await callback(h, callbackPath)).status).toBe(200);
    expect((await callback(h, callbackPath)).status).toBe(409);
    await expect.poll(() => receivedSignals(h.temporal, connectionId)).toHaveLength(1);
    const [signal] = await receivedSignals(h.temporal, connectionId);
    const tokens = h.sealer.unsealJson<QuickBooksTokenSet>((signal as { sealedTokens: string }).sealedTokens);
    const query = new URL(callbackPath, 'http://x').searchParams;
    const secrets = [merchant.apiKey, query.get('code')!, query.get('state')!, tokens.accessToken, tokens.refreshToken, (signal as { sealedTokens: string }).sealedTokens];
    const logs = logLines.join('');
    expect(logs).toContain(connectionId);
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });

  it('reports a token endpoint failure as 502 and does not start a workflow', async () => {
    const merchant = await h.createMerchant();
    const { connectionId, callbackPath } = await consentToNewConnection(h, merchant.apiKey, { realmId: await newCompany() });
    await simulator.control.setFaults({ rules: [{ kind: '503', rate: 1, target: 'oauth', remaining: 1 }] });
    try {
      const response = await callback(h, callbackPath);
      expect(response.status).toBe(502);
      expect(await errorCode(response)).toBe('quickbooks_unavailable');
    } finally {
      await simulator.control.clearFaults();
    }
    expect(await workflowExists(h.temporal, connectionId)).toBe(false);
    expect((await getConnection(h.database.db, connectionId))!.realmId).toBeNull();
  });
});
