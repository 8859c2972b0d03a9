/**
 * Who may call the Accounting API and how often: Intuit's 401 (lowercase fault, WWW-Authenticate) for a
 * missing, expired or revoked token, 403 for another company's URL, and 429 ThrottleExceeded past 500
 * requests a minute, 10 concurrent requests or (when set) 10 a second per company. Also read-by-id and its 610 fault.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/index.js';
import { api, connect, faultError, query, startTestSimulator, type ApiCall } from './support.js';

let simulator: RunningSimulator;
let realmId: string;
let token: string;
let defaults: Awaited<ReturnType<RunningSimulator['control']['getConfig']>>;

beforeAll(async () => {
  simulator = await startTestSimulator();
  realmId = (await simulator.control.createCompany({ seed: 3 })).realmId;
  ({ accessToken: token } = await connect(simulator, realmId));
  defaults = await simulator.control.getConfig();
});

afterEach(async () => {
  await simulator.control.setConfig(defaults);
  await simulator.control.clearFaults();
});

afterAll(async () => {
  await simulator.close();
});

/** A fresh company with its own token, so that each throttling test starts from an empty window. */
async function freshRealm(): Promise<{ realmId: string; token: string }> {
  const fresh = (await simulator.control.createCompany({ invoices: 5, customers: 3, items: 2, salesReceipts: 0, creditMemos: 0, refundReceipts: 0, payments: 0 })).realmId;
  return { realmId: fresh, token: (await connect(simulator, fresh)).accessToken };
}

const countInvoices = (target: { realmId: string; token: string }) => query(simulator, target.realmId, target.token, 'SELECT COUNT(*) FROM Invoice');
const statuses = (calls: ApiCall[]) => calls.map((call) => call.status);

