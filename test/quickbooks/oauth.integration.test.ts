/**
 * The OAuth life of a QuickBooks connection through createIntuitOAuth (intuit-oauth underneath)
 * against the simulator: consent, exchange, refresh (same value within a day, rotation after), superseded and revoked tokens,
 * disconnect inside QuickBooks, reused codes, cancelled consent, wrong client secret, Intuit faults.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { completeConsent } from '../../simulator/consent-client.js';
import type { RunningSimulator } from '../../simulator/index.js';
import type { QuickBooksTokenSet } from '../../shared/tokens.js';
import { createAccountingApi } from '../../quickbooks/accounting-api.js';
import { parseAuthorizationCallback } from '../../quickbooks/authorization-callback.js';
import {
  AccessTokenRejectedError,
  ClientAuthError,
  GrantInvalidError,
  PermanentQuickBooksError,
  TransientQuickBooksError,
} from '../../quickbooks/errors.js';
import { capturingLogger, connect, oauthFor, startTestSimulator, TEST_APP } from './support/simulator-harness.js';

let simulator: RunningSimulator;
let realmId: string;

beforeAll(async () => {
  simulator = await startTestSimulator();
  ({ realmId } = await simulator.control.createCompany({ invoices: 5, customers: 3, items: 2 }));
});
afterAll(async () => {
  await simulator?.close();
});
afterEach(async () => {
  await simulator.control.clearFaults();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

async function canReadCompany(tokens: QuickBooksTokenSet): Promise<boolean> {
  const api = createAccountingApi({ baseUrl: simulator.url });
  const result = await api.count({ realmId: tokens.realmId, accessToken: tokens.accessToken, entity: 'Invoice' });
  return result >= 0;
}

describe('createIntuitOAuth against the simulator', () => {
  it('lives a connection: authorize → consent → exchange → same-day refresh (same value, lifetime counting down) → next-day rotation → superseded token dies → disconnect', async () => {
    const oauth = oauthFor(simulator);
    const before = Date.now();
    const first = await connect(oauth, realmId);
    expect(first.realmId).toBe(realmId);
    expect(Date.parse(first.accessTokenExpiresAt) - before).toBeGreaterThan(3500_000);
    expect(Date.parse(first.accessTokenExpiresAt) - before).toBeLessThanOrEqual(3600_000 + 1000);
    expect(Date.parse(first.refreshTokenExpiresAt)).toBeGreaterThan(Date.parse(first.accessTokenExpiresAt));
    expect(first.refreshTokenHardExpiresAt).not.toBeNull();
    expect(Date.parse(first.refreshTokenHardExpiresAt!)).toBeGreaterThan(Date.parse(first.refreshTokenExpiresAt));
    expect(await canReadCompany(first)).toBe(true);

    // Within a day Intuit answers with the same refresh token, its lifetime counting down: we keep the
    // lifetime we are given (not a fresh 100 days), and the same value is a success, not a failed rotation.
    await simulator.control.advanceClock('PT5H');
    const sameDay = await oauth.refresh({ refreshToken: first.refreshToken, realmId });
    expect(sameDay.accessToken).not.toBe(first.accessToken);
    expect(sameDay.refreshToken).toBe(first.refreshToken);
    const lifetime = (tokens: QuickBooksTokenSet) => Date.parse(tokens.refreshTokenExpiresAt) - Date.parse(tokens.obtainedAt);
    expect(lifetime(sameDay)).toBeLessThanOrEqual(lifetime(first) - 5 * 3_600_000);
    expect(lifetime(sameDay)).toBeGreaterThan(lifetime(first) - 5 * 3_600_000 - 60_000);
    expect(await canReadCompany(sameDay)).toBe(true);

    // A day on, the value changes, with a full lifetime again; the old value is dead at once.
    await simulator.control.advanceClock('P1D');
    const second = await oauth.refresh({ refreshToken: sameDay.refreshToken, realmId });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(lifetime(second)).toBe(8_726_400_000);
    expect(await canReadCompany(second)).toBe(true);

    const superseded = await rejection(oauth.refresh({ refreshToken: first.refreshToken, realmId }));
    expect(superseded).toBeInstanceOf(GrantInvalidError);
    expect(superseded).toMatchObject({ name: 'GrantInvalidError', retryable: false, status: 400, code: 'invalid_grant' });
    expect((superseded as GrantInvalidError).intuitTid).toMatch(/^1-/);
    expect((superseded as Error).message).toContain(`realm ${realmId}`);

    const third = await oauth.refresh({ refreshToken: second.refreshToken, realmId });
    expect(await canReadCompany(third)).toBe(true);

    await simulator.control.disconnect(realmId);
    expect(await rejection(oauth.refresh({ refreshToken: third.refreshToken, realmId }))).toBeInstanceOf(GrantInvalidError);
    expect(await rejection(canReadCompany(third))).toBeInstanceOf(AccessTokenRejectedError);
  });

  it('a reused authorization code → GrantInvalidError, and the grant it issued dies with it', async () => {
    const oauth = oauthFor(simulator);
    const callback = parseAuthorizationCallback(await completeConsent(oauth.authorizeUrl({ state: randomUUID() }), { realmId }));
    if (callback.outcome !== 'authorized') throw new Error('consent failed');
    const tokens = await oauth.exchangeCode(callback);
    const reuse = await rejection(oauth.exchangeCode(callback));
    expect(reuse).toBeInstanceOf(GrantInvalidError);
    expect(await rejection(oauth.refresh({ refreshToken: tokens.refreshToken, realmId }))).toBeInstanceOf(GrantInvalidError);
  });

  it('a cancelled consent comes back as access_denied with our state, and no code is exchanged', async () => {
    const oauth = oauthFor(simulator);
    const state = randomUUID();
    const redirect = await completeConsent(oauth.authorizeUrl({ state }), { realmId, decision: 'cancel' });
    expect(redirect.startsWith(TEST_APP.redirectUri)).toBe(true);
    const callback = parseAuthorizationCallback(redirect);
    expect(callback).toEqual({ outcome: 'denied', error: 'access_denied', errorDescription: undefined, state });

    await simulator.control.clearRequests();
    const noCode = await rejection(oauth.exchangeCode({ code: '', realmId, state }));
    expect(noCode).toBeInstanceOf(PermanentQuickBooksError);
    expect((await simulator.control.requests({ kind: 'oauth' })).data).toHaveLength(0);
  });

  it('the authorize URL asks for the accounting scope with our state and redirect URI', () => {
    const url = new URL(oauthFor(simulator).authorizeUrl({ state: 'state-123' }));
    expect(`${url.origin}${url.pathname}`).toBe(`${simulator.url}/connect/oauth2`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: TEST_APP.clientId,
      redirect_uri: TEST_APP.redirectUri,
      response_type: 'code',
      scope: 'com.intuit.quickbooks.accounting',
      state: 'state-123',
    });
  });

  it('a wrong client secret → ClientAuthError on exchange, refresh and revoke, never echoing the secret', async () => {
    const good = oauthFor(simulator);
    const tokens = await connect(good, realmId);
    const bad = oauthFor(simulator, { clientSecret: 'wrongSecret0123456789wrongSecret' });
    const callback = parseAuthorizationCallback(await completeConsent(bad.authorizeUrl({ state: 's' }), { realmId }));
    if (callback.outcome !== 'authorized') throw new Error('consent failed');
    for (const attempt of [bad.exchangeCode(callback), bad.refresh({ refreshToken: tokens.refreshToken, realmId }), bad.revoke({ token: tokens.refreshToken })]) {
      const error = await rejection(attempt);
      expect(error).toBeInstanceOf(ClientAuthError);
      expect(error).toMatchObject({ retryable: false, status: 401, code: 'invalid_client' });
      expect((error as Error).message).not.toContain('wrongSecret0123456789');
    }
    // The good client's grant is untouched.
    expect(await canReadCompany(await good.refresh({ refreshToken: tokens.refreshToken, realmId }))).toBe(true);
  });

  it('revoke ends the grant: its refresh token then gives GrantInvalidError', async () => {
    const oauth = oauthFor(simulator);
    const tokens = await connect(oauth, realmId);
    await oauth.revoke({ token: tokens.refreshToken });
    expect(await rejection(oauth.refresh({ refreshToken: tokens.refreshToken, realmId }))).toBeInstanceOf(GrantInvalidError);
  });

  it('Intuit 500/503 on the token endpoint → TransientQuickBooksError after exactly one attempt (intuit-oauth retries are off)', async () => {
    const oauth = oauthFor(simulator);
    const tokens = await connect(oauth, realmId);
    for (const kind of ['500', '503'] as const) {
      await simulator.control.setFaults({ rules: [{ kind, rate: 1, target: 'oauth', remaining: 1 }] });
      await simulator.control.clearRequests();
      const error = await rejection(oauth.refresh({ refreshToken: tokens.refreshToken, realmId }));
      expect(error, kind).toBeInstanceOf(TransientQuickBooksError);
      expect(error).toMatchObject({ status: Number(kind), retryable: true });
      expect((error as TransientQuickBooksError).intuitTid).toMatch(/^1-/);
      expect((await simulator.control.requests({ kind: 'oauth' })).data).toHaveLength(1);
    }
    // The refresh token never reached the authorization server, so it still works.
    expect(await canReadCompany(await oauth.refresh({ refreshToken: tokens.refreshToken, realmId }))).toBe(true);
  });

  it('a token endpoint that resets the socket or never answers → TransientQuickBooksError', async () => {
    const oauth = oauthFor(simulator, { requestTimeoutMs: 500 });
    const tokens = await connect(oauth, realmId);
    await simulator.control.setFaults({ rules: [{ kind: 'reset', rate: 1, target: 'oauth', remaining: 1 }] });
    expect(await rejection(oauth.refresh({ refreshToken: tokens.refreshToken, realmId }))).toBeInstanceOf(TransientQuickBooksError);
    await simulator.control.setFaults({ rules: [{ kind: 'timeout', rate: 1, target: 'oauth', remaining: 1, hangMs: 2_000 }] });
    const started = Date.now();
    const timeout = await rejection(oauth.refresh({ refreshToken: tokens.refreshToken, realmId }));
    expect(timeout).toBeInstanceOf(TransientQuickBooksError);
    expect((timeout as Error).message).toContain('did not answer within 500 ms');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('two simulators in one process: each client keeps to its own endpoints', async () => {
    const other = await startTestSimulator();
    try {
      const { realmId: otherRealm } = await other.control.createCompany({ invoices: 1 });
      const [here, there] = await Promise.all([connect(oauthFor(simulator), realmId), connect(oauthFor(other), otherRealm)]);
      const [refreshedHere, refreshedThere] = await Promise.all([
        oauthFor(simulator).refresh({ refreshToken: here.refreshToken, realmId }),
        oauthFor(other).refresh({ refreshToken: there.refreshToken, realmId: otherRealm }),
      ]);
      expect(await canReadCompany(refreshedHere)).toBe(true);
      const otherApi = createAccountingApi({ baseUrl: other.url });
      expect(await otherApi.count({ realmId: otherRealm, accessToken: refreshedThere.accessToken, entity: 'Invoice' })).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('no log line written during the OAuth life contains a token, a code or the client secret', async () => {
    const { logger, lines } = capturingLogger();
    const oauth = oauthFor(simulator, { logger });
    const api = createAccountingApi({ baseUrl: simulator.url, logger });
    const secrets: string[] = [TEST_APP.clientSecret];

    const state = randomUUID();
    const callback = parseAuthorizationCallback(await completeConsent(oauth.authorizeUrl({ state }), { realmId }));
    if (callback.outcome !== 'authorized') throw new Error('consent failed');
    secrets.push(callback.code);
    const first = await oauth.exchangeCode(callback);
    secrets.push(first.accessToken, first.refreshToken);
    await simulator.control.advanceClock('P1D'); // the refresh token's value changes about daily
    const second = await oauth.refresh({ refreshToken: first.refreshToken, realmId });
    secrets.push(second.accessToken, second.refreshToken);
    await rejection(oauth.refresh({ refreshToken: first.refreshToken, realmId })); // superseded
    await rejection(oauth.exchangeCode(callback)); // reused code: logged as a failure, ends that grant
    const third = await connect(oauth, realmId);
    secrets.push(third.accessToken, third.refreshToken);
    await api.count({ realmId, accessToken: third.accessToken, entity: 'Customer' });
    await simulator.control.advanceClock('PT2H');
    await rejection(api.count({ realmId, accessToken: third.accessToken, entity: 'Customer' })); // 401 "Token expired: eyJ…"
    const fourth = await oauth.refresh({ refreshToken: third.refreshToken, realmId });
    secrets.push(fourth.accessToken, fourth.refreshToken);
    await oauth.revoke({ token: fourth.refreshToken });
    await rejection(oauth.refresh({ refreshToken: fourth.refreshToken, realmId }));

    expect(lines.length).toBeGreaterThan(8);
    expect(lines.some((line) => line.includes('invalid_grant'))).toBe(true);
    expect(lines.some((line) => line.includes('AccessTokenRejectedError') && line.includes('intuitTid'))).toBe(true);
    for (const secret of secrets) {
      // The whole value, and the random tail of it (access tokens all share Intuit's JWE header).
      const tail = secret.slice(-16);
      for (const line of lines) {
        expect(line.includes(secret), `a log line contains a secret: ${line.slice(0, 200)}`).toBe(false);
        expect(line.includes(tail), `a log line contains a secret's tail: ${line.slice(0, 200)}`).toBe(false);
      }
    }
    // The 401's "Token expired: eyJlbmMiOiJBMTI4…" fragment is redacted too.
    expect(lines.some((line) => /eyJlbmMi/.test(line))).toBe(false);
  });
});
