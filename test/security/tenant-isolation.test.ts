/**
 * Tenant isolation with data on both sides: two merchants, each with a synced connection (records,
 * tombstones, sync runs, open notices). Nothing of one merchant shows in the other's lists, filters,
 * cursors, dashboard or Reconnect flow. (Every route answering 404 for another merchant's connection id
 * is test/api/merchants-and-connections.test.ts; a callback carrying another merchant's state is
 * test/api/oauth-callback.test.ts.)
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setConnectionStatus } from '../../db/queries/connections.js';
import { createNotificationOnce } from '../../db/queries/notifications.js';
import { upsertRecordVersions } from '../../db/queries/records.js';
import { saveSyncRun } from '../../db/queries/sync-runs.js';
import { connections } from '../../db/schema/index.js';
import { parseJsonExactly } from '../../quickbooks/json.js';
import { normalizeRecord } from '../../quickbooks/normalize.js';
import type { QuickBooksObject } from '../../quickbooks/types.js';
import { encodeCursor } from '../../api/http/pagination.js';
import { asMerchant, createApiHarness, PUBLIC_BASE_URL, type ApiHarness } from '../api/support/harness.js';

interface Tenant {
  merchant: { id: string; apiKey: string };
  connectionId: string;
  realmId: string;
  /** Invoice ids of this tenant (disjoint from the other's). */
  invoiceIds: string[];
  notice: string;
  cookie: string;
}

const invoice = (id: string, syncToken: number, deleted = false): QuickBooksObject =>
  parseJsonExactly(
    JSON.stringify(
      deleted
        ? { Id: id, status: 'Deleted', MetaData: { LastUpdatedTime: '2025-05-02T10:00:00-07:00' } }
        : { Id: id, SyncToken: String(syncToken), MetaData: { LastUpdatedTime: '2025-05-01T10:00:00-07:00' }, DocNumber: `D-${id}`, TotalAmt: 10.5, Balance: 0, CustomerRef: { value: '1', name: 'Acme' } },
    ),
  ) as QuickBooksObject;

