import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMerchant } from '../../db/queries/merchants.js';
import { ADMIN_API_KEY, asMerchant, createApiHarness, type ApiHarness } from './support/harness.js';

const admin = { authorization: `Bearer ${ADMIN_API_KEY}`, 'content-type': 'application/json' };

describe("a merchant's notice email address", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await createApiHarness();
  });
  afterAll(async () => h?.close());

  const create = (body: unknown) => h.request('/v1/merchants', { method: 'POST', headers: admin, body: JSON.stringify(body) });

  it('is given when the merchant is created, trimmed, and shown back', async () => {
    const response = await create({ name: 'Demo Landscaping', email: '  owner@demo-landscaping.example ' });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: string; email: string; apiKey: string };
    expect(body.email).toBe('owner@demo-landscaping.example');
    const me = await h.request('/v1/merchant', { headers: asMerchant(body.apiKey) });
    expect(await me.json()).toMatchObject({ id: body.id, name: 'Demo Landscaping', email: 'owner@demo-landscaping.example', notificationEmails: true });
  });

  it('refuses what is not an address with a 400 and creates nothing', async () => {
    for (const email of ['not-an-address', '', 'a@b', 42, `${'x'.repeat(250)}@example.com`]) {
      const response = await create({ name: 'Nope', email });
      expect(response.status, JSON.stringify(email)).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
  });

  it('is changed by the merchant, who can also turn notice emails off; bad changes change nothing', async () => {
    const merchant = await h.createMerchant('Self Service');
    const patch = (body: unknown) => h.request('/v1/merchant', { method: 'PATCH', headers: asMerchant(merchant.apiKey), body: JSON.stringify(body) });
    expect(await (await patch({ email: 'books@self.example' })).json()).toMatchObject({ email: 'books@self.example', notificationEmails: true });
    expect(await (await patch({ notificationEmails: false })).json()).toMatchObject({ email: 'books@self.example', notificationEmails: false });
    for (const bad of [{}, { email: 'nope' }, { notificationEmails: 'no' }, { email: 'a@b.example', other: 1 }]) {
      expect((await patch(bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect(await getMerchant(h.database.db, merchant.id)).toMatchObject({ email: 'books@self.example', notificationEmails: false });
    expect(await (await patch({ email: null })).json()).toMatchObject({ email: null });
  });

  it('is changed by an operator with the admin key, and only with it', async () => {
    const merchant = await h.createMerchant('Operated');
    const path = `/v1/merchants/${merchant.id}`;
    expect((await h.request(path, { method: 'PATCH', headers: asMerchant(merchant.apiKey), body: JSON.stringify({ email: 'x@y.example' }) })).status).toBe(401);
    const response = await h.request(path, { method: 'PATCH', headers: admin, body: JSON.stringify({ email: 'ops@operated.example', notificationEmails: true }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: merchant.id, email: 'ops@operated.example' });
    const missing = await h.request('/v1/merchants/00000000-0000-4000-8000-000000000000', { method: 'PATCH', headers: admin, body: JSON.stringify({ email: 'a@b.example' }) });
    expect(missing.status).toBe(404);
  });
});
