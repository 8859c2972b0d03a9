/**
 * Two API replicas over one database and one Temporal, as behind a load balancer: whichever replica a
 * request reaches, the OAuth state another issued is honoured, a dashboard session another started is
 * signed in, and a client's public-endpoint budget is one budget, counted by the address the trusted
 * proxy forwarded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, PUBLIC_BASE_URL, type ApiHarness, type SimulatedApiHarness } from './support/harness.js';
import { API_SIMULATOR, callback, consentToNewConnection } from './support/oauth-flow.js';

const LIMIT = 4;

describe('two API replicas behind a load balancer', () => {
  let first: SimulatedApiHarness;
  let second: ApiHarness;

  beforeAll(async () => {
    const options = { trustedProxyHops: 1, rateLimits: { oauthCallback: LIMIT, session: LIMIT } };
    first = await createApiHarness({ ...options, simulator: API_SIMULATOR });
    second = await createApiHarness({ ...options, replicaOf: first });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  /** The load balancer appends the client's address to X-Forwarded-For and picks a replica. */
  const viaBalancer = (replica: ApiHarness, client: string, path: string, init: RequestInit = {}) =>
    replica.request(path, { ...init, headers: { accept: 'application/json', ...(init.headers as Record<string, string>), 'x-forwarded-for': client } });

  it('holds one client to one budget across both replicas, and keeps other clients apart', async () => {
    const statuses: number[] = [];
    for (let n = 0; n < LIMIT + 2; n++) statuses.push((await viaBalancer(n % 2 === 0 ? first : second, '198.51.100.7', '/oauth/quickbooks/callback?state=x')).status);
    expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
    // Another merchant behind the same balancer has a budget of its own on either replica…
    expect((await viaBalancer(second, '198.51.100.8', '/oauth/quickbooks/callback?state=x')).status).toBe(400);
    // …and the sign-in endpoint's budget is not the callback's.
    const signIn = await viaBalancer(first, '198.51.100.7', '/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"apiKey":"nope"}' });
    expect(signIn.status).toBe(401);
  });

  it('completes on one replica an authorization the other started', async () => {
    const merchant = await first.createMerchant();
    const { connectionId, callbackPath } = await consentToNewConnection(first, merchant.apiKey, { realmId: (await first.simulator.control.createCompany({ invoices: 1, customers: 1 })).realmId, decision: 'cancel' });
    const response = await callback(second, callbackPath, { accept: 'application/json', 'x-forwarded-for': '203.0.113.20' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ result: 'access_denied', connection: { id: connectionId } });
    // The state is spent for both replicas.
    expect((await callback(first, callbackPath, { accept: 'application/json', 'x-forwarded-for': '203.0.113.20' })).status).not.toBe(200);
  });

  it('signs in on one replica and is signed in on the other', async () => {
    const merchant = await first.createMerchant('Replica Books');
    const signedIn = await viaBalancer(first, '203.0.113.30', '/session', { method: 'POST', headers: { 'content-type': 'application/json', origin: PUBLIC_BASE_URL }, body: JSON.stringify({ apiKey: merchant.apiKey }) });
    expect(signedIn.status).toBe(201);
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    const dashboard = await second.request('/', { headers: { cookie, 'x-forwarded-for': '203.0.113.30' } });
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('Replica Books');
  });
});
