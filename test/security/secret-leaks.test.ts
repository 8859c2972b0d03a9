/**
 * No secret leaves its box, across a complete merchant story over HTTP with the production worker
 * process: connect, sync (access tokens refreshed and refresh tokens rotated on every cycle), books
 * change, Intuit's Disconnect (revocation, park, notice, merchant webhook), re-authorize, resync, the
 * dashboard, disconnect. Afterwards every code and token the simulator ever issued (its
 * `GET /__simulator/tokens`), the Intuit client secret, the token-encryption key and the merchants' API
 * keys are searched for in every column of every table, every workflow history (payloads decoded), the
 * worker's and the API's logs, every API response and every notice POSTed to the merchant.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionCredentials, merchants } from '../../db/schema/index.js';
import type { ManagedProcess } from '../../harness/node-process.js';
import { compareWithSnapshot } from '../../harness/verify-records.js';
import type { QuickBooksTokenSet } from '../../shared/tokens.js';
import { completeConsent, type RunningSimulator } from '../../simulator/index.js';
import { ADMIN_API_KEY, createApiHarness, PUBLIC_BASE_URL, WEBHOOK_VERIFIER_TOKEN, type SimulatedApiHarness } from '../api/support/harness.js';
import { databaseColumns, databaseTexts, findLeaks, historyTexts, readable, type Secret } from './support/leak-scan.js';

interface Recorded {
  where: string;
  text: string;
}

describe('a complete merchant story leaks no secret', () => {
  let h: SimulatedApiHarness;
  let simulator: RunningSimulator;
  let worker: ManagedProcess;
  let merchantHooks: Server;
  const apiLogLines: string[] = [];
  const responses: Recorded[] = [];
  const merchantWebhookBodies: Recorded[] = [];
  const merchantApiKeys: string[] = [];
  /** Responses that carry a merchant's API key by design (the one answer that shows it). */
  const keyBearingResponses = new Set<number>();

  beforeAll(async () => {
    // The API at debug level with a 1.5 s sync interval, over the stack's database, Temporal and simulator.
    // 302 s access tokens: the workflow refreshes 5 minutes before expiry, so every cycle refreshes; rotating
    // the refresh token on every refresh (stricter than Intuit's daily) puts more secret values to the scan.
    h = await createApiHarness({ simulator: { seed: 23, config: { accessTokenTtlSeconds: 302, refreshTokenRotation: 'every_refresh' } }, syncIntervalMs: 1_500, logLines: apiLogLines });
    simulator = h.simulator;

    // A listening API, so that the merchant's browser can be sent to our Disconnect URL the way Intuit does; its answers are recorded too.
    await h.listen(async (request: Request) => {
      const response = await h.app.fetch(request);
      responses.push({ where: `${request.method} ${new URL(request.url).pathname} (over a real socket)`, text: `${readable([...response.headers])}\n${await response.clone().text()}` });
      return response;
    });

    merchantHooks = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => void (body += chunk.toString()));
      request.on('end', () => {
        merchantWebhookBodies.push({ where: `merchant webhook ${request.url}`, text: `${readable(request.headers)}\n${body}` });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => merchantHooks.listen(0, '127.0.0.1', () => resolve()));

    // The production worker process (`npm run worker` against the stack), logging at debug level.
    worker = h.stack.spawnWorker({ label: 'worker', env: { LOG_LEVEL: 'debug' } });
  });

  afterAll(async () => {
    await worker?.stop('SIGTERM');
    await new Promise<void>((resolve) => (merchantHooks ? merchantHooks.close(() => resolve()) : resolve()));
    await h?.close();
  });

  /** Every call goes through here: its status, headers and body are kept for the scan. */
  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await h.request(path, init);
    responses.push({ where: `${init.method ?? 'GET'} ${path} → ${response.status}`, text: `${readable([...response.headers])}\n${await response.clone().text()}` });
    return response;
  }
  const asMerchant = (apiKey: string) => ({ authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', accept: 'application/json' });

  async function createMerchant(name: string): Promise<{ id: string; apiKey: string }> {
    const response = await call('/v1/merchants', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
    expect(response.status).toBe(201);
    keyBearingResponses.add(responses.length - 1);
    const merchant = (await response.json()) as { id: string; apiKey: string };
    merchantApiKeys.push(merchant.apiKey);
    return merchant;
  }

  async function status(apiKey: string, connectionId: string): Promise<{ status: string; phase: string | null }> {
    return (await (await call(`/v1/connections/${connectionId}`, { headers: asMerchant(apiKey) })).json()) as { status: string; phase: string | null };
  }

  async function waitForStatus(apiKey: string, connectionId: string, wanted: string, timeoutMs = 60_000): Promise<void> {
    await expect.poll(async () => (await status(apiKey, connectionId)).status, { timeout: timeoutMs, interval: 300 }).toBe(wanted);
  }

  async function waitForSnapshot(connectionId: string, realmId: string): Promise<void> {
    await expect
      .poll(async () => {
        const comparison = await compareWithSnapshot(h.database.db, connectionId, await simulator.control.snapshot(realmId));
        return comparison.lost + comparison.duplicated + comparison.mismatched === 0 && comparison.live > 0;
      }, { timeout: 90_000, interval: 500 })
      .toBe(true);
  }

  it('connects, syncs, is revoked, re-authorizes and disconnects; then no secret is found anywhere', { timeout: 300_000 }, async () => {
    const owner = await createMerchant('Owner Merchant');
    const other = await createMerchant('Other Merchant');
    await h.database.db.update(merchants).set({ webhookUrl: `http://127.0.0.1:${(merchantHooks.address() as AddressInfo).port}/notices` }).where(eq(merchants.id, owner.id));
    const { realmId } = await simulator.control.createCompany({ seed: 29, customers: 12, items: 6, invoices: 80, salesReceipts: 10, creditMemos: 3, refundReceipts: 2, payments: 12 });
    const { realmId: otherRealm } = await simulator.control.createCompany({ seed: 31, customers: 4, items: 2, invoices: 10 });

    // Connect both merchants through the consent page and the callback (JSON and browser forms).
    const connect = async (apiKey: string, realm: string, accept: string) => {
      const created = await call('/v1/connections', { method: 'POST', headers: asMerchant(apiKey), body: JSON.stringify({ provider: 'quickbooks' }) });
      expect(created.status).toBe(201);
      const { connection, authorizeUrl } = (await created.json()) as { connection: { id: string }; authorizeUrl: string };
      const redirect = new URL(await completeConsent(authorizeUrl, { realmId: realm }));
      const answered = await call(`${redirect.pathname}${redirect.search}`, { headers: { accept } });
      expect([200, 303]).toContain(answered.status);
      return connection.id;
    };
    const connectionId = await connect(owner.apiKey, realmId, 'application/json');
    const otherConnectionId = await connect(other.apiKey, otherRealm, 'text/html');
    await waitForStatus(owner.apiKey, connectionId, 'active');
    await waitForSnapshot(connectionId, realmId);
    await waitForSnapshot(otherConnectionId, otherRealm);

    // The books change; the merchant asks for a sync and reads everything back.
    await simulator.control.applyChanges(realmId, { create: { Invoice: 3 }, update: { Invoice: 2, Customer: 1 }, delete: { Payment: 1 }, void: { SalesReceipt: 1 } });
    expect((await call(`/v1/connections/${connectionId}/sync`, { method: 'POST', headers: asMerchant(owner.apiKey) })).status).toBe(202);
    await waitForSnapshot(connectionId, realmId);
    for (let cursor: string | null = null, pages = 0; pages === 0 || cursor; pages++) {
      const listed: Response = await call(`/v1/connections/${connectionId}/records?limit=200&includeDeleted=true${cursor ? `&cursor=${cursor}` : ''}`, { headers: asMerchant(owner.apiKey) });
      cursor = ((await listed.json()) as { nextCursor: string | null }).nextCursor;
    }
    // Idle cycles go on refreshing the access token (and rotating the refresh token) every few seconds.
    await expect.poll(async () => (await simulator.control.tokens({ realmId, kind: 'refresh_token' })).data.length, { timeout: 60_000, interval: 500 }).toBeGreaterThanOrEqual(4);

    // Intuit's Disconnect: the grant dies, the connection parks, the merchant is told (notice and webhook).
    const { disconnectUrl } = await simulator.control.disconnect(realmId);
    const disconnectPage = await fetch(disconnectUrl!, { headers: { accept: 'text/html' } }); // the merchant's browser, sent by Intuit
    expect(disconnectPage.status).toBe(200);
    await waitForStatus(owner.apiKey, connectionId, 'needs_reauthorization');
    await expect.poll(() => merchantWebhookBodies.length, { timeout: 60_000 }).toBeGreaterThan(0);
    await call('/v1/notifications', { headers: asMerchant(owner.apiKey) });
    await simulator.control.applyChanges(realmId, { create: { Invoice: 2 }, update: { Item: 1 } });

    // Re-authorize through the same steps, then resync a window.
    const again = (await (await call(`/v1/connections/${connectionId}/reauthorize`, { method: 'POST', headers: asMerchant(owner.apiKey) })).json()) as { authorizeUrl: string };
    const redirect = new URL(await completeConsent(again.authorizeUrl, { realmId }));
    expect((await call(`${redirect.pathname}${redirect.search}`, { headers: { accept: 'application/json' } })).status).toBe(200);
    await waitForStatus(owner.apiKey, connectionId, 'active');
    await waitForSnapshot(connectionId, realmId);
    expect((await call(`/v1/connections/${connectionId}/resync`, { method: 'POST', headers: asMerchant(owner.apiKey), body: JSON.stringify({ since: '2020-01-01T00:00:00Z' }) })).status).toBe(202);
    await call(`/v1/connections/${connectionId}/sync-runs`, { headers: asMerchant(owner.apiKey) });

    // The dashboard, signed in with a session cookie.
    const session = await call('/session', { method: 'POST', headers: { 'content-type': 'application/json', origin: PUBLIC_BASE_URL }, body: JSON.stringify({ apiKey: owner.apiKey }) });
    expect(session.status).toBe(201);
    expect((await call('/', { headers: { cookie: session.headers.get('set-cookie')!.split(';')[0]! } })).status).toBe(200);

    // Disconnect: the workflow revokes the grant at Intuit and completes.
    expect((await call(`/v1/connections/${connectionId}`, { method: 'DELETE', headers: asMerchant(owner.apiKey) })).status).toBe(202);
    await waitForStatus(owner.apiKey, connectionId, 'disconnected');
    await call('/v1/connections', { headers: asMerchant(owner.apiKey) });

    // MARK: the scan

    const issued = (await simulator.control.tokens()).data;
    expect(new Set(issued.map((secret) => secret.kind))).toEqual(new Set(['authorization_code', 'access_token', 'refresh_token']));
    const tokens: Secret[] = issued.map((secret) => ({ label: `${secret.kind} ${secret.value.slice(0, 8)}… (${secret.realmId})`, value: secret.value }));
    const configuration: Secret[] = [
      { label: 'Intuit client secret', value: h.stack.app.clientSecret },
      { label: 'TOKEN_ENCRYPTION_KEYS', value: h.stack.workerEnv().TOKEN_ENCRYPTION_KEYS! },
      { label: 'admin API key', value: ADMIN_API_KEY },
      { label: 'webhook verifier token', value: WEBHOOK_VERIFIER_TOKEN },
    ];
    const apiKeys: Secret[] = merchantApiKeys.map((key, index) => ({ label: `merchant API key ${index + 1}`, value: key }));

    // The tokens are in the database, sealed: the stored blob opens to tokens QuickBooks issued, and no column holds them in plaintext.
    const [credentials] = await h.database.db.select().from(connectionCredentials).where(eq(connectionCredentials.connectionId, otherConnectionId));
    const opened = h.sealer.unsealJson<QuickBooksTokenSet>(credentials!.sealedTokens);
    expect(issued.map((secret) => secret.value)).toContain(opened.accessToken);
    expect(issued.map((secret) => secret.value)).toContain(opened.refreshToken);
    const tables = await databaseTexts(h.database.db);
    expect((await databaseColumns(h.database.db)).size).toBeGreaterThanOrEqual(8);
    expect(findLeaks([...tokens, ...configuration, ...apiKeys], tables)).toEqual([]);

    // Workflow histories (every run, payloads decoded), search attributes and memo.
    const histories = await historyTexts(h.temporal.client, h.temporal.taskQueue);
    expect(histories.length).toBeGreaterThanOrEqual(4);
    // Payloads are decoded: the tokensIssued signal's argument is readable (and carries only the sealed form).
    expect(histories.some((history) => history.text.includes('sealedTokens'))).toBe(true);
    expect(findLeaks([...tokens, ...configuration, ...apiKeys], histories)).toEqual([]);

    // Logs: the production worker at debug level (its pino lines and Temporal's own: all of its output, kept in its log file), and the API's.
    const logs = [
      { where: 'worker process output', text: readFileSync(join(h.stack.workDir, 'worker.log'), 'utf8') },
      { where: 'API log', text: apiLogLines.join('') },
    ];
    expect(logs[0]!.text).toContain(connectionId);
    expect(logs[1]!.text).toContain(connectionId);
    expect(findLeaks([...tokens, ...configuration, ...apiKeys], logs)).toEqual([]);

    // Every API response (the merchant-creation answer shows its own key once, by design) and every notice sent to the merchant.
    expect(responses.length).toBeGreaterThan(20);
    expect(findLeaks([...tokens, ...configuration], responses)).toEqual([]);
    expect(findLeaks(apiKeys, responses.filter((_, index) => !keyBearingResponses.has(index)))).toEqual([]);
    expect(findLeaks([...tokens, ...configuration, ...apiKeys], merchantWebhookBodies)).toEqual([]);

    // The scan does find a leak: the tail of one refresh token planted in an ordinary column.
    const planted = issued.find((secret) => secret.kind === 'refresh_token')!.value.slice(-16);
    await h.database.db.update(merchants).set({ name: `Other Merchant ${planted}` }).where(eq(merchants.id, other.id));
    expect(findLeaks(tokens, await databaseTexts(h.database.db)).map((leak) => leak.where)).toEqual([expect.stringMatching(/^table public\.merchants row/)]);
  });
});
