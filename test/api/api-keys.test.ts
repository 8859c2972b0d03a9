/**
 * The API key lifecycle over HTTP: a merchant creates another key, lists its keys, revokes one (never
 * its last active one); the admin lists, issues and revokes any merchant's keys. A revoked key is
 * refused at once, by every replica (a second app over the same database), and the dashboard sessions
 * it started end with it. Last use is tracked to within a few minutes, without a write per request.
 */
import { createHash, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys } from '../../db/schema/index.js';
import { ADMIN_API_KEY, asMerchant, createApiHarness, PUBLIC_BASE_URL, type ApiHarness } from './support/harness.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const admin = { authorization: `Bearer ${ADMIN_API_KEY}`, 'content-type': 'application/json' };

interface KeyView {
  id: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
}

describe('API keys', () => {
  let h: ApiHarness;
  /** A second API replica over the same database and Temporal. */
  let replica: ApiHarness;
  let now = new Date('2026-03-02T10:00:00Z');
  const logLines: string[] = [];

  beforeAll(async () => {
    h = await createApiHarness({ clock: () => now, logLines });
    replica = await createApiHarness({ replicaOf: h, clock: () => now });
  });
  afterAll(async () => {
    await replica?.close();
    await h?.close();
  });

  const createKey = async (apiKey: string) => {
    const response = await h.request('/v1/api-keys', { method: 'POST', headers: asMerchant(apiKey) });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; prefix: string; apiKey: string };
  };
  const listKeys = async (apiKey: string) => {
    const response = await h.request('/v1/api-keys', { headers: asMerchant(apiKey) });
    expect(response.status).toBe(200);
    return (await response.json()) as { data: KeyView[]; nextCursor: string | null };
  };
  const revoke = (apiKey: string, id: string) => h.request(`/v1/api-keys/${id}`, { method: 'DELETE', headers: asMerchant(apiKey) });
  const signIn = async (apiKey: string) => {
    const response = await h.request('/session', { method: 'POST', headers: { 'content-type': 'application/json', origin: PUBLIC_BASE_URL }, body: JSON.stringify({ apiKey }) });
    expect(response.status).toBe(201);
    return response.headers.get('set-cookie')!.split(';')[0]!;
  };

  it('creates another key, shown once and stored only as a hash, that works at once', async () => {
    const merchant = await h.createMerchant();
    const created = await createKey(merchant.apiKey);
    expect(created).toEqual({ id: expect.any(String), prefix: created.apiKey.slice(0, 10), apiKey: expect.stringMatching(/^qbk_[A-Za-z0-9_-]{43}$/) });
    expect(created.apiKey).not.toBe(merchant.apiKey);
    const [row] = await h.database.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row).toMatchObject({ merchantId: merchant.id, keyHash: sha256(created.apiKey), keyPrefix: created.prefix });
    expect((await h.request('/v1/connections', { headers: asMerchant(created.apiKey) })).status).toBe(200);
    expect(logLines.join('')).not.toContain(created.apiKey);
  });

  it('lists the merchant’s keys (prefix, created, last used, revoked), never a key or its hash', async () => {
    const merchant = await h.createMerchant();
    const other = await h.createMerchant();
    const second = await createKey(merchant.apiKey);
    const { data, nextCursor } = await listKeys(merchant.apiKey);
    expect(nextCursor).toBeNull();
    expect(data).toHaveLength(2);
    expect(data.map((key) => key.prefix).sort()).toEqual([merchant.apiKey.slice(0, 10), second.prefix].sort());
    for (const key of data) expect(Object.keys(key).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'prefix', 'revokedAt']);
    const text = JSON.stringify(data);
    for (const secret of [merchant.apiKey, second.apiKey, sha256(merchant.apiKey), other.apiKey.slice(0, 10)]) expect(text).not.toContain(secret);

    const firstPage = await h.request('/v1/api-keys?limit=1', { headers: asMerchant(merchant.apiKey) });
    const page1 = (await firstPage.json()) as { data: KeyView[]; nextCursor: string };
    const page2 = (await (await h.request(`/v1/api-keys?limit=1&cursor=${page1.nextCursor}`, { headers: asMerchant(merchant.apiKey) })).json()) as { data: KeyView[] };
    expect([...page1.data, ...page2.data].map((key) => key.id).sort()).toEqual(data.map((key) => key.id).sort());
  });

  it('revokes a key: refused at once on every replica, and the sessions it started end', async () => {
    const merchant = await h.createMerchant();
    const spare = await createKey(merchant.apiKey);
    const cookie = await signIn(spare.apiKey);
    expect((await replica.request('/v1/connections', { headers: asMerchant(spare.apiKey) })).status).toBe(200);
    expect((await replica.request('/v1/connections', { headers: { cookie } })).status).toBe(200);

    const revoked = await revoke(merchant.apiKey, spare.id);
    expect(revoked.status).toBe(204);
    await expectError(await replica.request('/v1/connections', { headers: asMerchant(spare.apiKey) }), 401, 'unauthorized');
    await expectError(await h.request('/v1/connections', { headers: asMerchant(spare.apiKey) }), 401, 'unauthorized');
    await expectError(await replica.request('/v1/connections', { headers: { cookie } }), 401, 'unauthorized');
    await expectError(await h.request('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: spare.apiKey }) }), 401, 'unauthorized');
    const listed = (await listKeys(merchant.apiKey)).data.find((key) => key.id === spare.id)!;
    expect(listed.revokedAt).toBe(now.toISOString());
    // Revoking it again changes nothing and still answers 204 (the key stays refused).
    expect((await revoke(merchant.apiKey, spare.id)).status).toBe(204);
  });

  it('refuses to revoke the merchant’s last active key, or a key that is not the merchant’s', async () => {
    const merchant = await h.createMerchant();
    const other = await h.createMerchant();
    const [own] = (await listKeys(merchant.apiKey)).data;
    await expectError(await revoke(merchant.apiKey, own!.id), 409, 'last_active_api_key');
    expect((await h.request('/v1/connections', { headers: asMerchant(merchant.apiKey) })).status).toBe(200);
    const [othersKey] = (await listKeys(other.apiKey)).data;
    await expectError(await revoke(merchant.apiKey, othersKey!.id), 404, 'api_key_not_found');
    await expectError(await revoke(merchant.apiKey, randomUUID()), 404, 'api_key_not_found');
    await expectError(await revoke(merchant.apiKey, 'not-a-uuid'), 400, 'validation_failed');
    expect((await h.request('/v1/connections', { headers: asMerchant(other.apiKey) })).status).toBe(200);
  });

  it('keeps one key active when two revocations race', async () => {
    const merchant = await h.createMerchant();
    const second = await createKey(merchant.apiKey);
    const [first] = (await listKeys(second.apiKey)).data.filter((key) => key.id !== second.id);
    const answers = (await Promise.all([revoke(merchant.apiKey, second.id), revoke(second.apiKey, first!.id)])).map((answer) => answer.status).sort();
    // One wins; the other finds its target to be the last active key (409), or its own key gone (401).
    expect(answers[0]).toBe(204);
    expect([401, 409]).toContain(answers[1]);
    const active = (await h.database.db.select().from(apiKeys).where(eq(apiKeys.merchantId, merchant.id))).filter((key) => key.revokedAt === null);
    expect(active).toHaveLength(1);
  });

  it('caps the active keys of a merchant', async () => {
    const merchant = await h.createMerchant();
    for (let i = 1; i < 10; i++) await createKey(merchant.apiKey);
    await expectError(await h.request('/v1/api-keys', { method: 'POST', headers: asMerchant(merchant.apiKey) }), 409, 'too_many_api_keys');
    expect((await listKeys(merchant.apiKey)).data).toHaveLength(10);
  });

  it('tracks last use to within five minutes, writing the row at most once per five minutes', async () => {
    const merchant = await h.createMerchant();
    const [key] = (await h.database.db.select().from(apiKeys).where(eq(apiKeys.merchantId, merchant.id)));
    expect(key!.lastUsedAt).toBeNull();
    // xmin changes with every write of the row: the proof that a request wrote nothing.
    const rowVersion = async () => (await h.database.db.select({ xmin: sql<string>`xmin::text` }).from(apiKeys).where(eq(apiKeys.id, key!.id)))[0]!.xmin;
    const use = () => h.request('/v1/connections', { headers: asMerchant(merchant.apiKey) });

    const startedAt = now;
    await use();
    const afterFirstUse = await rowVersion();
    expect((await listKeys(merchant.apiKey)).data[0]!.lastUsedAt).toBe(startedAt.toISOString());
    now = new Date(startedAt.getTime() + 4 * 60_000);
    for (let i = 0; i < 3; i++) await use();
    expect(await rowVersion()).toBe(afterFirstUse);
    now = new Date(startedAt.getTime() + 6 * 60_000);
    await use();
    expect(await rowVersion()).not.toBe(afterFirstUse);
    expect((await listKeys(merchant.apiKey)).data[0]!.lastUsedAt).toBe(now.toISOString());
  });

  describe('admin routes', () => {
    it('lists, issues and revokes any merchant’s keys — even the last one, which is what an incident needs', async () => {
      const merchant = await h.createMerchant();
      const listed = await h.request(`/v1/merchants/${merchant.id}/api-keys`, { headers: admin });
      expect(listed.status).toBe(200);
      const [only] = ((await listed.json()) as { data: KeyView[] }).data;
      expect(only!.prefix).toBe(merchant.apiKey.slice(0, 10));

      expect((await h.request(`/v1/merchants/${merchant.id}/api-keys/${only!.id}`, { method: 'DELETE', headers: admin })).status).toBe(204);
      await expectError(await replica.request('/v1/connections', { headers: asMerchant(merchant.apiKey) }), 401, 'unauthorized');

      const issued = await h.request(`/v1/merchants/${merchant.id}/api-keys`, { method: 'POST', headers: admin });
      expect(issued.status).toBe(201);
      const replacement = (await issued.json()) as { id: string; prefix: string; apiKey: string };
      expect((await replica.request('/v1/connections', { headers: asMerchant(replacement.apiKey) })).status).toBe(200);
    });

    it('needs the admin key, and answers 404 for another merchant’s key or an unknown merchant', async () => {
      const merchant = await h.createMerchant();
      const other = await h.createMerchant();
      const [key] = (await listKeys(merchant.apiKey)).data;
      await expectError(await h.request(`/v1/merchants/${merchant.id}/api-keys/${key!.id}`, { method: 'DELETE', headers: asMerchant(merchant.apiKey) }), 401, 'unauthorized');
      await expectError(await h.request(`/v1/merchants/${other.id}/api-keys/${key!.id}`, { method: 'DELETE', headers: admin }), 404, 'api_key_not_found');
      await expectError(await h.request(`/v1/merchants/${randomUUID()}/api-keys`, { method: 'POST', headers: admin }), 404, 'merchant_not_found');
      await expectError(await h.request(`/v1/merchants/${randomUUID()}/api-keys`, { headers: admin }), 404, 'merchant_not_found');
      expect((await h.request('/v1/connections', { headers: asMerchant(merchant.apiKey) })).status).toBe(200);
    });
  });
});
