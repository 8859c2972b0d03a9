/** The records API gives QuickBooks' amounts back exactly as QuickBooks wrote them: 1005.00 stays 1005.00. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { upsertRecordVersions } from '../../db/queries/records.js';
import { connections } from '../../db/schema/index.js';
import { parseJsonExactly } from '../../quickbooks/json.js';
import { normalizeRecord } from '../../quickbooks/normalize.js';
import type { QuickBooksObject } from '../../quickbooks/types.js';
import { asMerchant, createApiHarness, type ApiHarness } from './support/harness.js';

// As Intuit writes an invoice: two-decimal amounts, and a tax amount finer than a float can hold exactly.
const INVOICE = `{"Id":"41","SyncToken":"3","domain":"QBO","TotalAmt":1005.00,"Balance":300.10,"TxnTaxDetail":{"TotalTax":0.1000000000000000055},
  "Line":[{"Amount":300.00,"DetailType":"SalesItemLineDetail"}],"MetaData":{"CreateTime":"2026-01-02T03:04:05-08:00","LastUpdatedTime":"2026-01-02T03:04:05-08:00"}}`;

describe('GET /v1/connections/:id/records', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await createApiHarness();
  });
  afterAll(async () => h?.close());

  it('answers amounts with the text QuickBooks sent, in raw, and as exact decimals in the typed columns', async () => {
    const merchant = await h.createMerchant();
    const created = await h.request('/v1/connections', { method: 'POST', headers: asMerchant(merchant.apiKey), body: JSON.stringify({ provider: 'quickbooks' }) });
    const connectionId = ((await created.json()) as { connection: { id: string } }).connection.id;
    await h.database.db.update(connections).set({ realmId: '9341452000000042' }).where(eq(connections.id, connectionId));
    await upsertRecordVersions(h.database.db, connectionId, [normalizeRecord('Invoice', parseJsonExactly(INVOICE) as QuickBooksObject)]);

    const response = await h.request(`/v1/connections/${connectionId}/records?entity=Invoice`, { headers: asMerchant(merchant.apiKey) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await response.text();
    expect(text).toContain('"TotalAmt":1005.00');
    expect(text).toContain('"Amount":300.00');
    expect(text).toContain('"TotalTax":0.1000000000000000055');
    expect(JSON.parse(text)).toMatchObject({ data: [{ entity: 'Invoice', id: '41', syncToken: '3', totalAmount: '1005.0000', balance: '300.1000' }], nextCursor: null });
  });
});
