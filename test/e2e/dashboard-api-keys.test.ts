/**
 * The dashboard's "API keys" section over HTTP, in process (real app, database and Temporal server):
 * the keys listed by prefix with their dates, a new key shown exactly once, revocation behind a
 * confirmation page, the last active key kept, and the locks every dashboard form post has (session,
 * same origin, own keys only). Revoking the key the session was started with signs the browser out.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asMerchant, createApiHarness, PUBLIC_BASE_URL, type ApiHarness } from '../api/support/harness.js';
import { expectStrictPolicy, inlineCodeIn } from '../api/support/html-pages.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface KeyView {
  id: string;
  prefix: string;
  revokedAt: string | null;
}

describe('the dashboard’s API keys', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await createApiHarness();
  });
  afterAll(async () => h?.close());

  async function signIn(apiKey?: string): Promise<{ apiKey: string; cookie: string }> {
    const key = apiKey ?? (await h.createMerchant()).apiKey;
    const response = await h.request('/session', { method: 'POST', headers: { ...FORM, origin: PUBLIC_BASE_URL }, body: new URLSearchParams({ apiKey: key, next: '/' }).toString() });
    expect(response.status).toBe(303);
    return { apiKey: key, cookie: response.headers.get('set-cookie')!.split(';')[0]! };
  }
  const page = async (cookie: string, path = '/') => {
    const response = await h.request(path, { headers: { cookie } });
    return { response, html: await response.text() };
  };
  const post = (cookie: string, path: string, headers: Record<string, string> = { origin: PUBLIC_BASE_URL }) => h.request(path, { method: 'POST', headers: { cookie, ...FORM, ...headers }, body: '' });
  const keysOf = async (apiKey: string) => ((await (await h.request('/v1/api-keys', { headers: asMerchant(apiKey) })).json()) as { data: KeyView[] }).data;

  /** Creates a key through the dashboard; returns the key the page shows. */
  async function createThroughDashboard(cookie: string): Promise<string> {
    const response = await post(cookie, '/dashboard/api-keys');
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expectStrictPolicy(response.headers.get('content-security-policy'), 'new API key page');
    const html = await response.text();
    expect(inlineCodeIn(html)).toEqual([]);
    const shown = /<code[^>]*data-testid="new-api-key"[^>]*>(qbk_[A-Za-z0-9_-]{43})<\/code>/.exec(html);
    expect(shown, 'the new key on the page').not.toBeNull();
    return shown![1]!;
  }

  it('lists the merchant’s keys by prefix, marks the session’s own, and never shows a key again', async () => {
    const { apiKey, cookie } = await signIn();
    const { html } = await page(cookie);
    expect(html).toContain('id="api-keys"');
    expect(html).toContain(apiKey.slice(0, 10));
    expect(html).not.toContain(apiKey);
    expect(html).toContain('<form method="post" action="/dashboard/api-keys">');
    expect(html).toContain('(this session)');
    // The only active key offers no revocation, and says why.
    expect(html).not.toMatch(/href="\/dashboard\/api-keys\/[0-9a-f-]{36}\/revoke"/);
    expect(html).toContain('Create another key before revoking this one.');

    const created = await createThroughDashboard(cookie);
    expect((await h.request('/v1/connections', { headers: asMerchant(created) })).status).toBe(200);
    const after = (await page(cookie)).html;
    expect(after).toContain(created.slice(0, 10));
    expect(after).not.toContain(created);
    const ids = (await keysOf(apiKey)).map((key) => key.id);
    for (const id of ids) expect(after).toContain(`href="/dashboard/api-keys/${id}/revoke"`);
  });

  it('revokes a key after a confirmation page, and refuses it at once', async () => {
    const { apiKey, cookie } = await signIn();
    const spare = await createThroughDashboard(cookie);
    const spareId = (await keysOf(apiKey)).find((key) => spare.startsWith(key.prefix))!.id;
    const confirm = await page(cookie, `/dashboard/api-keys/${spareId}/revoke`);
    expect(confirm.response.status).toBe(200);
    expect(confirm.response.headers.get('cache-control')).toBe('no-store');
    expect(confirm.html).toContain(`<form method="post" action="/dashboard/api-keys/${spareId}/revoke"`);
    expect(confirm.html).toContain(spare.slice(0, 10));

    const done = await post(cookie, `/dashboard/api-keys/${spareId}/revoke`);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/?result=api_key_revoked#api-keys');
    expect((await h.request('/v1/connections', { headers: asMerchant(spare) })).status).toBe(401);
    expect((await page(cookie, '/?result=api_key_revoked')).html).toContain('The API key is revoked');
    expect((await post(cookie, `/dashboard/api-keys/${spareId}/revoke`)).headers.get('location')).toBe('/?result=api_key_revoked#api-keys');
  });

  it('keeps the last active key, and only the merchant’s own keys can be revoked', async () => {
    const { apiKey, cookie } = await signIn();
    const [only] = await keysOf(apiKey);
    const refused = await post(cookie, `/dashboard/api-keys/${only!.id}/revoke`);
    expect(refused.headers.get('location')).toBe('/?error=last_active_api_key#api-keys');
    expect((await page(cookie, '/?error=last_active_api_key')).html).toContain('only active API key');
    expect((await h.request('/v1/connections', { headers: asMerchant(apiKey) })).status).toBe(200);

    const other = await signIn();
    const [othersKey] = await keysOf(other.apiKey);
    await createThroughDashboard(other.cookie);
    for (const target of [othersKey!.id, randomUUID(), 'not-a-uuid']) {
      expect((await post(cookie, `/dashboard/api-keys/${target}/revoke`)).headers.get('location')).toBe('/?error=api_key_not_found#api-keys');
      expect((await page(cookie, `/dashboard/api-keys/${target}/revoke`)).response.headers.get('location')).toBe('/?error=api_key_not_found#api-keys');
    }
    expect((await keysOf(other.apiKey)).every((key) => key.revokedAt === null)).toBe(true);
  });

  it('signs the browser out when the key its session was started with is revoked', async () => {
    const { apiKey, cookie } = await signIn();
    await createThroughDashboard(cookie);
    const ownId = (await keysOf(apiKey)).find((key) => apiKey.startsWith(key.prefix))!.id;
    expect((await page(cookie, `/dashboard/api-keys/${ownId}/revoke`)).html).toContain('signs you out');
    const done = await post(cookie, `/dashboard/api-keys/${ownId}/revoke`);
    expect(done.headers.get('location')).toBe('/?result=api_key_revoked_signed_out');
    const after = await page(cookie, '/?result=api_key_revoked_signed_out');
    expect(after.html).toContain('action="/session"');
    expect(after.html).toContain('You are signed out');
  });

  it('creates keys only for a live session from our own origin, and up to the cap', async () => {
    const { apiKey, cookie } = await signIn();
    for (const headers of [{}, { origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }] as Record<string, string>[]) {
      const response = await post(cookie, '/dashboard/api-keys', headers);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('cross_origin_request');
    }
    const signedOut = await h.request('/dashboard/api-keys', { method: 'POST', headers: { ...FORM, origin: PUBLIC_BASE_URL }, body: '' });
    expect(signedOut.headers.get('location')).toBe('/?error=session_expired');
    expect(await keysOf(apiKey)).toHaveLength(1);

    for (let i = 1; i < 10; i++) await createThroughDashboard(cookie);
    const capped = await post(cookie, '/dashboard/api-keys');
    expect(capped.headers.get('location')).toBe('/?error=too_many_api_keys#api-keys');
    expect((await page(cookie, '/?error=too_many_api_keys')).html).toContain('at most 10 active API keys');
  });
});
