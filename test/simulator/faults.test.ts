/**
 * Injected failures, each kind as a client experiences it: Intuit-like 500/503 bodies, the
 * ThrottleExceeded 429, a request that hangs and then loses its connection, a reset connection, and
 * added latency. Rules target the API or the OAuth endpoints, one company, a number of requests, and
 * their random decisions replay exactly from a seed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/index.js';
import { connect, faultError, query, startTestSimulator, tokenEndpoint } from './support.js';

let simulator: RunningSimulator;
let realmId: string;
let token: string;
let refreshToken: string;

beforeAll(async () => {
  simulator = await startTestSimulator();
  realmId = (await simulator.control.createCompany({ seed: 8 })).realmId;
  ({ accessToken: token, refreshToken } = await connect(simulator, realmId));
});

afterEach(async () => {
  await simulator.control.clearFaults();
});

afterAll(async () => {
  await simulator.close();
});

const countItems = (realm = realmId, accessToken = token) => query(simulator, realm, accessToken, 'SELECT COUNT(*) FROM Item');

async function elapsed<T>(work: () => Promise<T>): Promise<{ ms: number; outcome: PromiseSettledResult<T> }> {
  const started = performance.now();
  const [outcome] = await Promise.allSettled([work()]);
  return { ms: performance.now() - started, outcome: outcome as PromiseSettledResult<T> };
}

describe('fault kinds', () => {
  it('500: an Intuit SystemFault body with a transaction id, and a request-log entry naming the fault', async () => {
    await simulator.control.clearRequests();
    await simulator.control.setFaults({ rules: [{ kind: '500', rate: 1 }] });
    const response = await countItems();
    expect(response.status).toBe(500);
    expect(response.body).toMatchObject({ Fault: { type: 'SystemFault', Error: [{ code: '10000' }] } });
    expect(response.headers.get('intuit-tid')).toMatch(/^1-/);
    const [logged] = (await simulator.control.requests({ realmId })).data;
    expect(logged).toMatchObject({ status: 500, fault: '500', kind: 'api', intuitTid: response.headers.get('intuit-tid') });
  });

  it('503: service unavailable', async () => {
    await simulator.control.setFaults({ rules: [{ kind: '503', rate: 1 }] });
    const response = await countItems();
    expect(response.status).toBe(503);
    expect(faultError(response).Message).toBe('Service Unavailable');
  });

  it('429: the ThrottleExceeded body, without touching the real throttle', async () => {
    await simulator.control.setFaults({ rules: [{ kind: '429', rate: 1 }] });
    const response = await countItems();
    expect(response.status).toBe(429);
    expect(faultError(response)).toMatchObject({ code: '3001', Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429' });
  });

  it('timeout: the request hangs for hangMs, then the connection drops without an answer', async () => {
    await simulator.control.setFaults({ rules: [{ kind: 'timeout', rate: 1, hangMs: 300 }] });
    const { ms, outcome } = await elapsed(() => countItems());
    expect(outcome.status).toBe('rejected');
    expect(ms).toBeGreaterThanOrEqual(280);
    expect((await simulator.control.requests({ realmId })).data.at(-1)).toMatchObject({ status: 0, fault: 'timeout' });
  });

  it('reset: the connection drops at once', async () => {
    await simulator.control.setFaults({ rules: [{ kind: 'reset', rate: 1 }] });
    const { ms, outcome } = await elapsed(() => countItems());
    expect(outcome.status).toBe('rejected');
    expect(ms).toBeLessThan(2_000);
  });

  it('latency: a normal answer, latencyMs late', async () => {
    await simulator.control.setFaults({ rules: [{ kind: 'latency', rate: 1, latencyMs: 250 }] });
    const { ms, outcome } = await elapsed(() => countItems());
    expect(outcome).toMatchObject({ status: 'fulfilled', value: { status: 200 } });
    expect(ms).toBeGreaterThanOrEqual(240);
  });
});

describe('fault rules', () => {
  it('target oauth hits the token endpoint and leaves the API alone', async () => {
    await simulator.control.setFaults({ rules: [{ kind: '503', rate: 1, target: 'oauth' }] });
    const refresh = await tokenEndpoint(simulator, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(refresh.status).toBe(503);
    expect(refresh.headers.get('intuit_tid')).toMatch(/^1-/);
    expect((await countItems()).status).toBe(200);
  });

  it('realmId limits a rule to one company; remaining limits how often it fires', async () => {
    const other = (await simulator.control.createCompany({ seed: 9 })).realmId;
    const otherToken = (await connect(simulator, other)).accessToken;
    await simulator.control.setFaults({ rules: [{ kind: '500', rate: 1, realmId, remaining: 2 }] });
    expect((await countItems(other, otherToken)).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await countItems()).status);
    expect(statuses).toEqual([500, 500, 200, 200]);
    expect((await simulator.control.setFaults({ rules: [] })).rules).toEqual([]);
  });

  it('replays the same decisions from the same seed', async () => {
    const run = async () => {
      await simulator.control.setFaults({ seed: 42, rules: [{ kind: '503', rate: 0.5 }] });
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++) statuses.push((await countItems()).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it('refuses rules that make no sense with a 400 naming the problem', async () => {
    const response = await fetch(`${simulator.url}/__simulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [{ kind: 'explode', rate: 2 }] }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toMatch(/rules\.0\.kind/);
    expect(body.error.message).toMatch(/rules\.0\.rate/);
  });
});
