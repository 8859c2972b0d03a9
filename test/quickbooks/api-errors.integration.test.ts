/**
 * Every typed error the Accounting API client produces, each caused by the real simulator (its token
 * checks, throttle, query parser, object store and injected faults), and the per-realm rate limiter
 * holding a realm under the simulator's 10-concurrent-requests rule.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/index.js';
import type { QuickBooksTokenSet } from '../../shared/tokens.js';
import { createAccountingApi, type AccountingApi } from '../../quickbooks/accounting-api.js';
import {
  AccessTokenRejectedError,
  PermanentQuickBooksError,
  ThrottledError,
  TransientQuickBooksError,
} from '../../quickbooks/errors.js';
import { changedSinceQuery } from '../../quickbooks/queries.js';
import { createRealmRateLimiter } from '../../quickbooks/rate-limiter.js';
import type { AccountingResponseEvent } from '../../quickbooks/types.js';
import { connect, failureOf, oauthFor, startTestSimulator } from './support/simulator-harness.js';

let simulator: RunningSimulator;
let realmId: string;
let otherRealmId: string;
let tokens: QuickBooksTokenSet;
let api: AccountingApi;
const events: AccountingResponseEvent[] = [];

beforeAll(async () => {
  simulator = await startTestSimulator();
  ({ realmId } = await simulator.control.createCompany({ invoices: 20, customers: 4 }));
  ({ realmId: otherRealmId } = await simulator.control.createCompany({ invoices: 2 }));
  tokens = await connect(oauthFor(simulator), realmId);
  api = createAccountingApi({ baseUrl: simulator.url, requestTimeoutMs: 2_000, onResponse: (event) => events.push(event) });
});
afterAll(async () => {
  await simulator?.close();
});
afterEach(async () => {
  await simulator.control.clearFaults();
});

const invoicePage = (accessToken = tokens.accessToken, realm = realmId, client = api) =>
  client.query({ realmId: realm, accessToken, statement: changedSinceQuery({ entity: 'Invoice', since: '2000-01-01T00:00:00Z', maxResults: 5 }) });

describe('typed errors from the real simulator', () => {
  it('401 for an expired access token → AccessTokenRejectedError 3200, with Intuit-Tid and no token fragment', async () => {
    const expiring = await connect(oauthFor(simulator), realmId);
    await simulator.control.advanceClock('PT61M');
    const error = await failureOf(invoicePage(expiring.accessToken));
    expect(error).toBeInstanceOf(AccessTokenRejectedError);
    expect(error).toMatchObject({ status: 401, code: '3200', faultType: 'AUTHENTICATION', retryable: true });
    expect(error.intuitTid).toMatch(/^1-/);
    expect(error.message).toContain('Token expired: [redacted]');
    expect(error.message).not.toContain(expiring.accessToken.slice(0, 20));
    expect(error.message).toContain(`Intuit-Tid ${error.intuitTid}`);
    // The caller's remedy: refresh and retry once.
    tokens = await oauthFor(simulator).refresh({ refreshToken: tokens.refreshToken, realmId });
    await expect(invoicePage()).resolves.toHaveProperty('entity', 'Invoice');
  });

  it('401 for an unknown or malformed bearer token → AccessTokenRejectedError', async () => {
    expect(await failureOf(invoicePage('x'.repeat(40)))).toBeInstanceOf(AccessTokenRejectedError);
    expect(await failureOf(invoicePage('short-token'))).toBeInstanceOf(AccessTokenRejectedError);
  });

  it('403 for a token used on another company → PermanentQuickBooksError 3100', async () => {
    const error = await failureOf(invoicePage(tokens.accessToken, otherRealmId));
    expect(error).toBeInstanceOf(PermanentQuickBooksError);
    expect(error).toMatchObject({ status: 403, code: '3100', retryable: false });
  });

  it('429 → ThrottledError with retryAfterMs ≥ 60 000, and the limiter pauses that realm only', async () => {
    const limiter = createRealmRateLimiter();
    const limited = createAccountingApi({ baseUrl: simulator.url, limiter });
    await simulator.control.setFaults({ rules: [{ kind: '429', rate: 1, remaining: 1 }] });
    const error = await failureOf(invoicePage(tokens.accessToken, realmId, limited));
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).toMatchObject({ status: 429, code: '3001', retryable: true });
    expect((error as ThrottledError).retryAfterMs).toBeGreaterThanOrEqual(60_000);
    expect(error.intuitTid).toMatch(/^1-/);
    expect(limiter.stats(realmId).pausedUntil!.getTime()).toBeGreaterThanOrEqual(Date.now() + 59_000);

    // A call for the paused realm waits (its caller may give up); another realm is not held back.
    const giveUp = new AbortController();
    const waiting = limited.query({ realmId, accessToken: tokens.accessToken, statement: 'SELECT COUNT(*) FROM Invoice', signal: giveUp.signal });
    const elsewhere = await connect(oauthFor(simulator), otherRealmId);
    await expect(limited.count({ realmId: otherRealmId, accessToken: elsewhere.accessToken, entity: 'Invoice' })).resolves.toBe(2);
    expect(limiter.stats(realmId).queued).toBe(1);
    giveUp.abort();
    expect(await failureOf(waiting)).toBeInstanceOf(TransientQuickBooksError);
  });

  it('with a shortened throttleWaitMs (tests only), the paused realm resumes by itself after the wait', async () => {
    const limiter = createRealmRateLimiter();
    const limited = createAccountingApi({ baseUrl: simulator.url, limiter, throttleWaitMs: 300 });
    await simulator.control.setFaults({ rules: [{ kind: '429', rate: 1, remaining: 1 }] });
    const error = await failureOf(invoicePage(tokens.accessToken, realmId, limited));
    expect((error as ThrottledError).retryAfterMs).toBe(300);
    const started = Date.now();
    await expect(invoicePage(tokens.accessToken, realmId, limited)).resolves.toHaveProperty('entity', 'Invoice');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('a realm over the simulator’s 10 concurrent requests gets real 429s; through the limiter it never does', async () => {
    await simulator.control.setFaults({ rules: [{ kind: 'latency', rate: 1, latencyMs: 250 }] });
    const unlimited = await Promise.allSettled(Array.from({ length: 16 }, () => invoicePage()));
    const throttled = unlimited.filter((outcome) => outcome.status === 'rejected' && outcome.reason instanceof ThrottledError);
    expect(throttled.length).toBeGreaterThan(0);

    const limiter = createRealmRateLimiter({ maxConcurrent: 10 });
    const limited = createAccountingApi({ baseUrl: simulator.url, limiter });
    const outcomes = await Promise.allSettled(Array.from({ length: 25 }, () => invoicePage(tokens.accessToken, realmId, limited)));
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(limiter.stats(realmId).peakConcurrent).toBe(10);
  });

  it('500 and 503 → TransientQuickBooksError with status and Intuit-Tid', async () => {
    for (const kind of ['500', '503'] as const) {
      await simulator.control.setFaults({ rules: [{ kind, rate: 1, remaining: 1 }] });
      const error = await failureOf(invoicePage());
      expect(error, kind).toBeInstanceOf(TransientQuickBooksError);
      expect(error).toMatchObject({ status: Number(kind), retryable: true });
      expect(error.intuitTid).toMatch(/^1-/);
    }
  });

  it('a request that hangs → TransientQuickBooksError after our timeout; a reset socket → TransientQuickBooksError', async () => {
    await simulator.control.setFaults({ rules: [{ kind: 'timeout', rate: 1, remaining: 1, hangMs: 5_000 }] });
    const started = Date.now();
    const timeout = await failureOf(invoicePage());
    expect(timeout).toBeInstanceOf(TransientQuickBooksError);
    expect(timeout.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(4_000);

    await simulator.control.setFaults({ rules: [{ kind: 'reset', rate: 1, remaining: 1 }] });
    events.length = 0;
    const reset = await failureOf(invoicePage());
    expect(reset).toBeInstanceOf(TransientQuickBooksError);
    expect(reset.code).toBe('NETWORK');
    expect(events).toEqual([expect.objectContaining({ operation: 'query', realmId, status: 0 })]);
  });

  it('a malformed query → PermanentQuickBooksError (QueryParserError 4000)', async () => {
    const error = await failureOf(api.query({ realmId, accessToken: tokens.accessToken, statement: 'SELEC * FROM Invoice' }));
    expect(error).toBeInstanceOf(PermanentQuickBooksError);
    expect(error).toMatchObject({ status: 400, code: '4000', faultType: 'ValidationFault', retryable: false });
    expect(error.message).toContain('QueryParserError');
    expect(error.intuitTid).toMatch(/^1-/);
  });

  it('an object that does not exist → PermanentQuickBooksError 610', async () => {
    const error = await failureOf(api.read({ realmId, accessToken: tokens.accessToken, entity: 'Invoice', id: '999999' }));
    expect(error).toBeInstanceOf(PermanentQuickBooksError);
    expect(error).toMatchObject({ code: '610', status: 400 });
    expect(error.intuitTid).toMatch(/^1-/);
  });
});
