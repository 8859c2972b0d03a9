/**
 * What the simulator sends on its own: signed webhook notifications after changes (legacy and
 * CloudEvents formats), never holding up the change itself. And what it does not send: a call to the
 * app's Disconnect URL, which Intuit visits with the merchant's browser, never server to server.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator, WebhookDelivery } from '../../simulator/index.js';
import { completeConsent } from '../../simulator/consent-client.js';
import { authorizeUrl, connect, startTestSimulator } from './support.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A tiny HTTP receiver standing in for our API's webhook endpoint. */
class Receiver {
  readonly received: Received[] = [];
  delayMs = 0;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        setTimeout(() => response.writeHead(200).end(), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async waitFor(count: number): Promise<Received[]> {
    for (let waited = 0; this.received.length < count; waited += 20) {
      if (waited > 5_000) throw new Error(`expected ${count} requests, got ${this.received.length}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.received;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const VERIFIER = 'verifier-token-for-tests';
let simulator: RunningSimulator;
let receiver: Receiver;
let realmId: string;

beforeAll(async () => {
  receiver = new Receiver();
  await receiver.start();
  simulator = await startTestSimulator({
    apps: [{ clientId: 'app-with-disconnect-url', clientSecret: 's3cret', redirectUris: ['http://127.0.0.1:9/cb'], disconnectUrl: `${receiver.url}/quickbooks/disconnect` }],
  });
  realmId = (await simulator.control.createCompany({ seed: 13 })).realmId;
});

afterEach(async () => {
  await simulator.control.clearWebhooks();
  receiver.received.length = 0;
  receiver.delayMs = 0;
});

afterAll(async () => {
  await simulator.close();
  await receiver.stop();
});

function signatureOf(body: string): string {
  return createHmac('sha256', VERIFIER).update(body).digest('base64');
}

/** Polls the delivery log until one delivery satisfies `wanted`. */
async function delivery(wanted: (delivery: WebhookDelivery) => boolean): Promise<WebhookDelivery> {
  for (let waited = 0; waited < 5_000; waited += 20) {
    const found = (await simulator.control.webhookDeliveries()).data.find(wanted);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no such webhook delivery within 5 s');
}

describe('webhooks', () => {
  it('POSTs a signed legacy notification listing every changed object, without holding up the change', async () => {
    receiver.delayMs = 1_500;
    await simulator.control.registerWebhook({ url: `${receiver.url}/webhooks/quickbooks`, verifierToken: VERIFIER, format: 'legacy' });
    const started = performance.now();
    const { changed } = await simulator.control.applyChanges(realmId, { create: { Invoice: 1 }, update: { Customer: 1 }, void: { SalesReceipt: 1 }, delete: { Payment: 1 } });
    expect(performance.now() - started).toBeLessThan(1_000);

    const [notification] = await receiver.waitFor(1);
    expect(notification?.method).toBe('POST');
    expect(notification?.url).toBe('/webhooks/quickbooks');
    expect(notification?.headers['intuit-signature']).toBe(signatureOf(notification?.body ?? ''));
    const payload = JSON.parse(notification?.body ?? '') as { eventNotifications: { realmId: string; dataChangeEvent: { entities: Record<string, string>[] } }[] };
    expect(payload.eventNotifications).toHaveLength(1);
    expect(payload.eventNotifications[0]?.realmId).toBe(realmId);
    const entities = payload.eventNotifications[0]?.dataChangeEvent.entities ?? [];
    expect(entities.map(({ id, operation, name }) => ({ id, operation, name }))).toEqual(
      changed.map((change) => ({ id: change.id, name: change.entity, operation: { create: 'Create', update: 'Update', void: 'Void', delete: 'Delete' }[change.op] })),
    );
    for (const entity of entities) expect(entity.lastUpdated).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    expect(await delivery((sent) => sent.body === notification?.body)).toMatchObject({ status: 200, realmId, format: 'legacy', body: notification?.body, signature: notification?.headers['intuit-signature'] });
  });

  it('POSTs a CloudEvents array, one event per change, signed the same way', async () => {
    await simulator.control.registerWebhook({ url: `${receiver.url}/webhooks/quickbooks`, verifierToken: VERIFIER, format: 'cloudevents' });
    const { changed } = await simulator.control.applyChanges(realmId, { create: { Invoice: 1 }, delete: { Item: 1 } });
    const [notification] = await receiver.waitFor(1);
    expect(notification?.headers['intuit-signature']).toBe(signatureOf(notification?.body ?? ''));
    const events = JSON.parse(notification?.body ?? '') as Record<string, unknown>[];
    expect(Array.isArray(events)).toBe(true);
    expect(events).toEqual([
      expect.objectContaining({ specversion: '1.0', type: 'qbo.invoice.created.v1', intuitentityid: changed[0]?.id, intuitaccountid: realmId, datacontenttype: 'application/json' }),
      expect.objectContaining({ type: 'qbo.item.deleted.v1', intuitentityid: changed[1]?.id, intuitaccountid: realmId }),
    ]);
    expect(events[0]?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(String(events[0]?.source)).toMatch(/^intuit\./);
  });

  it('logs a delivery nobody answered, and stops sending once subscriptions are cleared', async () => {
    await simulator.control.registerWebhook({ url: 'http://127.0.0.1:9/nobody-listens', verifierToken: VERIFIER, format: 'legacy' });
    await simulator.control.applyChanges(realmId, { update: { Item: 1 } });
    const failed = await delivery((sent) => sent.url.endsWith('/nobody-listens'));
    expect(failed).toMatchObject({ status: null, error: expect.any(String) as string });

    await simulator.control.clearWebhooks();
    await simulator.control.applyChanges(realmId, { update: { Item: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received).toEqual([]);
  });
});

describe('the Disconnect URL', () => {
  const DISCONNECT_APP = 'app-with-disconnect-url';
  async function connectDisconnectApp(): Promise<void> {
    const authorize = authorizeUrl(simulator, { client_id: DISCONNECT_APP, redirect_uri: 'http://127.0.0.1:9/cb' });
    const code = new URL(await completeConsent(authorize, { realmId })).searchParams.get('code');
    const exchange = await fetch(`${simulator.url}/oauth2/v1/tokens/bearer`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${DISCONNECT_APP}:s3cret`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: code ?? '', redirect_uri: 'http://127.0.0.1:9/cb' }),
    });
    expect(exchange.status).toBe(200);
  }
  const disconnectUrl = () => `${receiver.url}/quickbooks/disconnect?realmId=${realmId}`;

  it('is never called server to server: the disconnect answer names it, for the merchant\'s browser to visit', async () => {
    await connectDisconnectApp();
    await connect(simulator, realmId); // another app's grant on the same company (no Disconnect URL)

    expect(await simulator.control.disconnect(realmId, { clientId: DISCONNECT_APP })).toEqual({ realmId, revokedGrants: 1, disconnectUrl: disconnectUrl(), disconnectUrls: [disconnectUrl()] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received).toEqual([]);
    const grants = (await simulator.control.grants({ realmId })).data;
    expect(grants.filter((grant) => grant.clientId === DISCONNECT_APP).map((grant) => grant.status)).toEqual(['disconnected']);
    expect(grants.some((grant) => grant.clientId === 'simulator-test-app' && grant.status === 'active')).toBe(true);
  });

  it("sends a browser there: the My Apps page's Disconnect button answers 303 to the Disconnect URL", async () => {
    await connectDisconnectApp();
    const myApps = await (await fetch(`${simulator.url}/__simulator/companies/${realmId}/disconnect`)).text();
    expect(myApps).toContain(`<button type="submit" name="clientId" value="${DISCONNECT_APP}">Disconnect</button>`);
    const response = await fetch(`${simulator.url}/__simulator/companies/${realmId}/disconnect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: `clientId=${DISCONNECT_APP}`,
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(disconnectUrl());
    expect(receiver.received).toEqual([]);
  });

  it('for an app without a Disconnect URL: disconnectUrl is null and a browser is shown a page', async () => {
    await connect(simulator, realmId);
    const result = await simulator.control.disconnect(realmId, { clientId: 'simulator-test-app' });
    expect(result).toMatchObject({ disconnectUrl: null, disconnectUrls: [] });
    expect(result.revokedGrants).toBeGreaterThanOrEqual(1);
    const response = await fetch(`${simulator.url}/__simulator/companies/${realmId}/disconnect`, { method: 'POST', headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Disconnected');
  });
});
