/**
 * A client we did not write: node-quickbooks (mcohen01), pointed at the simulator through its
 * overridable endpoint constants, pages invoices, reads a customer by id and by display name, runs a
 * change-data-capture and refreshes its token. If the simulator only spoke our client's dialect, this
 * would fail: node-quickbooks writes lowercase statements (`select * from invoice … startposition 1
 * maxresults 5`), sends `format=json` and a `Request-Id`, and pages until a short page.
 */
import nodeQuickBooks from 'node-quickbooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/index.js';
import { APP, connect, startTestSimulator } from './support.js';

// index.d.ts declares an ES default export; the package is CommonJS (`module.exports = QuickBooks`).
const QuickBooks = nodeQuickBooks as unknown as typeof nodeQuickBooks.default;
const ORIGINAL = {
  APP_CENTER_BASE: QuickBooks.APP_CENTER_BASE,
  V3_ENDPOINT_BASE_URL: QuickBooks.V3_ENDPOINT_BASE_URL,
  TOKEN_URL: QuickBooks.TOKEN_URL,
  REVOKE_URL: QuickBooks.REVOKE_URL,
};

let simulator: RunningSimulator;
let realmId: string;
let qbo: InstanceType<typeof QuickBooks>;

type Row = { Id: string; [field: string]: unknown };

/** node-quickbooks answers through (err, data) callbacks. */
function viaCallback<T>(start: (done: (error: unknown, data?: unknown) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, data) => (error ? reject(error instanceof Error ? error : new Error(JSON.stringify(error))) : resolve(data as T))));
}

beforeAll(async () => {
  simulator = await startTestSimulator();
  realmId = (await simulator.control.createCompany({ seed: 71, invoices: 23, customers: 7, items: 4 })).realmId;
  const { accessToken, refreshToken } = await connect(simulator, realmId);
  QuickBooks.APP_CENTER_BASE = simulator.url;
  QuickBooks.V3_ENDPOINT_BASE_URL = `${simulator.url}/v3/company/`;
  QuickBooks.TOKEN_URL = `${simulator.url}/oauth2/v1/tokens/bearer`;
  QuickBooks.REVOKE_URL = `${simulator.url}/v2/oauth2/tokens/revoke`;
  qbo = new QuickBooks(APP.clientId, APP.clientSecret, accessToken, false, realmId, true, false, '75', '2.0', refreshToken);
});

afterAll(async () => {
  Object.assign(QuickBooks, ORIGINAL);
  await simulator.close();
});

const liveIds = async (entity: 'Invoice' | 'Customer') =>
  (await simulator.control.snapshot(realmId)).entities[entity].filter((record) => !record.deleted).map((record) => record.id);

describe('node-quickbooks against the simulator', () => {
  it('pages every invoice with fetchAll, five at a time', async () => {
    await simulator.control.clearRequests();
    const answer = await viaCallback<{ QueryResponse: { Invoice: Row[] } }>((done) => qbo.findInvoices({ asc: 'Id', fetchAll: true, limit: 5 }, done));
    const ids = answer.QueryResponse.Invoice.map((invoice) => invoice.Id);
    expect(ids).toEqual(await liveIds('Invoice'));
    const pages = (await simulator.control.requests({ realmId })).data.filter((request) => request.path.endsWith('/query'));
    expect(pages.length).toBe(Math.floor(ids.length / 5) + 1);
    expect(pages.every((page) => page.status === 200)).toBe(true);
  });

  it('reads a customer by id and finds it again by its display name', async () => {
    const listed = await viaCallback<{ QueryResponse: { Customer: Row[] } }>((done) => qbo.findCustomers({ fetchAll: true }, done));
    const id = listed.QueryResponse.Customer[2]!.Id;
    const customer = await viaCallback<Row & { DisplayName: string }>((done) => qbo.getCustomer(id, done));
    expect(customer).toMatchObject({ Id: id, domain: 'QBO', Active: true });
    const found = await viaCallback<{ QueryResponse: { Customer: Row[] } }>((done) => qbo.findCustomers({ DisplayName: customer.DisplayName }, done));
    expect(found.QueryResponse.Customer.map((row) => row.Id)).toEqual([id]);
  });

  it('runs a change-data-capture that returns changed objects and deleted stubs', async () => {
    // A second back: LastUpdatedTime has whole seconds, and changes are stamped with the current one.
    const since = new Date(Date.parse((await simulator.control.now()).now) - 1000).toISOString();
    const { changed } = await simulator.control.applyChanges(realmId, { create: { Invoice: 1 }, update: { Customer: 1 }, delete: { Invoice: 1 } });
    const answer = await viaCallback<{ CDCResponse: { QueryResponse: Record<string, Row[]>[] }[] }>((done) => qbo.changeDataCapture(['Invoice', 'Customer'], since, done));
    const objects = answer.CDCResponse[0]!.QueryResponse.flatMap((group) => [...(group.Invoice ?? []).map((row) => ['Invoice', row] as const), ...(group.Customer ?? []).map((row) => ['Customer', row] as const)]);
    expect(objects.map(([entity, row]) => `${entity}/${row.Id}`).sort()).toEqual(changed.map((change) => `${change.entity}/${change.id}`).sort());
    const deleted = changed.find((change) => change.op === 'delete')!;
    expect(objects.find(([entity, row]) => entity === 'Invoice' && row.Id === deleted.id)?.[1]).toMatchObject({ status: 'Deleted' });
  });

  it('refreshes its token (same refresh token within a day, a new one after) and keeps working', async () => {
    const first = await viaCallback<{ access_token: string; refresh_token: string; x_refresh_token_expires_in: number }>((done) => qbo.refreshAccessToken(done));
    expect(qbo.token).toBe(first.access_token);
    await viaCallback((done) => qbo.getCustomer('1', done));

    await simulator.control.advanceClock('P1D');
    const before = qbo.refreshToken;
    const next = await viaCallback<{ refresh_token: string; x_refresh_token_expires_in: number }>((done) => qbo.refreshAccessToken(done));
    expect(next.refresh_token).not.toBe(before);
    expect(qbo.refreshToken).toBe(next.refresh_token);
    expect(next.x_refresh_token_expires_in).toBe(8_726_400);
    const customers = await viaCallback<{ QueryResponse: { Customer: Row[] } }>((done) => qbo.findCustomers({ Active: [true, false], fetchAll: true }, done));
    expect(customers.QueryResponse.Customer.map((row) => row.Id).sort()).toEqual((await liveIds('Customer')).sort());
  });
});
