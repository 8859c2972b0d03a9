/**
 * The dashboard's pages and form actions over HTTP, in process (the real app on a real database and
 * Temporal server): what a signed-out visitor sees, the badges of every status in words, notices, the
 * ⋯ menu's actions per status, messages chosen only from the dashboard's own table, and the locks on
 * cookie-authenticated form posts (session required, same origin only, own connections only).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCompanyProfile, recordConnectionRealm, setConnectionStatus, updateSyncProgress } from '../../db/queries/connections.js';
import { createNotificationOnce } from '../../db/queries/notifications.js';
import { createApiHarness, PUBLIC_BASE_URL, type ApiHarness } from '../api/support/harness.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('dashboard pages and actions', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await createApiHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function signIn(): Promise<{ merchant: { id: string; name: string; apiKey: string }; cookie: string }> {
    const merchant = await h.createMerchant();
    const response = await h.request('/session', { method: 'POST', headers: { ...FORM, origin: PUBLIC_BASE_URL }, body: new URLSearchParams({ apiKey: merchant.apiKey, next: '/' }).toString() });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    return { merchant, cookie: response.headers.get('set-cookie')!.split(';')[0]! };
  }

  const page = async (cookie: string | undefined, path = '/') => {
    const response = await h.request(path, { headers: cookie ? { cookie } : {} });
    return { response, html: await response.text() };
  };
  const post = (cookie: string, path: string, headers: Record<string, string> = { origin: PUBLIC_BASE_URL }) => h.request(path, { method: 'POST', headers: { cookie, ...FORM, ...headers }, body: '' });

  /** Creates a connection through the dashboard's Connect button; returns its id (from the dashboard page). */
  async function connect(cookie: string): Promise<string> {
    const response = await post(cookie, '/dashboard/connections');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/\/connect\/oauth2\?/);
    const ids = [...(await page(cookie)).html.matchAll(/data-connection-id="([0-9a-f-]{36})"/g)].map((match) => match[1]!);
    return ids[0]!;
  }

  it('shows a signed-out visitor the sign-in form, never cached', async () => {
    const { response, html } = await page(undefined);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<form method="post" action="/session">');
    expect(html).toContain('<label for="apiKey">');
    expect(html).not.toContain('Data Sources');
  });

  it('sends a browser that signs in with a wrong key back to the form, saying so', async () => {
    const response = await h.request('/session', {
      method: 'POST',
      headers: { ...FORM, origin: PUBLIC_BASE_URL, accept: 'text/html' },
      body: new URLSearchParams({ apiKey: 'qbk_not-a-real-key', next: '/' }).toString(),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('set-cookie')).toBeNull();
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/login\?/);
    const { html } = await page(undefined, location);
    expect(html).toContain('That API key is not valid.');
    expect(html).toContain('<form method="post" action="/session">');
  });

  it('shows a browser whose OAuth callback was refused the reason on the dashboard', async () => {
    const { cookie } = await signIn();
    const response = await h.request('/oauth/quickbooks/callback?state=tampered&code=abc&realmId=123', { headers: { cookie, accept: 'text/html' } });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('state_invalid');
    const { html } = await page(cookie, `${location.pathname}${location.search}`);
    expect(html).toContain('That authorization link is unknown or was altered.');
    // API clients still get the error envelope with a 4xx.
    const json = await h.request('/oauth/quickbooks/callback?state=tampered&code=abc&realmId=123', { headers: { accept: 'application/json' } });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('state_invalid');
  });

  it('shows the signed-in merchant Data Sources and Browse Integrations, then a card per connection', async () => {
    const { merchant, cookie } = await signIn();
    const empty = await page(cookie);
    expect(empty.html).toContain('Data Sources');
    expect(empty.html).toContain('Browse Integrations');
    expect(empty.html).toContain(merchant.name);
    expect(empty.html).toContain('No data source is connected yet');
    expect(empty.html).toContain('<form method="post" action="/dashboard/connections">');

    const id = await connect(cookie);
    const { html } = await page(cookie);
    expect(html).toContain('Waiting for authorization');
    expect(html).toContain(`action="/dashboard/connections/${id}/reauthorize"`);
    expect(html).toContain('Continue connecting');
  });

  it('says every status in words, with an icon that screen readers skip, and offers the actions the status allows', async () => {
    const { merchant, cookie } = await signIn();
    const id = await connect(cookie);
    await setConnectionStatus(h.database.db, id, { status: 'active', phase: 'idle' });
    await recordConnectionRealm(h.database.db, { connectionId: id, realmId: '4620816365000000001' });
    await updateSyncProgress(h.database.db, id, { lastSyncedAt: new Date() });
    let { html } = await page(cookie);
    expect(html).toMatch(/<span aria-hidden="true">✓<\/span>Syncing/);
    expect(html).toContain(`action="/dashboard/connections/${id}/sync"`);
    expect(html).toContain('Sync now');
    expect(html).toContain(`href="/dashboard/connections/${id}/disconnect"`);
    expect(html).toContain('aria-label="Actions for QuickBooks company 4620816365000000001"');
    expect(html).toContain('data-entity="Invoice"');

    await setConnectionStatus(h.database.db, id, { status: 'needs_reauthorization', phase: 'waiting_for_reauthorization', needsReauthorizationSince: new Date() });
    await createNotificationOnce(h.database.db, { merchantId: merchant.id, connectionId: id, kind: 'needs_reauthorization', episodeKey: 'e1', message: 'QuickBooks stopped sharing data with us.' });
    html = (await page(cookie)).html;
    expect(html).toMatch(/<span aria-hidden="true">⚠<\/span>Needs attention/);
    expect(html).toContain('QuickBooks stopped sharing data with us.');
    expect(html).toContain('1 data source connected; 1 needs your attention.');
    expect(html).not.toContain(`action="/dashboard/connections/${id}/sync"`);
    expect(html).toContain('Re-authorize QuickBooks');

    await setConnectionStatus(h.database.db, id, { status: 'disconnected', phase: null, disconnectedAt: new Date() });
    html = (await page(cookie)).html;
    expect(html).toMatch(/<span aria-hidden="true">✕<\/span>Disconnected/);
    expect(html).toContain('Disconnected data sources (1)');
    expect(html).not.toContain(`action="/dashboard/connections/${id}/reauthorize"`);
  });

  it('turns a refused action into a message on the dashboard, from its own words only', async () => {
    const { cookie } = await signIn();
    const id = await connect(cookie);
    const refused = await post(cookie, `/dashboard/connections/${id}/sync`);
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toBe(`/?error=connection_not_authorized&connection=${id}#connection-${id}`);
    expect((await page(cookie, `/?error=connection_not_authorized&connection=${id}`)).html).toContain('role="alert"');

    const injected = await page(cookie, '/?result=%3Cscript%3Ealert(1)%3C%2Fscript%3E&error=%3Cb%3Eowned%3C%2Fb%3E');
    expect(injected.html).not.toContain('<script>alert(1)');
    expect(injected.html).not.toContain('owned');
    expect(injected.html).toContain('Something went wrong. Please try again.');
    expect((await page(cookie, '/?result=nonsense')).html).not.toContain('data-testid="flash"');
  });

  it('acts only on the merchant’s own connections, and only for a session from our own origin', async () => {
    const owner = await signIn();
    const id = await connect(owner.cookie);
    const other = await signIn();
    for (const target of [id, randomUUID(), 'not-a-uuid']) {
      const response = await post(other.cookie, `/dashboard/connections/${target}/reauthorize`);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toMatch(/^\/\?error=connection_not_found/);
    }
    expect((await page(other.cookie, `/dashboard/connections/${id}/disconnect`)).response.headers.get('location')).toMatch(/error=connection_not_found/);

    const crossSite: Record<string, string>[] = [{}, { origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }];
    for (const headers of crossSite) {
      const response = await post(owner.cookie, '/dashboard/connections', headers);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('cross_origin_request');
    }
    const signedOut = await h.request('/dashboard/connections', { method: 'POST', headers: { ...FORM, origin: PUBLIC_BASE_URL }, body: '' });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/?error=session_expired');
  });

  it('disconnects after a confirmation page, and signs out', async () => {
    const { cookie } = await signIn();
    const id = await connect(cookie);
    const confirm = await page(cookie, `/dashboard/connections/${id}/disconnect`);
    expect(confirm.response.status).toBe(200);
    expect(confirm.html).toContain(`<form method="post" action="/dashboard/connections/${id}/disconnect"`);
    const done = await post(cookie, `/dashboard/connections/${id}/disconnect`);
    expect(done.headers.get('location')).toBe(`/?result=disconnected&connection=${id}#connection-${id}`);
    expect((await page(cookie, '/?result=disconnected')).html).toContain('The connection is disconnected.');
    expect((await post(cookie, `/dashboard/connections/${id}/disconnect`)).headers.get('location')).toMatch(/result=already_disconnected/);

    const out = await post(cookie, '/dashboard/sign-out');
    expect(out.headers.get('location')).toBe('/?result=signed_out');
    const after = await page(cookie, '/?result=signed_out');
    expect(after.html).toContain('You are signed out.');
    expect(after.html).toContain('action="/session"');
  });

  it('shows and changes where notices are emailed; an address we cannot send to changes nothing', async () => {
    const { merchant, cookie } = await signIn();
    expect((await page(cookie)).html).toContain('No email address yet');
    const save = (fields: Record<string, string>) =>
      h.request('/dashboard/notice-emails', { method: 'POST', headers: { cookie, ...FORM, origin: PUBLIC_BASE_URL }, body: new URLSearchParams(fields).toString() });
    const saved = await save({ email: ' owner@demo.example ', notificationEmails: 'on' });
    expect(saved.headers.get('location')).toBe('/?result=notice_emails_saved#notice-emails');
    expect((await page(cookie)).html).toContain('When a connection needs you, we email owner@demo.example.');
    expect((await save({ email: 'not an address', notificationEmails: 'on' })).headers.get('location')).toBe('/?error=invalid_email#notice-emails');
    expect((await save({ email: 'owner@demo.example' })).status).toBe(303);
    expect((await page(cookie)).html).toContain('Emails are turned off');
    const me = await h.request('/v1/merchant', { headers: { authorization: `Bearer ${merchant.apiKey}` } });
    expect(await me.json()).toMatchObject({ email: 'owner@demo.example', notificationEmails: false });
  });

  it('links the script that shows a message once (served from our origin, no inline script), and refreshes to the bare address', async () => {
    const { cookie } = await signIn();
    const { html } = await page(cookie, '/?result=connected');
    const src = /<script src="(\/assets\/dashboard\.js\?v=[0-9a-f]{12})" defer=""><\/script>/.exec(html)?.[1];
    expect(src).toBeDefined();
    const script = await h.request(src!);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toContain('replaceState');
    expect(html).not.toMatch(/<script>/);
  });

  it('names the company as QuickBooks does, and shows a first backfill as a progress bar with the time left', async () => {
    const { cookie } = await signIn();
    const id = await connect(cookie);
    await recordConnectionRealm(h.database.db, { connectionId: id, realmId: '9341452000000001' });
    await recordCompanyProfile(h.database.db, id, { profile: { name: 'Demo Landscaping LLC', country: 'US', homeCurrency: 'USD' }, backfillEstimatedTotal: 400 });
    await setConnectionStatus(h.database.db, id, { status: 'active', phase: 'backfilling' });
    let { html } = await page(cookie);
    expect(html).toContain('<span data-testid="company-name">Demo Landscaping LLC</span>');
    expect(html).toContain('aria-label="Actions for QuickBooks Demo Landscaping LLC"');
    expect(html).toMatch(/<progress value="0" max="400"/);
    expect(html).toContain('0 of about 400 records copied (0%), estimating the time left…');
    expect(html).toContain('<meta http-equiv="refresh" content="5; url=/"/>');

    await updateSyncProgress(h.database.db, id, { phase: 'idle', lastSyncedAt: new Date() });
    html = (await page(cookie)).html;
    expect(html).not.toContain('data-testid="backfill-progress"');
    expect(html).not.toContain('http-equiv="refresh"');
  });
});
