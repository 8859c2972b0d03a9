import { randomUUID } from 'node:crypto';
/**
 * Intuit's webhooks (both body formats, signed raw bodies; also delivered by the simulator to a real
 * listening server), the Reconnect and Disconnect URLs, and the merchant actions that signal a running
 * workflow — observed on a real Temporal server through the signal-recording stand-in.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { getConnection, setConnectionStatus } from '../../db/queries/connections.js';
import { oauthStates } from '../../db/schema/index.js';
import { completeConsent, type RunningSimulator } from '../../simulator/index.js';
import { asMerchant, createApiHarness, WEBHOOK_VERIFIER_TOKEN, type SimulatedApiHarness } from './support/harness.js';
import { API_SIMULATOR, callback, callbackPathOf, connectCompany, receivedSignals, startRecordingWorker } from './support/oauth-flow.js';

const sign = (body: string, token = WEBHOOK_VERIFIER_TOKEN) => createHmac('sha256', token).update(body).digest('base64');
const legacyBody = (realmIds: string[]) =>
  JSON.stringify({
    eventNotifications: realmIds.map((realmId) => ({
      realmId,
      dataChangeEvent: { entities: [{ id: '12', operation: 'Update', name: 'Invoice', lastUpdated: '2025-09-08T20:52:31.657Z' }] },
    })),
  });
const cloudEventsBody = (realmIds: string[]) =>
  JSON.stringify(
    realmIds.map((realmId, index) => ({
      specversion: '1.0',
      id: `event-${index}`,
      source: 'intuit.test',
      type: 'qbo.invoice.updated.v1',
      datacontenttype: 'application/json',
      time: '2025-09-10T21:31:25.179Z',
      intuitentityid: '12',
      intuitaccountid: realmId,
      data: {},
    })),
  );

describe('webhooks, Intuit app URLs and workflow signals', () => {
  let h: SimulatedApiHarness;
  let simulator: RunningSimulator;
  let worker: { stop(): Promise<void> };
  let merchant: { id: string; apiKey: string };
  let otherMerchant: { id: string; apiKey: string };
  let realmA: string;
  let realmB: string;
  /** merchant's connection to realm A, otherMerchant's connection to realm A, merchant's connection to realm B */
  let connA: string;
  let otherConnA: string;
  let connB: string;

  const syncNowReasons = async (connectionId: string) =>
    (await receivedSignals(h.temporal, connectionId)).flatMap((signal) => (signal.name === 'syncNow' ? [signal.reason] : []));
  const postWebhook = (body: string, headers: Record<string, string> = { 'intuit-signature': sign(body) }) =>
    h.request('/webhooks/quickbooks', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  beforeAll(async () => {
    h = await createApiHarness({ simulator: API_SIMULATOR });
    simulator = h.simulator;
    worker = await startRecordingWorker(h.temporal);
    merchant = await h.createMerchant();
    otherMerchant = await h.createMerchant();
    realmA = (await simulator.control.createCompany({ invoices: 1 })).realmId;
    realmB = (await simulator.control.createCompany({ invoices: 1 })).realmId;
    connA = await connectCompany(h, merchant.apiKey, realmA);
    otherConnA = await connectCompany(h, otherMerchant.apiKey, realmA);
    connB = await connectCompany(h, merchant.apiKey, realmB);
    for (const id of [connA, otherConnA, connB]) await waitUntil(async () => (await receivedSignals(h.temporal, id)).length === 1);
  });
  afterAll(async () => {
    await worker?.stop();
    await h?.close();
  });

  describe('POST /webhooks/quickbooks', () => {
    it('signals syncNow to every live connection of the realms in a legacy body, across merchants', async () => {
      const response = await postWebhook(legacyBody([realmA]));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ received: true, format: 'legacy', realms: 1, connections: 2 });
      await expect.poll(() => syncNowReasons(connA)).toEqual(['webhook']);
      await expect.poll(() => syncNowReasons(otherConnA)).toEqual(['webhook']);
      expect(await syncNowReasons(connB)).toEqual([]);
    });

    it('reads the CloudEvents top-level array', async () => {
      const response = await postWebhook(cloudEventsBody([realmB, realmB]));
      expect(await response.json()).toEqual({ received: true, format: 'cloudevents', realms: 1, connections: 1 });
      await expect.poll(() => syncNowReasons(connB)).toEqual(['webhook']);
    });

    it('acknowledges and ignores a company nobody connected', async () => {
      const response = await postWebhook(legacyBody(['999999999']));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ connections: 0 });
    });

    it('refuses a forged, missing or foreign signature with 401 before reading the body, and signals nothing', async () => {
      const before = await Promise.all([connA, otherConnA, connB].map((id) => receivedSignals(h.temporal, id)));
      const body = legacyBody([realmA]);
      const forgeries: Record<string, string>[] = [{}, { 'intuit-signature': sign(body, 'another-token') }, { 'intuit-signature': sign(`${body} `) }, { 'intuit-signature': 'not base64 !!' }];
      for (const headers of forgeries) {
        const response = await postWebhook(body, headers);
        expect(response.status).toBe(401);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
      }
      // A forged signature on garbage is still a 401, not a parse error.
      expect((await postWebhook('{not json', { 'intuit-signature': sign('{}') })).status).toBe(401);
      expect(await Promise.all([connA, otherConnA, connB].map((id) => receivedSignals(h.temporal, id)))).toEqual(before);
    });

    it('answers 400 for signed bodies in neither format and 413 past 1 MB', async () => {
      for (const body of ['{not json', '{"eventNotifications":"x"}', '[{"specversion":"1.0"}]', '42']) {
        const response = await postWebhook(body);
        expect(response.status, body).toBe(400);
      }
      const huge = legacyBody(Array.from({ length: 30_000 }, (_, i) => String(100000 + i)));
      expect(huge.length).toBeGreaterThan(1024 * 1024);
      expect((await postWebhook(huge)).status).toBe(413);
    });

    it('takes the deliveries the simulator signs and sends, in both formats, on a real listening server', async () => {
      const server = await listen(h.app.fetch);
      try {
        for (const format of ['legacy', 'cloudevents'] as const) {
          await simulator.control.clearWebhooks();
          await simulator.control.registerWebhook({ url: `${server.url}/webhooks/quickbooks`, verifierToken: WEBHOOK_VERIFIER_TOKEN, format });
          const before = (await syncNowReasons(connB)).length;
          await simulator.control.applyChanges(realmB, { update: { Invoice: 1 } });
          await expect.poll(async () => (await syncNowReasons(connB)).length, { timeout: 15_000 }).toBeGreaterThan(before);
          const deliveries = (await simulator.control.webhookDeliveries()).data.filter((delivery) => delivery.format === format);
          expect(deliveries.at(-1)?.status).toBe(200);
        }
      } finally {
        await simulator.control.clearWebhooks();
        await server.close();
      }
    });

    it('answers within Intuit’s 3 s even when Temporal hangs', async () => {
      const blackHole = await startBlackHole();
      const connection = Connection.lazy({ address: `127.0.0.1:${blackHole.port}` });
      try {
        const app = createApp({ ...h.deps, metricsRegistry: new Registry(), temporal: { client: new Client({ connection }), taskQueue: h.temporal.taskQueue } });
        const body = legacyBody([realmA]);
        const started = Date.now();
        const response = await app.request('/webhooks/quickbooks', { method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': sign(body) }, body });
        expect(response.status).toBe(200);
        expect(Date.now() - started).toBeLessThan(2_500);
      } finally {
        // The background signal is still waiting for its own deadline; closing the connection under it
        // would make Temporal's retry timer throw. The hung server keeps it waiting harmlessly instead.
        blackHole.server.unref();
      }
    });
  });

  describe('Intuit app URLs', () => {
    it('Disconnect URL: asks the realm’s workflows to verify their grant and changes no status', async () => {
      const before = await Promise.all([connA, otherConnA].map((id) => getConnection(h.database.db, id)));
      const response = await h.request(`/quickbooks/disconnect?realmId=${realmA}`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      // A person arrives here (Intuit redirects their browser): say what happened and what to do next.
      const text = await response.text();
      expect(text).toContain('QuickBooks was disconnected');
      expect(text).toContain(`href="/quickbooks/reconnect?realmId=${realmA}"`);
      expect(text).toMatch(/href="\/login\?next=[^"]*">sign in<\/a>/);
      await expect.poll(() => syncNowReasons(connA)).toContain('intuit_disconnect_url');
      await expect.poll(() => syncNowReasons(otherConnA)).toContain('intuit_disconnect_url');
      expect(await Promise.all([connA, otherConnA].map((id) => getConnection(h.database.db, id)))).toEqual(before);
      const json = await h.request(`/quickbooks/disconnect?realmId=${realmA}`, { headers: { accept: 'application/json' } });
      expect(await json.json()).toEqual({ received: true, connections: 2 });
      expect((await h.request('/quickbooks/disconnect?realmId=../../x')).status).toBe(400);
    });

    it('Reconnect URL: signed out → sign in and come back; signed in → Intuit’s consent page for that connection', async () => {
      const signedOut = await h.request(`/quickbooks/reconnect?realmId=${realmA}`);
      expect(signedOut.status).toBe(302);
      const login = signedOut.headers.get('location')!;
      expect(login).toBe(`/login?next=${encodeURIComponent(`/quickbooks/reconnect?realmId=${realmA}`)}`);

      const form = new URLSearchParams({ apiKey: merchant.apiKey, next: new URL(login, 'http://x').searchParams.get('next')! });
      const signIn = await h.request('/session', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://api.test' }, body: form.toString() });
      expect(signIn.status).toBe(303);
      expect(signIn.headers.get('location')).toBe(`/quickbooks/reconnect?realmId=${realmA}`);
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;

      const statesBefore = (await h.database.db.select().from(oauthStates).where(eq(oauthStates.connectionId, connA))).length;
      const reconnect = await h.request(`/quickbooks/reconnect?realmId=${realmA}`, { headers: { cookie } });
      expect(reconnect.status).toBe(302);
      const authorizeUrl = reconnect.headers.get('location')!;
      expect(authorizeUrl.startsWith(simulator.url)).toBe(true);
      const states = await h.database.db.select().from(oauthStates).where(eq(oauthStates.connectionId, connA));
      expect(states).toHaveLength(statesBefore + 1);
      expect(states.filter((state) => state.purpose === 'reauthorize')).toHaveLength(1);

      const completed = await callback(h, callbackPathOf(await completeConsent(authorizeUrl, { realmId: realmA })), { accept: 'text/html', cookie });
      expect(completed.status).toBe(303);
      expect(completed.headers.get('location')).toContain(`connection=${connA}&result=reauthorized`);

      const nothing = await h.request('/quickbooks/reconnect?realmId=424242', { headers: { cookie } });
      expect(nothing.headers.get('location')).toBe('http://api.test/?result=nothing_to_reconnect');
      const ambiguous = await h.request('/quickbooks/reconnect', { headers: { cookie } });
      expect(ambiguous.headers.get('location')).toBe('http://api.test/?result=nothing_to_reconnect');

      // A notice email's button names the connection: straight into its re-authorization, through sign-in when needed.
      const byConnection = await h.request(`/quickbooks/reconnect?connection=${connA}`, { headers: { cookie } });
      expect(byConnection.status).toBe(302);
      expect(byConnection.headers.get('location')!.startsWith(simulator.url)).toBe(true);
      const linkSignedOut = await h.request(`/quickbooks/reconnect?connection=${connA}`);
      expect(linkSignedOut.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/quickbooks/reconnect?connection=${connA}`)}`);
      const unknown = await h.request(`/quickbooks/reconnect?connection=${randomUUID()}`, { headers: { cookie } });
      expect(unknown.headers.get('location')).toBe('http://api.test/?result=nothing_to_reconnect');
      expect((await h.request('/quickbooks/reconnect?connection=not-a-uuid', { headers: { cookie } })).status).toBe(400);
    });
  });

  describe('merchant actions on a running workflow', () => {
    it('sync, resync and disconnect become signals; a parked connection may resync but not sync', async () => {
      const realm = (await simulator.control.createCompany({ invoices: 1 })).realmId;
      const id = await connectCompany(h, merchant.apiKey, realm);
      // The workflow's activity would write this; the stand-in does not, so the test plays its part.
      await setConnectionStatus(h.database.db, id, { status: 'active' });
      const as = asMerchant(merchant.apiKey);

      expect((await h.request(`/v1/connections/${id}/sync`, { method: 'POST', headers: as })).status).toBe(202);
      const resync = await h.request(`/v1/connections/${id}/resync`, {
        method: 'POST',
        headers: as,
        body: JSON.stringify({ since: '2024-03-01T10:00:00+02:00', entities: ['Invoice', 'Invoice', 'Payment'] }),
      });
      expect(resync.status).toBe(202);

      await setConnectionStatus(h.database.db, id, { status: 'needs_reauthorization' });
      const parked = await h.request(`/v1/connections/${id}/sync`, { method: 'POST', headers: as });
      expect(parked.status).toBe(409);
      expect(((await parked.json()) as { error: { code: string } }).error.code).toBe('connection_needs_reauthorization');
      expect((await h.request(`/v1/connections/${id}/resync`, { method: 'POST', headers: as, body: JSON.stringify({ since: '2024-01-01T00:00:00Z' }) })).status).toBe(202);

      await setConnectionStatus(h.database.db, id, { status: 'active' });
      const disconnect = await h.request(`/v1/connections/${id}`, { method: 'DELETE', headers: as });
      expect(disconnect.status).toBe(202);
      expect(await disconnect.json()).toMatchObject({ result: 'disconnect_requested', connection: { status: 'active' } });

      await expect.poll(async () => (await receivedSignals(h.temporal, id)).map(({ name, ...rest }) => (name === 'tokensIssued' ? { name } : { name, ...rest }))).toEqual([
        { name: 'tokensIssued' },
        { name: 'syncNow', reason: 'api' },
        { name: 'resync', since: '2024-03-01T08:00:00.000Z', entities: ['Invoice', 'Payment'] },
        { name: 'resync', since: '2024-01-01T00:00:00.000Z', entities: null },
        { name: 'disconnect' },
      ]);

      // The stand-in completed on disconnect; with no running workflow a sync is refused, not lost.
      const handle = h.temporal.client.workflow.getHandle(`quickbooks-connection-${id}`);
      await handle.result();
      const notRunning = await h.request(`/v1/connections/${id}/sync`, { method: 'POST', headers: as });
      expect(notRunning.status).toBe(409);
      expect(((await notRunning.json()) as { error: { code: string } }).error.code).toBe('workflow_not_running');
    });
  });
});

/** Polls outside a test body (expect.poll only works inside one). */
async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<{ url: string; close(): Promise<void> }> {
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A TCP server that accepts connections and never answers: a hung Temporal frontend. */
async function startBlackHole(): Promise<{ server: Server; port: number }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
