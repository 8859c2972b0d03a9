/**
 * Every HTML page the API serves, reached the way a browser reaches it (signed in where the page needs
 * it), and what a strict Content-Security-Policy means for them: shared by the header test and the
 * real-browser test.
 */
import { expect } from 'vitest';
import { asMerchant, PUBLIC_BASE_URL, type ApiHarness } from './harness.js';

export interface HtmlPage {
  name: string;
  path: string;
  /** Sent with the request: the session cookie for signed-in pages. */
  headers: Record<string, string>;
}

export interface SignedInMerchant {
  apiKey: string;
  cookie: string;
  connectionId: string;
  /** A second API key's id (the first cannot be revoked, so only this one has a confirmation page). */
  spareKeyId: string;
}

/** A merchant with a session cookie, one (pending) connection and two API keys, for the pages behind sign-in. */
export async function signedInMerchant(h: ApiHarness): Promise<SignedInMerchant> {
  const { apiKey } = await h.createMerchant();
  const session = await h.request('/session', { method: 'POST', headers: { 'content-type': 'application/json', origin: PUBLIC_BASE_URL }, body: JSON.stringify({ apiKey }) });
  expect(session.status).toBe(201);
  const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
  const created = await h.request('/v1/connections', { method: 'POST', headers: asMerchant(apiKey), body: JSON.stringify({ provider: 'quickbooks' }) });
  const connectionId = ((await created.json()) as { connection: { id: string } }).connection.id;
  const spare = await h.request('/v1/api-keys', { method: 'POST', headers: asMerchant(apiKey) });
  const spareKeyId = ((await spare.json()) as { id: string }).id;
  return { apiKey, cookie, connectionId, spareKeyId };
}

export function htmlPages(merchant: SignedInMerchant): HtmlPage[] {
  const signedIn = { cookie: merchant.cookie };
  const html = { accept: 'text/html' };
  return [
    { name: 'sign-in (/ signed out)', path: '/', headers: html },
    { name: 'dashboard', path: '/', headers: { ...html, ...signedIn } },
    { name: 'login', path: '/login?next=%2F', headers: html },
    { name: 'disconnect confirmation', path: `/dashboard/connections/${merchant.connectionId}/disconnect`, headers: { ...html, ...signedIn } },
    { name: 'API key revocation confirmation', path: `/dashboard/api-keys/${merchant.spareKeyId}/revoke`, headers: { ...html, ...signedIn } },
    { name: "Intuit's Disconnect URL", path: '/quickbooks/disconnect', headers: html },
    { name: 'API docs', path: '/docs', headers: html },
  ];
}

/** The policy's directives: name → sources. */
export function parsePolicy(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/** Sources that would let an injected script or style run. */
const LAX_SOURCES = ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", '*', 'data:', 'blob:', 'http:', 'https:'];

/** What "strict" means here: nothing is allowed unless listed, and scripts and styles come from our origin only. */
export function expectStrictPolicy(header: string | null, page: string): void {
  expect(header, `${page}: Content-Security-Policy`).toBeTruthy();
  const policy = parsePolicy(header!);
  expect(policy.get('default-src'), `${page}: default-src`).toEqual(["'none'"]);
  for (const directive of ['script-src', 'style-src']) {
    const sources = policy.get(directive);
    expect(sources, `${page}: ${directive}`).toBeDefined();
    for (const source of sources!) expect(LAX_SOURCES, `${page}: ${directive} ${source}`).not.toContain(source);
  }
  expect(policy.get('base-uri'), `${page}: base-uri`).toEqual(["'none'"]);
  expect(policy.get('frame-ancestors'), `${page}: frame-ancestors`).toEqual(["'none'"]);
  expect(policy.get('form-action'), `${page}: form-action`).toContain("'self'");
}

/** Markup the policy would block: inline scripts, event-handler attributes, <style> blocks and style attributes. */
export function inlineCodeIn(html: string): string[] {
  const found: string[] = [];
  for (const match of html.matchAll(/<script\b[^>]*>/gi)) if (!/\ssrc=/i.test(match[0])) found.push(match[0]);
  for (const match of html.matchAll(/<style\b[^>]*>/gi)) found.push(match[0]);
  for (const match of html.matchAll(/<[^>]+\s(on[a-z]+|style)\s*=[^>]*>/gi)) found.push(match[0]);
  for (const match of html.matchAll(/javascript:/gi)) found.push(match[0]);
  return found;
}
