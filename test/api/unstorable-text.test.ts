/**
 * Text Postgres cannot store (U+0000, lone UTF-16 surrogates, over-long values) is refused at the edge
 * with a 400 and the error envelope, wherever it arrives: a body field, a query parameter, or inside a
 * well-formed pagination cursor. Nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merchants } from '../../db/schema/index.js';
import { ADMIN_API_KEY, asMerchant, createApiHarness, type ApiHarness } from './support/harness.js';

const UNSTORABLE = { nul: 'Acme\u0000Tax', loneHighSurrogate: 'Acme \uD800 Tax', loneLowSurrogate: '\uDC00Acme' };
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

async function expectBadRequest(response: Response, code: string) {
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
  expect(body.error).toEqual({ code, message: expect.any(String), requestId: response.headers.get('x-request-id') });
  return body.error.message;
}

describe('text Postgres cannot store', () => {
  let h: ApiHarness;
  let apiKey: string;
  let connectionId: string;

  beforeAll(async () => {
    h = await createApiHarness();
    apiKey = (await h.createMerchant()).apiKey;
    const created = await h.request('/v1/connections', { method: 'POST', headers: asMerchant(apiKey), body: JSON.stringify({ provider: 'quickbooks' }) });
    connectionId = ((await created.json()) as { connection: { id: string } }).connection.id;
  });
  afterAll(async () => h?.close());

  it.each(Object.entries(UNSTORABLE))('refuses a merchant name with a %s, and creates nothing', async (_kind, name) => {
    const before = await h.database.db.select().from(merchants);
    const response = await h.request('/v1/merchants', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    expect(await expectBadRequest(response, 'validation_failed')).toContain('json.name');
    expect(await h.database.db.select().from(merchants)).toEqual(before);
  });

  it.each(Object.entries(UNSTORABLE))('refuses a well-formed records cursor whose qboId has a %s', async (_kind, qboId) => {
    const cursor = cursorOf({ entity: 'Invoice', qboId });
    const response = await h.request(`/v1/connections/${connectionId}/records?cursor=${cursor}`, { headers: asMerchant(apiKey) });
    await expectBadRequest(response, 'invalid_cursor');
  });

  it('refuses a cursor carrying over-long text', async () => {
    const tooLong = cursorOf({ entity: 'Invoice', qboId: '1'.repeat(65) });
    await expectBadRequest(await h.request(`/v1/connections/${connectionId}/records?cursor=${tooLong}`, { headers: asMerchant(apiKey) }), 'invalid_cursor');
  });

  it('refuses unstorable text in any query parameter, even one a handler only compares', async () => {
    const response = await h.request(`/login?next=${encodeURIComponent('/\u0000')}`);
    expect(await expectBadRequest(response, 'validation_failed')).toContain('query.next');
    const callback = await h.request('/oauth/quickbooks/callback?state=abc&error=x%00', { headers: { accept: 'application/json' } });
    expect(await expectBadRequest(callback, 'validation_failed')).toContain('query.error');
  });
});
