/**
 * The whole merchant story over HTTP, with the real connection workflow and worker: create a merchant,
 * connect QuickBooks through the simulator's consent page, watch the data arrive, lose the grant when
 * the merchant disconnects the app inside QuickBooks (Intuit calls our Disconnect URL), see the
 * connection parked with a notice, re-authorize through the same steps, and end with records that equal
 * QuickBooks' own snapshot; then disconnect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeConsent, type CompanySnapshot, type RunningSimulator } from '../../simulator/index.js';
import { asMerchant, createApiHarness, type SimulatedApiHarness } from './support/harness.js';
import { callbackPathOf } from './support/oauth-flow.js';

interface ConnectionBody {
  id: string;
  status: string;
  phase: string | null;
  realmId: string | null;
  counts: Record<string, number>;
}
interface RecordBody {
  entity: string;
  id: string;
  syncToken: string | null;
  deleted: boolean;
}

describe('a merchant’s QuickBooks connection, end to end over HTTP', () => {
  let simulator: RunningSimulator;
  let h: SimulatedApiHarness;
  let apiUrl: string;

  beforeAll(async () => {
    // The stack's simulator and its production worker in this process, syncing what the API connects.
    h = await createApiHarness({ simulator: { seed: 11 }, worker: true });
    simulator = h.simulator;
    // A real listening API, so that the merchant's browser can be sent to our Disconnect URL like Intuit does.
    apiUrl = await h.listen();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function getConnection(apiKey: string, id: string): Promise<ConnectionBody> {
    const response = await h.request(`/v1/connections/${id}`, { headers: asMerchant(apiKey) });
    expect(response.status).toBe(200);
    return (await response.json()) as ConnectionBody;
  }

  async function allRecords(apiKey: string, id: string): Promise<RecordBody[]> {
    const records: RecordBody[] = [];
    let cursor: string | null = null;
    do {
      const response: Response = await h.request(`/v1/connections/${id}/records?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { headers: asMerchant(apiKey) });
      expect(response.status).toBe(200);
      const page = (await response.json()) as { data: RecordBody[]; nextCursor: string | null };
      records.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    return records;
  }

  /** The live objects of QuickBooks' snapshot, as `Entity/Id@SyncToken`. */
  function liveInSnapshot(snapshot: CompanySnapshot): string[] {
    return Object.entries(snapshot.entities)
      .flatMap(([entity, entries]) => entries.filter((entry) => !entry.deleted).map((entry) => `${entity}/${entry.id}@${entry.syncToken}`))
      .sort();
  }
  function liveCounts(snapshot: CompanySnapshot): Record<string, number> {
    return Object.fromEntries(
      Object.entries(snapshot.entities)
        .map(([entity, entries]) => [entity, entries.filter((entry) => !entry.deleted).length] as const)
        .filter(([, count]) => count > 0),
    );
  }

  async function expectRecordsToEqualSnapshot(apiKey: string, id: string, realmId: string) {
    await expect
      .poll(async () => (await allRecords(apiKey, id)).map((record) => `${record.entity}/${record.id}@${record.syncToken}`).sort(), { timeout: 45_000, interval: 300 })
      .toEqual(liveInSnapshot(await simulator.control.snapshot(realmId)));
    expect((await getConnection(apiKey, id)).counts).toEqual(liveCounts(await simulator.control.snapshot(realmId)));
  }

  it('connects, syncs, parks when the grant dies, resumes after re-authorization, and disconnects', async () => {
    const merchant = await h.createMerchant('Story Merchant');
    const { realmId } = await simulator.control.createCompany({ seed: 5, customers: 8, items: 4, invoices: 30, salesReceipts: 5, creditMemos: 2, refundReceipts: 2, payments: 6 });

    // Connect: the authorize URL, the consent page, the callback back to the dashboard.
    const created = await h.request('/v1/connections', { method: 'POST', headers: asMerchant(merchant.apiKey), body: JSON.stringify({ provider: 'quickbooks' }) });
    expect(created.status).toBe(201);
    const { connection, authorizeUrl } = (await created.json()) as { connection: ConnectionBody; authorizeUrl: string };
    const connected = await h.request(callbackPathOf(await completeConsent(authorizeUrl, { realmId })), { headers: { accept: 'text/html' } });
    expect(connected.status).toBe(303);
    expect(connected.headers.get('location')).toBe(`http://api.test/?connection=${connection.id}&result=connected`);

    // The data flows in.
    await expect.poll(async () => (await getConnection(merchant.apiKey, connection.id)).status, { timeout: 30_000 }).toBe('active');
    await expectRecordsToEqualSnapshot(merchant.apiKey, connection.id, realmId);
    expect((await getConnection(merchant.apiKey, connection.id)).realmId).toBe(realmId);

    // The merchant disconnects the app inside QuickBooks; Intuit sends their browser to our Disconnect URL,
    // which tells them what happened and what to do, and asks the company's workflows to check at once.
    const { disconnectUrl } = await simulator.control.disconnect(realmId);
    expect(disconnectUrl).toBe(`${apiUrl}/quickbooks/disconnect?realmId=${realmId}`);
    const disconnectPage = await fetch(disconnectUrl!, { headers: { accept: 'text/html' } });
    expect(disconnectPage.status).toBe(200);
    const disconnectText = await disconnectPage.text();
    expect(disconnectText).toContain('QuickBooks was disconnected');
    expect(disconnectText).toContain(`href="/quickbooks/reconnect?realmId=${realmId}"`);
    expect(disconnectText).toContain('href="/login');
    await expect.poll(async () => (await getConnection(merchant.apiKey, connection.id)).status, { timeout: 30_000 }).toBe('needs_reauthorization');
    expect((await getConnection(merchant.apiKey, connection.id)).phase).toBe('waiting_for_reauthorization');
    const notices = async () =>
      ((await (await h.request('/v1/notifications', { headers: asMerchant(merchant.apiKey) })).json()) as { data: { connectionId: string; kind: string; resolvedAt: string | null }[] }).data;
    await expect.poll(notices).toEqual([expect.objectContaining({ connectionId: connection.id, kind: 'needs_reauthorization', resolvedAt: null })]);
    const refused = await h.request(`/v1/connections/${connection.id}/sync`, { method: 'POST', headers: asMerchant(merchant.apiKey) });
    expect(refused.status).toBe(409);

    // The books change while the connection is parked.
    await simulator.control.applyChanges(realmId, { create: { Invoice: 4, Customer: 1 }, update: { Invoice: 3, Item: 1 }, delete: { Invoice: 2 }, void: { SalesReceipt: 1 } });

    // Re-authorize through the same steps.
    const reauthorize = await h.request(`/v1/connections/${connection.id}/reauthorize`, { method: 'POST', headers: asMerchant(merchant.apiKey) });
    const { authorizeUrl: again } = (await reauthorize.json()) as { authorizeUrl: string };
    const reauthorized = await h.request(callbackPathOf(await completeConsent(again, { realmId })), { headers: { accept: 'application/json' } });
    expect(reauthorized.status).toBe(200);
    expect(await reauthorized.json()).toMatchObject({ result: 'reauthorized', connection: { id: connection.id, realmId } });

    await expect.poll(async () => (await getConnection(merchant.apiKey, connection.id)).status, { timeout: 30_000 }).toBe('active');
    await expectRecordsToEqualSnapshot(merchant.apiKey, connection.id, realmId);
    await expect.poll(async () => (await notices())[0]?.resolvedAt ?? null).not.toBeNull();
    const deleted = (await h.request(`/v1/connections/${connection.id}/records?includeDeleted=true&entity=Invoice&limit=500`, { headers: asMerchant(merchant.apiKey) })).json() as Promise<{
      data: RecordBody[];
    }>;
    expect((await deleted).data.filter((record) => record.deleted).length).toBeGreaterThanOrEqual(1);
    const runs = (await (await h.request(`/v1/connections/${connection.id}/sync-runs`, { headers: asMerchant(merchant.apiKey) })).json()) as { data: { outcome: string }[] };
    expect(runs.data.map((run) => run.outcome)).toContain('needs_reauthorization');

    // Disconnect: the workflow revokes the grant and completes; the API shows it.
    const disconnect = await h.request(`/v1/connections/${connection.id}`, { method: 'DELETE', headers: asMerchant(merchant.apiKey) });
    expect(disconnect.status).toBe(202);
    await expect.poll(async () => (await getConnection(merchant.apiKey, connection.id)).status, { timeout: 30_000 }).toBe('disconnected');
  });
});
