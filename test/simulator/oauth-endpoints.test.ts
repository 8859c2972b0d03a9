/**
 * Intuit's authorize and token endpoints answering raw HTTP the way Intuit does: error pages (never a
 * redirect) for an unknown client or redirect URI, invalid_scope, the company chooser, and the token
 * endpoint's error bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeConsent } from '../../simulator/consent-client.js';
import type { RunningSimulator } from '../../simulator/index.js';
import { ACCOUNTING_SCOPE, APP, authorizeUrl, startTestSimulator } from './support.js';

let simulator: RunningSimulator;
let realmId: string;

beforeAll(async () => {
  simulator = await startTestSimulator();
  realmId = (await simulator.control.createCompany({ seed: 11 })).realmId;
});

afterAll(async () => {
  await simulator.close();
});

describe('the authorize endpoint', () => {
  it('shows an error page, never a redirect, for an unregistered redirect URI or an unknown client', async () => {
    const wrongRedirect = authorizeUrl(simulator, { redirect_uri: 'https://attacker.example/callback' });
    const page = await fetch(wrongRedirect, { redirect: 'manual' });
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(await page.text()).toContain('Invalid redirect_uri');
    await expect(completeConsent(wrongRedirect, {})).rejects.toThrow(/error page \(400\): Invalid redirect_uri/);
    await expect(completeConsent(authorizeUrl(simulator, { client_id: 'who-is-this' }), {})).rejects.toThrow(/Invalid client/);
  });

  it('redirects with invalid_scope when the accounting scope is missing or unknown', async () => {
    for (const scope of ['openid email', `${ACCOUNTING_SCOPE} com.example.unknown`, '']) {
      const redirect = new URL(await completeConsent(authorizeUrl(simulator, { scope, state: 's' }), {}));
      expect(Object.fromEntries(redirect.searchParams)).toEqual({ error: 'invalid_scope', state: 's' });
    }
  });

  it('offers every company as a radio button, the first pre-selected, with Connect and Cancel buttons', async () => {
    const other = (await simulator.control.createCompany({ name: 'Second Books <Co>' })).realmId;
    const html = await (await fetch(authorizeUrl(simulator, { scope: `${ACCOUNTING_SCOPE} openid profile email` }))).text();
    expect(html).toContain(`<input type="radio" name="realmId" value="${realmId}" checked>`);
    expect(html).toContain(`value="${other}"`);
    expect(html).toContain('Second Books &lt;Co&gt;');
    expect(html).toMatch(/<button type="submit" name="decision" value="connect">Connect<\/button>/);
    expect(html).toMatch(/<button type="submit" name="decision" value="cancel">Cancel<\/button>/);
    const chosen = new URL(await completeConsent(authorizeUrl(simulator), { realmId: other }));
    expect(chosen.searchParams.get('realmId')).toBe(other);
  });
});

describe('the token endpoint', () => {
  const post = (body: string, authorization?: string) =>
    fetch(`${simulator.url}/oauth2/v1/tokens/bearer`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
      body,
    });
  const basic = `Basic ${Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64')}`;

  it('answers an unknown grant_type with unsupported_grant_type, and missing client auth with invalid_client', async () => {
    const unknownGrant = await post('grant_type=password&username=a', basic);
    expect(unknownGrant.status).toBe(400);
    expect(await unknownGrant.json()).toEqual({ error: 'unsupported_grant_type' });
    expect(unknownGrant.headers.get('intuit_tid')).toMatch(/^1-/);

    const anonymous = await post('grant_type=refresh_token&refresh_token=x');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: 'invalid_client' });
  });

  it('answers an unknown refresh token with Intuit\'s invalid_grant body', async () => {
    const response = await post('grant_type=refresh_token&refresh_token=RT1-never-issued', basic);
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('{"error_description":"Incorrect or invalid refresh token","error":"invalid_grant"}');
  });
});
