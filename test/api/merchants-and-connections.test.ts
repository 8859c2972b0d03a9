import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConnection } from '../../db/queries/connections.js';
import { apiKeys, connections, merchants, oauthStates } from '../../db/schema/index.js';
import { ADMIN_API_KEY, asMerchant, createApiHarness, PUBLIC_BASE_URL, type ApiHarness } from './support/harness.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.requestId).toBe(response.headers.get('x-request-id'));
  return body;
}

describe('merchants, API keys and connections over HTTP', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await createApiHarness();
  });
  afterAll(async () => h?.close());

  const createConnection = async (apiKey: string) => {
    const response = await h.request('/v1/connections', { method: 'POST', headers: asMerchant(apiKey), body: JSON.stringify({ provider: 'quickbooks' }) });
    expect(response.status).toBe(201);
    return (await response.json()) as { connection: { id: string; status: string }; authorizeUrl: string };
  };

  describe('POST /v1/merchants', () => {
    it('needs the admin key, compared exactly', async () => {
      const before = await h.database.db.select().from(merchants);
      const body = JSON.stringify({ name: 'Nope' });
      await expectError(await h.request('/v1/merchants', { method: 'POST', headers: { 'content-type': 'application/json' }, body }), 401, 'unauthorized');
      await expectError(
        await h.request('/v1/merchants', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_API_KEY}x`, 'content-type': 'application/json' }, body }),
        401,
        'unauthorized',
      );
      await expectError(
        await h.request('/v1/merchants', { method: 'POST', headers: { authorization: ADMIN_API_KEY, 'content-type': 'application/json' }, body }),
        401,
        'unauthorized',
      );
      expect(await h.database.db.select().from(merchants)).toEqual(before);
    });

    it('creates a merchant whose key is shown once and stored only as a SHA-256 hash', async () => {
      const merchant = await h.createMerchant('Acme Tax');
      expect(merchant).toEqual({ id: expect.any(String), name: 'Acme Tax', email: null, apiKey: expect.stringMatching(/^qbk_[A-Za-z0-9_-]{43}$/) });
      const [key] = await h.database.db.select().from(apiKeys).where(eq(apiKeys.merchantId, merchant.id));
      expect(key!.keyHash).toBe(sha256(merchant.apiKey));
      expect(JSON.stringify(key)).not.toContain(merchant.apiKey);
    });

    it('rejects bad bodies with a 4xx envelope and writes nothing', async () => {
      const before = (await h.database.db.select().from(merchants)).length;
      const admin = { authorization: `Bearer ${ADMIN_API_KEY}`, 'content-type': 'application/json' };
      await expectError(await h.request('/v1/merchants', { method: 'POST', headers: admin, body: '{"name": ' }), 400, 'invalid_json');
      await expectError(await h.request('/v1/merchants', { method: 'POST', headers: admin, body: '{}' }), 400, 'validation_failed');
      await expectError(await h.request('/v1/merchants', { method: 'POST', headers: admin, body: JSON.stringify({ name: '   ' }) }), 400, 'validation_failed');
      await expectError(await h.request('/v1/merchants', { method: 'POST', headers: admin, body: JSON.stringify({ name: 'x'.repeat(201) }) }), 400, 'validation_failed');
      await expectError(await h.request('/v1/merchants', { method: 'POST', headers: admin, body: JSON.stringify([1, 2]) }), 400, 'validation_failed');
      await expectError(
        await h.request('/v1/merchants', { method: 'POST', headers: { ...admin, 'content-type': 'text/plain' }, body: 'name=x' }),
        415,
        'unsupported_media_type',
      );
      await expectError(await h.request('/v1/merchants', { method: 'POST', headers: admin, body: JSON.stringify({ name: 'x'.repeat(70_000) }) }), 413, 'payload_too_large');
      expect((await h.database.db.select().from(merchants)).length).toBe(before);
    });
  });

  describe('merchant authentication', () => {
    it('answers 401 without a key, with a malformed key and with an unknown key', async () => {
      await expectError(await h.request('/v1/connections'), 401, 'unauthorized');
      await expectError(await h.request('/v1/connections', { headers: { authorization: 'Bearer nope' } }), 401, 'unauthorized');
      await expectError(await h.request('/v1/connections', { headers: { authorization: `Bearer qbk_${'A'.repeat(43)}` } }), 401, 'unauthorized');
      await expectError(await h.request('/v1/connections', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }), 401, 'unauthorized');
      await expectError(await h.request('/v1/notifications', { headers: { authorization: `Bearer ${ADMIN_API_KEY}` } }), 401, 'unauthorized');
    });

    it("hides another merchant's connection behind 404 on every route and leaves it unchanged", async () => {
      const owner = await h.createMerchant();
      const intruder = await h.createMerchant();
      const { connection } = await createConnection(owner.apiKey);
      const before = await getConnection(h.database.db, connection.id);
      const statesBefore = await h.database.db.select().from(oauthStates).where(eq(oauthStates.connectionId, connection.id));
      const as = asMerchant(intruder.apiKey);
      const calls: [string, string, string?][] = [
        ['GET', `/v1/connections/${connection.id}`],
        ['POST', `/v1/connections/${connection.id}/reauthorize`],
        ['POST', `/v1/connections/${connection.id}/sync`],
        ['POST', `/v1/connections/${connection.id}/resync`, JSON.stringify({ since: '2024-01-01T00:00:00Z' })],
        ['DELETE', `/v1/connections/${connection.id}`],
        ['GET', `/v1/connections/${connection.id}/records`],
        ['GET', `/v1/connections/${connection.id}/sync-runs`],
      ];
      for (const [method, path, body] of calls) {
        await expectError(await h.request(path, { method, headers: as, ...(body ? { body } : {}) }), 404, 'connection_not_found');
      }
      const list = (await (await h.request('/v1/connections', { headers: as })).json()) as { data: unknown[] };
      expect(list.data).toEqual([]);
      expect(await getConnection(h.database.db, connection.id)).toEqual(before);
      expect(await h.database.db.select().from(oauthStates).where(eq(oauthStates.connectionId, connection.id))).toEqual(statesBefore);
    });
  });

  describe('connections', () => {
    it('creates a pending connection with a single-use state stored hashed for 10 minutes', async () => {
      const merchant = await h.createMerchant();
      const started = Date.now();
      const { connection, authorizeUrl } = await createConnection(merchant.apiKey);
      expect(connection).toMatchObject({ status: 'pending_authorization', provider: 'quickbooks', realmId: null, counts: {}, workflowId: `quickbooks-connection-${connection.id}` });
      const state = new URL(authorizeUrl).searchParams.get('state')!;
      expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const [row] = await h.database.db.select().from(oauthStates).where(eq(oauthStates.connectionId, connection.id));
      expect(row).toMatchObject({ stateHash: sha256(state), merchantId: merchant.id, purpose: 'connect', consumedAt: null, codeHash: null });
      expect(row!.expiresAt.getTime() - started).toBeGreaterThan(9 * 60_000);
      expect(row!.expiresAt.getTime() - started).toBeLessThanOrEqual(10 * 60_000 + 5_000);
    });

    it('answers GET /v1/connections/:id in the contract shape', async () => {
      const merchant = await h.createMerchant();
      const { connection } = await createConnection(merchant.apiKey);
      const response = await h.request(`/v1/connections/${connection.id}`, { headers: asMerchant(merchant.apiKey) });
      expect(response.status).toBe(200);
      expect(Object.keys((await response.json()) as object)).toEqual(
        expect.arrayContaining(['id', 'provider', 'realmId', 'status', 'phase', 'statusReason', 'lastSyncedAt', 'lastError', 'counts', 'workflowId']),
      );
    });

    it('pages through the list with an opaque cursor and refuses a forged one', async () => {
      const merchant = await h.createMerchant();
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await createConnection(merchant.apiKey)).connection.id);
      const first = (await (await h.request('/v1/connections?limit=2', { headers: asMerchant(merchant.apiKey) })).json()) as { data: { id: string }[]; nextCursor: string };
      expect(first.data).toHaveLength(2);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = (await (await h.request(`/v1/connections?limit=2&cursor=${first.nextCursor}`, { headers: asMerchant(merchant.apiKey) })).json()) as {
        data: { id: string }[];
        nextCursor: string | null;
      };
      expect(second.nextCursor).toBeNull();
      expect([...first.data, ...second.data].map((c) => c.id).sort()).toEqual(ids.sort());
      await expectError(await h.request('/v1/connections?cursor=not-a-cursor', { headers: asMerchant(merchant.apiKey) }), 400, 'invalid_cursor');
      await expectError(await h.request('/v1/connections?limit=0', { headers: asMerchant(merchant.apiKey) }), 400, 'validation_failed');
      await expectError(await h.request('/v1/connections?limit=abc', { headers: asMerchant(merchant.apiKey) }), 400, 'validation_failed');
      await expectError(await h.request('/v1/connections/not-a-uuid', { headers: asMerchant(merchant.apiKey) }), 400, 'validation_failed');
    });

    it('refuses to sync or resync a connection that was never authorized', async () => {
      const merchant = await h.createMerchant();
      const { connection } = await createConnection(merchant.apiKey);
      const as = asMerchant(merchant.apiKey);
      await expectError(await h.request(`/v1/connections/${connection.id}/sync`, { method: 'POST', headers: as }), 409, 'connection_not_authorized');
      await expectError(
        await h.request(`/v1/connections/${connection.id}/resync`, { method: 'POST', headers: as, body: JSON.stringify({ since: '2024-01-01T00:00:00Z' }) }),
        409,
        'connection_not_authorized',
      );
      for (const body of [{}, { since: 'yesterday' }, { since: '2999-01-01T00:00:00Z' }, { since: '2024-01-01T00:00:00Z', entities: ['Bill'] }, { since: '2024-01-01T00:00:00Z', entities: [] }]) {
        await expectError(await h.request(`/v1/connections/${connection.id}/resync`, { method: 'POST', headers: as, body: JSON.stringify(body) }), 400, 'validation_failed');
      }
    });

    it('disconnects a connection with no workflow directly, idempotently, and then refuses to re-authorize it', async () => {
      const merchant = await h.createMerchant();
      const { connection } = await createConnection(merchant.apiKey);
      const as = asMerchant(merchant.apiKey);
      const first = await h.request(`/v1/connections/${connection.id}`, { method: 'DELETE', headers: as });
      expect(first.status).toBe(202);
      expect(await first.json()).toMatchObject({ result: 'disconnected', connection: { status: 'disconnected', statusReason: 'disconnected by the merchant' } });
      const second = await h.request(`/v1/connections/${connection.id}`, { method: 'DELETE', headers: as });
      expect(await second.json()).toMatchObject({ result: 'already_disconnected' });
      await expectError(await h.request(`/v1/connections/${connection.id}/reauthorize`, { method: 'POST', headers: as }), 409, 'connection_disconnected');
      const [row] = await h.database.db.select().from(connections).where(eq(connections.id, connection.id));
      expect(row!.disconnectedAt).toBeInstanceOf(Date);
    });

    it('issues a fresh re-authorization state for a pending connection', async () => {
      const merchant = await h.createMerchant();
      const { connection, authorizeUrl } = await createConnection(merchant.apiKey);
      const response = await h.request(`/v1/connections/${connection.id}/reauthorize`, { method: 'POST', headers: asMerchant(merchant.apiKey) });
      expect(response.status).toBe(200);
      const { authorizeUrl: again } = (await response.json()) as { authorizeUrl: string };
      expect(new URL(again).searchParams.get('state')).not.toBe(new URL(authorizeUrl).searchParams.get('state'));
      const states = await h.database.db.select().from(oauthStates).where(eq(oauthStates.connectionId, connection.id));
      expect(states.map((s) => s.purpose).sort()).toEqual(['connect', 'reauthorize']);
    });
  });

  describe('dashboard sessions', () => {
    const cookieOf = (response: Response) => response.headers.get('set-cookie')!.split(';')[0]!;

    it('trades the API key for an HttpOnly SameSite=Lax cookie that never contains the key', async () => {
      const merchant = await h.createMerchant();
      const response = await h.request('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: merchant.apiKey }) });
      expect(response.status).toBe(201);
      const setCookie = response.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Lax/i);
      expect(setCookie).not.toContain(merchant.apiKey);
      const cookie = cookieOf(response);

      const list = await h.request('/v1/connections', { headers: { cookie } });
      expect(list.status).toBe(200);
      // A cookie-authenticated write must come from our own origin.
      const body = JSON.stringify({ provider: 'quickbooks' });
      await expectError(await h.request('/v1/connections', { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body }), 403, 'cross_origin_request');
      await expectError(
        await h.request('/v1/connections', { method: 'POST', headers: { cookie, 'content-type': 'application/json', origin: 'https://evil.example' }, body }),
        403,
        'cross_origin_request',
      );
      const created = await h.request('/v1/connections', { method: 'POST', headers: { cookie, 'content-type': 'application/json', origin: PUBLIC_BASE_URL }, body });
      expect(created.status).toBe(201);

      expect((await h.request('/session', { method: 'DELETE', headers: { cookie } })).status).toBe(204);
      await expectError(await h.request('/v1/connections', { headers: { cookie } }), 401, 'unauthorized');
    });

    it('refuses a wrong key, a cross-site login form, and redirects form logins only to local paths', async () => {
      const merchant = await h.createMerchant();
      await expectError(
        await h.request('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: `qbk_${'B'.repeat(43)}` }) }),
        401,
        'unauthorized',
      );
      const form = (next: string) => new URLSearchParams({ apiKey: merchant.apiKey, next }).toString();
      const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
      await expectError(
        await h.request('/session', { method: 'POST', headers: { ...formHeaders, origin: 'https://evil.example' }, body: form('/') }),
        403,
        'cross_origin_request',
      );
      for (const [next, expected] of [['/quickbooks/reconnect?realmId=1', '/quickbooks/reconnect?realmId=1'], ['//evil.example/', '/'], ['https://evil.example/', '/']]) {
        const response = await h.request('/session', { method: 'POST', headers: { ...formHeaders, origin: PUBLIC_BASE_URL }, body: form(next!) });
        expect(response.status).toBe(303);
        expect(response.headers.get('location')).toBe(expected);
      }
      const login = await h.request('/login?next=/quickbooks/reconnect');
      expect(login.status).toBe(200);
      expect(await login.text()).toContain('action="/session"');
    });
  });

  it('answers unknown routes with the envelope', async () => {
    await expectError(await h.request('/v2/nothing'), 404, 'not_found');
  });
});
