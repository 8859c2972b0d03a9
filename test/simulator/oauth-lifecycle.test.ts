/**
 * The OAuth life of a connection, driven through the real intuit-oauth client exactly as the product
 * uses it: consent, code exchange, access-token expiry, refresh (the same refresh token within a day, a
 * new one after), and the ways a grant
 * dies (disconnect inside QuickBooks, a reused code, revocation, idleness).
 */
import OAuthClient from 'intuit-oauth';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { completeConsent } from '../../simulator/consent-client.js';
import type { RunningSimulator } from '../../simulator/index.js';
import { APP, api, faultError, startTestSimulator } from './support.js';

const JWE_HEADER = 'eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..';
const original = {
  authorizeEndpoint: OAuthClient.authorizeEndpoint,
  tokenEndpoint: OAuthClient.tokenEndpoint,
  revokeEndpoint: OAuthClient.revokeEndpoint,
  environment: OAuthClient.environment,
  retryConfig: OAuthClient.retryConfig,
};

let simulator: RunningSimulator;
let realmId: string;
let defaultConfig: Awaited<ReturnType<RunningSimulator['control']['getConfig']>>;

beforeAll(async () => {
  simulator = await startTestSimulator();
  realmId = (await simulator.control.createCompany({ seed: 11 })).realmId;
  defaultConfig = await simulator.control.getConfig();
  OAuthClient.authorizeEndpoint = `${simulator.url}/connect/oauth2`;
  OAuthClient.tokenEndpoint = `${simulator.url}/oauth2/v1/tokens/bearer`;
  OAuthClient.revokeEndpoint = `${simulator.url}/v2/oauth2/tokens/revoke`;
  OAuthClient.environment = { sandbox: `${simulator.url}/`, production: `${simulator.url}/` };
  OAuthClient.retryConfig = { ...OAuthClient.retryConfig, maxRetries: 0, retryDelay: 1 };
});

afterEach(async () => {
  await simulator.control.setConfig(defaultConfig);
});

afterAll(async () => {
  Object.assign(OAuthClient, original);
  await simulator.close();
});

function newClient(options: { clientSecret?: string; includeRefreshTokenHardExpiresIn?: boolean } = {}): OAuthClient {
  return new OAuthClient({
    clientId: APP.clientId,
    clientSecret: options.clientSecret ?? APP.clientSecret,
    environment: 'sandbox',
    redirectUri: APP.redirectUri,
    ...(options.includeRefreshTokenHardExpiresIn ? { includeRefreshTokenHardExpiresIn: true } : {}),
  });
}

async function consent(client: OAuthClient, state = 'state-1'): Promise<string> {
  return completeConsent(client.authorizeUri({ scope: [OAuthClient.scopes.Accounting], state }), { realmId });
}

const countQuery = () => `v3/company/${realmId}/query?query=${encodeURIComponent('SELECT COUNT(*) FROM Invoice')}&minorversion=75`;

