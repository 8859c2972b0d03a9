/**
 * Size and rate limits, checked across the whole API rather than route by route: every operation of
 * /openapi.json that takes a body refuses one past 64 KB (1 MB for Intuit's webhooks) with a 413
 * envelope, also when the body is streamed without a Content-Length; and every public (unauthenticated)
 * endpoint group is rate-limited per client, where a spoofed X-Forwarded-For buys nothing unless the API
 * runs behind a proxy it trusts. (Route-level cases: test/api/merchants-and-connections.test.ts for
 * POST /v1/merchants, test/api/webhooks-and-intuit-urls.test.ts for a 1 MB webhook,
 * test/api/operations-and-docs.test.ts for the callback, Disconnect URL and session limits.)
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, WEBHOOK_BODY_LIMIT_BYTES } from '../../api/app.js';
import { ADMIN_API_KEY, asMerchant, createApiHarness, WEBHOOK_VERIFIER_TOKEN, type ApiHarness } from '../api/support/harness.js';

interface Operation {
  method: string;
  path: string;
}

const WEBHOOK_PATH = '/webhooks/quickbooks';

/** A body of `bytes` bytes sent as a stream, so no Content-Length tells the server its size up front. */
function streamed(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      const chunk = Math.min(16 * 1024, bytes - sent);
      if (chunk <= 0) return controller.close();
      controller.enqueue(new TextEncoder().encode('x'.repeat(chunk)));
      sent += chunk;
    },
  });
}

describe('request size limits', () => {
  let h: ApiHarness;
  let operations: Operation[];
  let headers: Record<string, string>;
  let connectionId: string;

  beforeAll(async () => {
    h = await createApiHarness();
    const merchant = await h.createMerchant();
    headers = asMerchant(merchant.apiKey);
    const created = await h.request('/v1/connections', { method: 'POST', headers, body: JSON.stringify({ provider: 'quickbooks' }) });
    connectionId = ((await created.json()) as { connection: { id: string } }).connection.id;
    const document = (await (await h.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((method) => ['post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => ({ method: method.toUpperCase(), path: path.replace('{id}', connectionId) })),
    );
  });
  afterAll(async () => h?.close());

  const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;
  const auth = (path: string) => (path === '/v1/merchants' ? { authorization: `Bearer ${ADMIN_API_KEY}`, 'content-type': 'application/json' } : headers);

  it('refuses a body past 64 KB on every write operation (1 MB on the webhook), before authentication or parsing', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(8);
    for (const { method, path } of operations) {
      const limit = path === WEBHOOK_PATH ? WEBHOOK_BODY_LIMIT_BYTES : BODY_LIMIT_BYTES;
      const body = JSON.stringify({ padding: 'x'.repeat(limit) });
      for (const withHeaders of [auth(path), { 'content-type': 'application/json' }]) {
        const response = await h.request(path, { method, headers: withHeaders, body });
        expect(response.status, `${method} ${path}`).toBe(413);
        expect(await errorCode(response)).toBe('payload_too_large');
      }
    }
  });

  it('refuses an oversized body streamed without a Content-Length', async () => {
    for (const { method, path } of operations) {
      const limit = path === WEBHOOK_PATH ? WEBHOOK_BODY_LIMIT_BYTES : BODY_LIMIT_BYTES;
      const response = await h.request(path, { method, headers: auth(path), body: streamed(limit + 1), duplex: 'half' } as RequestInit);
      expect(response.status, `${method} ${path}`).toBe(413);
    }
  });

  it('still takes a body just under the limit (the limit is not a typo for a smaller one)', async () => {
    const name = 'n'.repeat(150);
    const response = await h.request('/v1/merchants', { method: 'POST', headers: auth('/v1/merchants'), body: JSON.stringify({ name, padding: ' '.repeat(BODY_LIMIT_BYTES - 400) }) });
    expect(response.status).toBe(201);
  });
});

describe('rate limits of the public endpoints', () => {
  let h: ApiHarness;
  const LIMIT = 3;

  beforeAll(async () => {
    h = await createApiHarness({ trustedProxyHops: 1, rateLimits: { oauthCallback: LIMIT, webhooks: LIMIT, intuitAppUrls: LIMIT, session: LIMIT } });
  });
  afterAll(async () => h?.close());

  const webhook = (ip: string) => {
    const body = JSON.stringify({ eventNotifications: [] });
    const signature = createHmac('sha256', WEBHOOK_VERIFIER_TOKEN).update(body).digest('base64');
    return h.request(WEBHOOK_PATH, { method: 'POST', headers: { 'x-forwarded-for': ip, 'content-type': 'application/json', 'intuit-signature': signature }, body });
  };
  const endpoints: [string, (ip: string) => Promise<Response>][] = [
    ['OAuth callback', (ip) => h.request('/oauth/quickbooks/callback?state=x', { headers: { 'x-forwarded-for': ip, accept: 'application/json' } })],
    ['webhooks', webhook],
    ['Reconnect URL', (ip) => h.request('/quickbooks/reconnect', { headers: { 'x-forwarded-for': ip } })],
    ['Disconnect URL', (ip) => h.request('/quickbooks/disconnect', { headers: { 'x-forwarded-for': ip, accept: 'application/json' } })],
    ['sign-in', (ip) => h.request('/session', { method: 'POST', headers: { 'x-forwarded-for': ip, 'content-type': 'application/json' }, body: '{"apiKey":"nope"}' })],
  ];

  it.each(endpoints)('limits the %s per client with a 429 envelope and Retry-After, other clients unaffected', async (_name, send) => {
    const ip = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    for (let i = 0; i < LIMIT; i++) expect((await send(ip)).status).not.toBe(429);
    const limited = await send(ip);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await send('203.0.113.250')).status).not.toBe(429);
  });

  it('behind one proxy, believes only the address that proxy appended: a client-written X-Forwarded-For prefix buys nothing', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) {
      const forwarded = `192.0.2.${i + 1}, 198.51.100.222`;
      statuses.push((await h.request('/oauth/quickbooks/callback?state=x', { headers: { 'x-forwarded-for': forwarded, accept: 'application/json' } })).status);
    }
    expect(statuses.slice(0, LIMIT)).not.toContain(429);
    expect(statuses.slice(LIMIT)).toEqual([429, 429]);
  });
});

describe('rate limits without a trusted proxy', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await createApiHarness({ trustedProxyHops: 0, rateLimits: { oauthCallback: 2 } });
  });
  afterAll(async () => h?.close());

  it('ignores a spoofed X-Forwarded-For: changing it every request does not reset the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await h.request('/oauth/quickbooks/callback?state=x', { headers: { 'x-forwarded-for': `192.0.2.${i + 1}`, accept: 'application/json' } })).status);
    }
    expect(statuses).toEqual([400, 400, 429, 429]);
  });
});