describe('two merchants with data', () => {
  let h: ApiHarness;
  let a: Tenant;
  let b: Tenant;

  async function tenant(name: string, realmId: string, firstInvoice: number): Promise<Tenant> {
    const merchant = await h.createMerchant(name);
    const created = await h.request('/v1/connections', { method: 'POST', headers: asMerchant(merchant.apiKey), body: JSON.stringify({ provider: 'quickbooks' }) });
    const connectionId = ((await created.json()) as { connection: { id: string } }).connection.id;
    await h.database.db.update(connections).set({ realmId }).where(eq(connections.id, connectionId));
    await setConnectionStatus(h.database.db, connectionId, { status: 'needs_reauthorization', phase: 'waiting_for_reauthorization', needsReauthorizationSince: new Date() });
    const invoiceIds = [0, 1, 2].map((offset) => String(firstInvoice + offset));
    await upsertRecordVersions(h.database.db, connectionId, [...invoiceIds.map((id) => normalizeRecord('Invoice', invoice(id, 1))), normalizeRecord('Invoice', invoice(String(firstInvoice + 9), 0, true))]);
    await saveSyncRun(h.database.db, { id: `${connectionId}:1`, connectionId, workflowRunId: `run-${name}`, kind: 'backfill', startedAt: new Date(), outcome: 'running' });
    const notice = `${name}: QuickBooks needs you to re-authorize (${realmId})`;
    await createNotificationOnce(h.database.db, { merchantId: merchant.id, connectionId, kind: 'needs_reauthorization', episodeKey: 'episode-1', message: notice });
    const session = await h.request('/session', { method: 'POST', headers: { 'content-type': 'application/json', origin: PUBLIC_BASE_URL }, body: JSON.stringify({ apiKey: merchant.apiKey }) });
    return { merchant, connectionId, realmId, invoiceIds, notice, cookie: session.headers.get('set-cookie')!.split(';')[0]! };
  }

  const json = async <T>(response: Response): Promise<T> => {
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    h = await createApiHarness();
    a = await tenant('Alpha', '9341452000000101', 100);
    b = await tenant('Bravo', '9341452000000202', 200);
  });
  afterAll(async () => h?.close());

  it('lists only the caller’s own connections, records, sync runs and notices', async () => {
    for (const [me, other] of [[a, b], [b, a]] as const) {
      const as = asMerchant(me.merchant.apiKey);
      const listed = await json<{ data: { id: string }[] }>(await h.request('/v1/connections', { headers: as }));
      expect(listed.data.map((connection) => connection.id)).toEqual([me.connectionId]);

      const records = await json<{ data: { id: string }[] }>(await h.request(`/v1/connections/${me.connectionId}/records?includeDeleted=true`, { headers: as }));
      expect(records.data.map((record) => record.id).sort()).toEqual([...me.invoiceIds, String(Number(me.invoiceIds[0]) + 9)].sort());

      const runs = await json<{ data: { id: string }[] }>(await h.request(`/v1/connections/${me.connectionId}/sync-runs`, { headers: as }));
      expect(runs.data.map((run) => run.id)).toEqual([`${me.connectionId}:1`]);

      const notices = await json<{ data: { message: string; connectionId: string }[] }>(await h.request('/v1/notifications', { headers: as }));
      expect(notices.data.map((notice) => notice.message)).toEqual([me.notice]);
      // Filtering by the other merchant's connection yields nothing (not an error that would confirm it exists).
      const filtered = await json<{ data: unknown[] }>(await h.request(`/v1/notifications?connectionId=${other.connectionId}`, { headers: as }));
      expect(filtered.data).toEqual([]);
    }
  });

  it('keeps cursors to the caller’s own connection, whatever position they encode', async () => {
    // A cursor positioned just before the other merchant's ids pages the caller's own rows only.
    const cursor = encodeCursor({ entity: 'Invoice', qboId: '1' });
    const page = await json<{ data: { id: string }[] }>(await h.request(`/v1/connections/${b.connectionId}/records?includeDeleted=true&cursor=${cursor}`, { headers: asMerchant(b.merchant.apiKey) }));
    expect(page.data.map((record) => record.id).every((id) => Number(id) >= 200)).toBe(true);
    expect(page.data.length).toBeGreaterThan(0);
    const notices = encodeCursor({ createdAt: new Date(Date.now() + 60_000).toISOString(), id: '00000000-0000-4000-8000-000000000000' });
    const older = await json<{ data: { connectionId: string }[] }>(await h.request(`/v1/notifications?cursor=${notices}`, { headers: asMerchant(b.merchant.apiKey) }));
    expect(older.data.map((notice) => notice.connectionId)).toEqual([b.connectionId]);
  });

  it('shows the signed-in merchant only its own connections and notices on the dashboard', async () => {
    const page = await h.request('/', { headers: { cookie: b.cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(b.connectionId);
    for (const foreign of [a.connectionId, a.realmId, a.notice, 'Alpha']) expect(html).not.toContain(foreign);
  });

  it('does not start a re-authorization of another merchant’s connection from Intuit’s Reconnect URL', async () => {
    const foreign = await h.request(`/quickbooks/reconnect?realmId=${a.realmId}`, { headers: { cookie: b.cookie } });
    expect(foreign.status).toBe(302);
    expect(foreign.headers.get('location')).toBe(`${PUBLIC_BASE_URL}/?result=nothing_to_reconnect`);
    const own = await h.request(`/quickbooks/reconnect?realmId=${b.realmId}`, { headers: { cookie: b.cookie } });
    expect(own.status).toBe(302);
    expect(new URL(own.headers.get('location')!).pathname).toBe('/connect/oauth2');
  });

  it('refuses the other merchant’s connection with the caller’s session cookie too', async () => {
    const headers = { cookie: b.cookie, origin: PUBLIC_BASE_URL, 'content-type': 'application/json' };
    for (const [method, path] of [
      ['GET', `/v1/connections/${a.connectionId}`],
      ['GET', `/v1/connections/${a.connectionId}/records`],
      ['POST', `/v1/connections/${a.connectionId}/reauthorize`],
      ['DELETE', `/v1/connections/${a.connectionId}`],
    ] as const) {
      const response = await h.request(path, { method, headers });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const [row] = await h.database.db.select().from(connections).where(eq(connections.id, a.connectionId));
    expect(row?.status).toBe('needs_reauthorization');
  });
});