describe('authentication', () => {
  it('answers a missing, unknown or malformed token with 401, the lowercase fault and WWW-Authenticate', async () => {
    const unknown = await api(simulator, realmId, 'eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..never-issued-token', 'invoice/1');
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toBe('Bearer realm="Intuit", error="invalid_token"');
    expect(unknown.body).toEqual({
      warnings: null,
      intuitObject: null,
      fault: {
        error: [{ message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', detail: expect.stringMatching(/^Token revoked or invalid: eyJ/) as string, code: '3200', element: null }],
        type: 'AUTHENTICATION',
      },
      report: null,
      queryResponse: null,
      batchItemResponse: [],
      attachableResponse: [],
      syncErrorResponse: null,
      requestId: null,
      time: expect.any(Number) as number,
      status: null,
      cdcresponse: [],
    });
    expect(faultError(await api(simulator, realmId, 'short', 'invoice/1')).detail).toBe('Malformed bearer token: too short or too long');
    const anonymous = await fetch(`${simulator.url}/v3/company/${realmId}/invoice/1`, { headers: { accept: 'application/json' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('intuit-tid')).toMatch(/^1-/);
  });

  it('answers a valid token on another company\'s URL with 403 AuthorizationFailed', async () => {
    const other = (await simulator.control.createCompany({ seed: 4 })).realmId;
    const response = await api(simulator, other, token, 'invoice/1');
    expect(response.status).toBe(403);
    // As recorded in intuit/oauth-jsclient#2: {"fault":{"error":[{"message":"message=AuthorizationFailed; errorCode=003100; statusCode=403","detail":null,"code":"3100","element":null}],"type":"SERVICE"},…}
    expect(response.body).toMatchObject({ fault: { error: [{ message: 'message=AuthorizationFailed; errorCode=003100; statusCode=403', detail: null, code: '3100', element: null }], type: 'SERVICE' } });
  });
});

describe('read by id', () => {
  it('returns one object under its entity name, for every entity (path names in lower case)', async () => {
    for (const [path, entity] of [['invoice', 'Invoice'], ['salesreceipt', 'SalesReceipt'], ['creditmemo', 'CreditMemo'], ['refundreceipt', 'RefundReceipt'], ['payment', 'Payment'], ['customer', 'Customer'], ['item', 'Item']] as const) {
      const response = await api(simulator, realmId, token, `${path}/1?minorversion=75`);
      expect(response.status, path).toBe(200);
      expect(response.body[entity]).toMatchObject({ Id: '1', domain: 'QBO', sparse: false, SyncToken: expect.stringMatching(/^\d+$/) as string });
      expect(response.headers.get('qbo-minor-version')).toBe('75');
    }
  });

  it('answers a missing or deleted object with 400 and fault 610 Object Not Found', async () => {
    const missing = await api(simulator, realmId, token, 'invoice/987654');
    expect(missing.status).toBe(400);
    expect(faultError(missing)).toMatchObject({ Message: 'Object Not Found', code: '610' });
    expect(missing.body).toMatchObject({ Fault: { type: 'ValidationFault' } });

    const { changed } = await simulator.control.applyChanges(realmId, { delete: { SalesReceipt: 1 } });
    const deleted = await api(simulator, realmId, token, `salesreceipt/${changed[0]?.id}`);
    expect(faultError(deleted).code).toBe('610');
  });

  it('answers an id that is not a number with 400 and fault 2030 Invalid ID', async () => {
    const response = await api(simulator, realmId, token, 'invoice/abc');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ Fault: { type: 'ValidationFault', Error: [{ Message: 'Invalid ID', code: '2030', Detail: 'Id should be a valid number. Supplied value:abc' }] } });
  });

  it('still reads a deactivated customer, with Active false', async () => {
    const { changed } = await simulator.control.applyChanges(realmId, { delete: { Customer: 1 } });
    const response = await api(simulator, realmId, token, `customer/${changed[0]?.id}`);
    expect(response.body.Customer).toMatchObject({ Active: false, DisplayName: expect.stringMatching(/ \(deleted\)$/) as string });
  });
});

describe('throttling per company', () => {
  it('answers the request past requestsPerMinute with 429 ThrottleExceeded, and other companies are unaffected', async () => {
    await simulator.control.setConfig({ requestsPerMinute: 20 });
    const busy = await freshRealm();
    const calm = await freshRealm();
    const calls: ApiCall[] = [];
    for (let i = 0; i < 22; i++) calls.push(await countInvoices(busy));
    expect(statuses(calls)).toEqual([...Array<number>(20).fill(200), 429, 429]);
    expect(calls[20]?.body).toEqual({
      Fault: { Error: [{ Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', Detail: 'The request limit was reached.  Try again later', code: '3001' }], type: 'SERVICE' },
      time: expect.any(String) as string,
    });
    expect((await countInvoices(calm)).status).toBe(200);
  });

  it('answers the request past its requestsPerSecond bucket with 429, when it is set', async () => {
    await simulator.control.setConfig({ requestsPerSecond: 4 });
    const target = await freshRealm();
    const calls = await Promise.all(Array.from({ length: 6 }, () => countInvoices(target)));
    expect(statuses(calls).sort()).toEqual([200, 200, 200, 200, 429, 429]);
    // A second later the bucket has refilled.
    await sleep(1_100);
    expect((await countInvoices(target)).status).toBe(200);
  });

  it('answers the request past maxConcurrentRequests in flight with 429', async () => {
    await simulator.control.setConfig({ maxConcurrentRequests: 3 });
    const target = await freshRealm();
    await simulator.control.setFaults({ rules: [{ kind: 'latency', rate: 1, latencyMs: 800, realmId: target.realmId }] });
    const calls = await Promise.all(Array.from({ length: 5 }, () => countInvoices(target)));
    expect(statuses(calls).sort()).toEqual([200, 200, 200, 429, 429]);
  });

  it('holds at Intuit\'s real numbers: 500 requests a minute and 10 concurrent', async () => {
    const rate = await freshRealm();
    for (let batch = 0; batch < 50; batch++) {
      const calls = await Promise.all(Array.from({ length: 10 }, () => countInvoices(rate)));
      expect(statuses(calls).every((status) => status === 200)).toBe(true);
    }
    expect((await countInvoices(rate)).status).toBe(429);

    const concurrent = await freshRealm();
    await simulator.control.setFaults({ rules: [{ kind: 'latency', rate: 1, latencyMs: 800, realmId: concurrent.realmId }] });
    const calls = await Promise.all(Array.from({ length: 11 }, () => countInvoices(concurrent)));
    expect(statuses(calls).filter((status) => status === 429)).toHaveLength(1);
  });

  it('does not throttle when throttling is switched off', async () => {
    await simulator.control.setConfig({ throttle: false, requestsPerMinute: 2 });
    const target = await freshRealm();
    const calls: ApiCall[] = [];
    for (let i = 0; i < 5; i++) calls.push(await countInvoices(target));
    expect(statuses(calls)).toEqual([200, 200, 200, 200, 200]);
  });
});

describe('other paths', () => {
  it('answers an operation the simulator does not serve with a 400 Unsupported Operation fault', async () => {
    const response = await api(simulator, realmId, token, 'bill/1');
    expect(response.status).toBe(400);
    expect(faultError(response)).toMatchObject({ Message: 'Unsupported Operation' });
  });
});
