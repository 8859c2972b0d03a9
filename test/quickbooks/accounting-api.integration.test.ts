/**
 * The Accounting API client against the simulator: paging an incremental query, counts, CDC across
 * entities with deleted stubs and its 30-day limit, read-by-id, and exact amounts through normalization.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/index.js';
import type { QuickBooksTokenSet } from '../../shared/tokens.js';
import { createAccountingApi, type AccountingApi } from '../../quickbooks/accounting-api.js';
import { PermanentQuickBooksError } from '../../quickbooks/errors.js';
import { parseJsonExactly } from '../../quickbooks/json.js';
import { normalizeRecord } from '../../quickbooks/normalize.js';
import { changedSinceQuery } from '../../quickbooks/queries.js';
import type { AccountingResponseEvent, QuickBooksObject } from '../../quickbooks/types.js';
import { connect, oauthFor, startTestSimulator } from './support/simulator-harness.js';

const LONG_AGO = '2000-01-01T00:00:00Z';
let simulator: RunningSimulator;
let realmId: string;
let tokens: QuickBooksTokenSet;
let api: AccountingApi;
const events: AccountingResponseEvent[] = [];

beforeAll(async () => {
  simulator = await startTestSimulator();
  ({ realmId } = await simulator.control.createCompany({ seed: 7, invoices: 45, customers: 12, items: 4, salesReceipts: 6, creditMemos: 3, refundReceipts: 2, payments: 5 }));
  tokens = await connect(oauthFor(simulator), realmId);
  api = createAccountingApi({ baseUrl: simulator.url, onResponse: (event) => events.push(event) });
});
afterAll(async () => {
  await simulator?.close();
});

const auth = () => ({ realmId, accessToken: tokens.accessToken });

async function pageThrough(entity: 'Invoice' | 'Customer', pageSize: number): Promise<QuickBooksObject[]> {
  const records: QuickBooksObject[] = [];
  for (let startPosition = 1; ; startPosition += pageSize) {
    const page = await api.query({ ...auth(), statement: changedSinceQuery({ entity, since: LONG_AGO, startPosition, maxResults: pageSize }) });
    records.push(...page.records);
    if (page.records.length > 0) {
      expect(page.entity).toBe(entity);
      expect(page.startPosition).toBe(startPosition);
    }
    expect(page.serverTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(page.intuitTid).toMatch(/^1-/);
    if (page.records.length < pageSize) return records;
  }
}

describe('createAccountingApi against the simulator', () => {
  it('pages an incremental query to the end: every live invoice once, in LastUpdatedTime order, matching count()', async () => {
    const invoices = await pageThrough('Invoice', 10);
    const snapshot = await simulator.control.snapshot(realmId);
    const live = snapshot.entities.Invoice.filter((record) => !record.deleted);
    expect(invoices.map((invoice) => invoice.Id).sort()).toEqual(live.map((record) => record.id).sort());
    const times = invoices.map((invoice) => normalizeRecord('Invoice', invoice).lastUpdatedTime.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(await api.count({ ...auth(), entity: 'Invoice' })).toBe(live.length);
    expect(events.some((event) => event.operation === 'query' && event.status === 200 && event.realmId === realmId && event.intuitTid)).toBe(true);
  });

  it('sees deactivated customers (Active IN (true, false)) in queries and counts', async () => {
    const { changed } = await simulator.control.applyChanges(realmId, { delete: { Customer: 2 } });
    const deactivated = changed.filter((change) => change.entity === 'Customer').map((change) => change.id);
    expect(deactivated).toHaveLength(2);
    const customers = await pageThrough('Customer', 5);
    const byId = new Map(customers.map((customer) => [customer.Id, normalizeRecord('Customer', customer)]));
    for (const id of deactivated) expect(byId.get(id)?.active).toBe(false);
    expect(await api.count({ ...auth(), entity: 'Customer' })).toBe(customers.length);
    expect(customers.length).toBe((await simulator.control.snapshot(realmId)).entities.Customer.length);
  });

  it('CDC across entities returns creates, updates and deleted stubs; stubs normalize as deleted with no syncToken', async () => {
    const since = new Date(Date.parse((await simulator.control.now()).now) + 1000); // after everything seeded so far
    await simulator.control.advanceClock('PT2S');
    const { changed } = await simulator.control.applyChanges(realmId, {
      create: { Invoice: 2, Payment: 1 },
      update: { Customer: 1, Invoice: 1 },
      delete: { Invoice: 1 },
      void: { SalesReceipt: 1 },
    });
    const result = await api.cdc({ ...auth(), entities: ['Invoice', 'Customer', 'Payment', 'SalesReceipt', 'Item'], changedSince: since });
    expect(result.intuitTid).toMatch(/^1-/);
    expect(result.mayBeTruncated).toBe(false);
    expect(result.byEntity.Item ?? []).toEqual([]);
    const returned = Object.entries(result.byEntity).flatMap(([entity, objects]) => objects.map((object) => `${entity}:${String(object.Id)}`));
    expect(result.objectCount).toBe(returned.length);
    for (const change of changed) expect(returned).toContain(`${change.entity}:${change.id}`);

    const deletedId = changed.find((change) => change.op === 'delete')!.id;
    const stub = result.byEntity.Invoice!.find((object) => object.Id === deletedId)!;
    expect(stub.status).toBe('Deleted');
    expect(stub.MetaData).toHaveProperty('LastUpdatedTime');
    const normalized = normalizeRecord('Invoice', stub);
    expect(normalized).toMatchObject({ qboId: deletedId, deleted: true, syncToken: null, totalAmount: null });
    const snapshotRecord = (await simulator.control.snapshot(realmId)).entities.Invoice.find((record) => record.id === deletedId)!;
    expect(snapshotRecord.deleted).toBe(true);
    expect(normalized.lastUpdatedTime.getTime()).toBe(Date.parse(snapshotRecord.lastUpdatedTime));

    const updatedCustomerId = changed.find((change) => change.entity === 'Customer')!.id;
    const customer = normalizeRecord('Customer', result.byEntity.Customer!.find((object) => object.Id === updatedCustomerId)!);
    const snapshotCustomer = (await simulator.control.snapshot(realmId)).entities.Customer.find((record) => record.id === updatedCustomerId)!;
    expect(String(customer.syncToken)).toBe(snapshotCustomer.syncToken);
  });

  it('CDC further back than 30 days → PermanentQuickBooksError naming the limit', async () => {
    const now = Date.parse((await simulator.control.now()).now);
    const error = await api.cdc({ ...auth(), entities: ['Invoice'], changedSince: new Date(now - 31 * 86_400_000) }).then(
      () => expect.fail('expected a rejection'),
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(PermanentQuickBooksError);
    expect(error).toMatchObject({ status: 400, faultType: 'ValidationFault', retryable: false });
    expect((error as Error).message).toMatch(/30 days/);
    expect((error as PermanentQuickBooksError).intuitTid).toMatch(/^1-/);
    // Just inside the window is fine.
    await expect(api.cdc({ ...auth(), entities: ['Invoice'], changedSince: new Date(now - 29 * 86_400_000) })).resolves.toHaveProperty('objectCount');
  });

  it('reads one object by id, the same as the query gave it; a deleted one is 610 Object Not Found', async () => {
    const page = await api.query({ ...auth(), statement: changedSinceQuery({ entity: 'Invoice', since: LONG_AGO, maxResults: 1 }) });
    const first = page.records[0]!;
    const read = await api.read({ ...auth(), entity: 'Invoice', id: String(first.Id) });
    expect(normalizeRecord('Invoice', read).rawJson).toBe(normalizeRecord('Invoice', first).rawJson);

    const deleted = (await simulator.control.snapshot(realmId)).entities.Invoice.find((record) => record.deleted)!;
    const error = await api.read({ ...auth(), entity: 'Invoice', id: deleted.id }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(PermanentQuickBooksError);
    expect(error).toMatchObject({ code: '610', status: 400 });
    expect((error as Error).message).toContain(`read Invoice ${deleted.id} for realm ${realmId}`);
  });

  it('keeps amounts exact: normalized totals are the exact decimal text Intuit sent', async () => {
    for (const entity of ['Invoice', 'SalesReceipt', 'CreditMemo', 'RefundReceipt', 'Payment'] as const) {
      const { records } = await api.query({ ...auth(), statement: changedSinceQuery({ entity, since: LONG_AGO }) });
      expect(records.length, entity).toBeGreaterThan(0);
      for (const record of records) {
        const normalized = normalizeRecord(entity, record);
        expect(normalized.totalAmount, `${entity} ${normalized.qboId}`).toMatch(/^-?\d+(\.\d+)?$/);
        // The raw text we store says exactly what the normalized column says.
        const rawTotal = /"TotalAmt":(-?[\d.eE+-]+)/.exec(normalized.rawJson)?.[1];
        expect(normalized.totalAmount).toBe(rawTotal);
        expect(parseJsonExactly(normalized.rawJson)).toEqual(record);
        expect(normalized.currency).toBe('USD');
      }
    }
  });
});