describe('OAuth through intuit-oauth', () => {
  it('lives a whole life: consent, tokens, expiry, a same-day refresh, a next-day rotation, then a disconnect inside QuickBooks', async () => {
    const client = newClient();
    const callback = await consent(client, 'life');
    expect(new URL(callback).searchParams.get('state')).toBe('life');
    expect(new URL(callback).searchParams.get('realmId')).toBe(realmId);

    const created = await client.createToken(callback);
    expect(created.json).toMatchObject({ token_type: 'bearer', expires_in: 3600, x_refresh_token_expires_in: 8_726_400 });
    expect(created.json).not.toHaveProperty('x_refresh_token_hard_expires_in');
    expect(created.getIntuitTid()).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    const first = client.getToken().getToken();
    expect(first.realmId).toBe(realmId);
    expect(first.access_token?.startsWith(JWE_HEADER)).toBe(true);
    expect(first.access_token?.length).toBeGreaterThan(900);
    expect(first.refresh_token).toMatch(/^RT1-/);

    const answer = await client.makeApiCall({ url: countQuery() });
    expect(answer.json).toMatchObject({ QueryResponse: { totalCount: expect.any(Number) as number } });

    // An hour later the access token has expired: the API answers 401 (lowercase fault, 3200).
    await simulator.control.advanceClock('PT61M');
    const expired = await api(simulator, realmId, String(first.access_token), 'query?query=SELECT%20COUNT(*)%20FROM%20Invoice');
    expect(expired.status).toBe(401);
    expect(faultError(expired)).toMatchObject({ code: '3200', message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401' });
    expect(String(faultError(expired).detail)).toMatch(/^Token expired: /);
    await expect(client.makeApiCall({ url: countQuery() })).rejects.toMatchObject({ code: '401' });

    // Refresh within a day: a new access token, the same refresh token, its lifetime counting down.
    const sameDay = await client.refresh();
    const second = client.getToken().getToken();
    expect(second.refresh_token).toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(Number(sameDay.json.x_refresh_token_expires_in)).toBeLessThanOrEqual(8_726_400 - 61 * 60);
    expect(Number(sameDay.json.x_refresh_token_expires_in)).toBeGreaterThan(8_726_400 - 61 * 60 - 60);
    expect((await client.makeApiCall({ url: countQuery() })).status).toBe(200);

    // A day on, the value changes and the new one lives 100 days again.
    await simulator.control.advanceClock('P1D');
    const nextDay = await client.refresh();
    const third = client.getToken().getToken();
    expect(third.refresh_token).not.toBe(first.refresh_token);
    expect(nextDay.json).toMatchObject({ x_refresh_token_expires_in: 8_726_400 });

    // The superseded refresh token is dead.
    await expect(client.refreshUsingToken(String(first.refresh_token))).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: 'Incorrect or invalid refresh token',
    });

    // The merchant disconnects the app inside QuickBooks: refresh fails, the API refuses.
    expect(await simulator.control.disconnect(realmId)).toMatchObject({ realmId, revokedGrants: 1 });
    await expect(client.refresh()).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await api(simulator, realmId, String(third.access_token), 'query?query=SELECT%20COUNT(*)%20FROM%20Invoice')).status).toBe(401);
  });

  it('fails a second exchange of the same code and kills the tokens the first exchange issued', async () => {
    const first = newClient();
    const callback = await consent(first);
    await first.createToken(callback);
    const tokens = first.getToken().getToken();

    await expect(newClient().createToken(callback)).rejects.toMatchObject({ error: 'invalid_grant' });

    expect((await api(simulator, realmId, String(tokens.access_token), 'query?query=SELECT%20COUNT(*)%20FROM%20Item')).status).toBe(401);
    await expect(first.refresh()).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('sends a merchant who clicks Cancel back with error=access_denied and the state', async () => {
    const client = newClient();
    const redirect = new URL(await completeConsent(client.authorizeUri({ scope: [OAuthClient.scopes.Accounting], state: 'cancel-me' }), { decision: 'cancel' }));
    expect(`${redirect.origin}${redirect.pathname}`).toBe(APP.redirectUri);
    expect(Object.fromEntries(redirect.searchParams)).toEqual({ error: 'access_denied', state: 'cancel-me' });
  });

  it('answers a wrong client secret with 401 invalid_client', async () => {
    const callback = await consent(newClient());
    await expect(newClient({ clientSecret: 'not-the-secret' }).createToken(callback)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('answers an unknown code with invalid_grant', async () => {
    const callback = `${APP.redirectUri}?code=AB11000000000000NoSuchCode&state=x&realmId=${realmId}`;
    await expect(newClient().createToken(callback)).rejects.toMatchObject({ error: 'invalid_grant', authResponse: { response: { status: 400 } } });
  });

  it('answers a code exchanged with another redirect_uri with invalid_grant', async () => {
    const callback = await consent(newClient());
    const other = new OAuthClient({ clientId: APP.clientId, clientSecret: APP.clientSecret, environment: 'sandbox', redirectUri: 'http://127.0.0.1:9/elsewhere' });
    await expect(other.createToken(callback)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('lets an authorization code expire after ten minutes', async () => {
    const callback = await consent(newClient());
    await simulator.control.advanceClock('PT11M');
    await expect(newClient().createToken(callback)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('issues access tokens for accessTokenTtlSeconds', async () => {
    await simulator.control.setConfig({ accessTokenTtlSeconds: 120 });
    const client = newClient();
    const created = await client.createToken(await consent(client));
    expect(created.json).toMatchObject({ expires_in: 120 });
    expect((await client.makeApiCall({ url: countQuery() })).status).toBe(200);
    await simulator.control.advanceClock('PT3M');
    await expect(client.makeApiCall({ url: countQuery() })).rejects.toMatchObject({ code: '401' });
  });

  it('reports the five-year hard expiry only to a client that asks for it', async () => {
    const client = newClient({ includeRefreshTokenHardExpiresIn: true });
    const created = await client.createToken(await consent(client));
    expect(created.json).toMatchObject({ x_refresh_token_hard_expires_in: 5 * 365 * 86_400 });
    const refreshed = await client.refresh();
    expect(Number((refreshed.json as { x_refresh_token_hard_expires_in: number }).x_refresh_token_hard_expires_in)).toBeLessThanOrEqual(5 * 365 * 86_400);
  });

  it('revokes the whole grant, by refresh or access token; a second revoke is a 400 with an empty body; an unknown token is still a 200', async () => {
    const client = newClient();
    await client.createToken(await consent(client));
    const { access_token: accessToken, refresh_token: refreshToken } = client.getToken().getToken();
    await client.revoke({ refresh_token: refreshToken });
    expect((await api(simulator, realmId, String(accessToken), 'query?query=SELECT%20COUNT(*)%20FROM%20Item')).status).toBe(401);
    await expect(newClient().refreshUsingToken(String(refreshToken))).rejects.toMatchObject({ error: 'invalid_grant' });

    // Revoking it again: Intuit answers 400 with an empty body.
    const again = await fetch(`${simulator.url}/v2/oauth2/tokens/revoke`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token: refreshToken }),
    });
    expect(again.status).toBe(400);
    expect(await again.text()).toBe('');

    const unknown = await fetch(`${simulator.url}/v2/oauth2/tokens/revoke`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'RT1-never-issued' }),
    });
    expect(unknown.status).toBe(200);
  });

  it('keeps earlier grants alive when the merchant consents again', async () => {
    const earlier = newClient();
    await earlier.createToken(await consent(earlier));
    const later = newClient();
    await later.createToken(await consent(later));
    await earlier.refresh();
    await later.refresh();
    const grants = (await simulator.control.grants({ realmId, clientId: APP.clientId })).data;
    expect(grants.filter((grant) => grant.status === 'active').length).toBeGreaterThanOrEqual(2);
  });

  it('by default (like Intuit) returns the same refresh token, its lifetime counting down, within 24 hours and a new one after', async () => {
    expect(defaultConfig.refreshTokenRotation).toBe('daily');
    const client = newClient();
    const created = await client.createToken(await consent(client));
    const issued = client.getToken().refresh_token;
    await simulator.control.advanceClock('PT5H');
    const later = await client.refresh();
    expect(client.getToken().refresh_token).toBe(issued);
    expect(Number(later.json.x_refresh_token_expires_in)).toBeLessThanOrEqual(Number(created.json.x_refresh_token_expires_in) - 5 * 3600);

    await simulator.control.advanceClock('P1D');
    const nextDay = await client.refresh();
    expect(client.getToken().refresh_token).not.toBe(issued);
    expect(nextDay.json).toMatchObject({ x_refresh_token_expires_in: 8_726_400 });
    await expect(newClient().refreshUsingToken(issued)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('with every_refresh rotation (stricter than Intuit) returns a new refresh token with a full lifetime on every refresh', async () => {
    await simulator.control.setConfig({ refreshTokenRotation: 'every_refresh' });
    const client = newClient();
    await client.createToken(await consent(client));
    const issued = client.getToken().refresh_token;
    await simulator.control.advanceClock('PT5H');
    const refreshed = await client.refresh();
    expect(client.getToken().refresh_token).not.toBe(issued);
    expect(refreshed.json).toMatchObject({ x_refresh_token_expires_in: 8_726_400 });
    await expect(newClient().refreshUsingToken(issued)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('honours a superseded refresh token only within the configured grace period', async () => {
    await simulator.control.setConfig({ supersededRefreshTokenGraceSeconds: 3600, refreshTokenRotation: 'every_refresh' });
    const client = newClient();
    await client.createToken(await consent(client));
    const superseded = client.getToken().refresh_token;
    await client.refresh();

    const stillFine = newClient();
    await stillFine.refreshUsingToken(superseded);
    expect(stillFine.getToken().access_token).toMatch(/^eyJ/);

    await simulator.control.advanceClock('PT2H');
    await expect(newClient().refreshUsingToken(superseded)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('lets an idle refresh token expire after 100 days (invalid_grant, "Token expired")', async () => {
    const client = newClient();
    await client.createToken(await consent(client));
    await simulator.control.advanceClock('P101D');
    await expect(client.refreshUsingToken(client.getToken().refresh_token)).rejects.toMatchObject({ error: 'invalid_grant', error_description: 'Token expired' });
  });
});
