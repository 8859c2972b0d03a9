/**
 * Simulated companies: realistic, internally consistent books generated from a seed (the same seed
 * always gives the same books), and changes applied the way QuickBooks applies them — updates bump the
 * SyncToken, voids zero a transaction, deletes remove transactions but only deactivate customers and
 * items. The snapshot is the truth other tests compare against.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompanySnapshot, RunningSimulator } from '../../simulator/index.js';
import { api, connect, ms, query, rows, startTestSimulator, type QboObject } from './support.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startTestSimulator();
});

afterAll(async () => {
  await simulator.close();
});

const cents = (amount: unknown) => Math.round(Number(amount) * 100);
const withoutRealm = (snapshot: CompanySnapshot) => snapshot.entities;

async function allRows(realmId: string, token: string, entity: string): Promise<QboObject[]> {
  return rows(await query(simulator, realmId, token, `SELECT * FROM ${entity} MAXRESULTS 1000`), entity);
}

describe('creating a company', () => {
  it('answers 201 with a 16-digit realm id and fills in sensible default counts', async () => {
    const response = await fetch(`${simulator.url}/__simulator/companies`, { method: 'POST' });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { realmId: string; name: string };
    expect(created.realmId).toMatch(/^\d{16}$/);
    const summary = await simulator.control.getCompany(created.realmId);
    expect(summary).toMatchObject({ realmId: created.realmId, name: created.name });
    expect(Object.values(summary.counts).every((count) => count > 0)).toBe(true);
    expect((await simulator.control.listCompanies()).data.map((company) => company.realmId)).toContain(created.realmId);
  });

  it('gives the same books for the same seed and different books for another', async () => {
    const request = { seed: 1234, invoices: 80, customers: 20, items: 10, payments: 30 };
    const first = await simulator.control.createCompany(request);
    const second = await simulator.control.createCompany(request);
    const other = await simulator.control.createCompany({ ...request, seed: 4321 });
    expect(second.name).toBe(first.name);
    expect(withoutRealm(await simulator.control.snapshot(second.realmId))).toEqual(withoutRealm(await simulator.control.snapshot(first.realmId)));
    expect(withoutRealm(await simulator.control.snapshot(other.realmId))).not.toEqual(withoutRealm(await simulator.control.snapshot(first.realmId)));

    const firstToken = (await connect(simulator, first.realmId)).accessToken;
    const secondToken = (await connect(simulator, second.realmId)).accessToken;
    expect(await allRows(second.realmId, secondToken, 'Invoice')).toEqual(await allRows(first.realmId, firstToken, 'Invoice'));

    // The same change sequence picks the same victims and gives the same versions.
    const changes = { create: { Invoice: 3 }, update: { Invoice: 4, Customer: 2 }, void: { Payment: 1 }, delete: { Invoice: 2, Item: 1 } };
    const firstChanged = await simulator.control.applyChanges(first.realmId, changes);
    expect(await simulator.control.applyChanges(second.realmId, changes)).toEqual(firstChanged);
    const versions = async (realmId: string) =>
      Object.values((await simulator.control.snapshot(realmId)).entities).map((records) => records.map(({ id, syncToken, deleted }) => ({ id, syncToken, deleted })));
    expect(await versions(second.realmId)).toEqual(await versions(first.realmId));
  });

  it('spreads history over about two years, with later edits, voids, deletions and deactivations', async () => {
    const { realmId } = await simulator.control.createCompany({ seed: 77, invoices: 600, customers: 120, items: 40 });
    const snapshot = await simulator.control.snapshot(realmId);
    const now = Date.parse((await simulator.control.now()).now);
    const token = (await connect(simulator, realmId)).accessToken;
    const invoices = rows(await query(simulator, realmId, token, 'SELECT * FROM Invoice ORDERBY Id MAXRESULTS 1000'), 'Invoice');
    const created = invoices.map((invoice) => ms(String(invoice.MetaData.CreateTime)));
    expect(now - Math.min(...created)).toBeGreaterThan(690 * 86_400_000);
    expect(now - Math.max(...created)).toBeLessThan(30 * 86_400_000);
    expect(created.every((time, index) => index === 0 || time >= (created[index - 1] as number))).toBe(true);
    expect(snapshot.entities.Invoice.some((record) => Number(record.syncToken) > 0)).toBe(true);
    expect(snapshot.entities.Invoice.some((record) => record.deleted)).toBe(true);
    expect(invoices.some((invoice) => invoice.PrivateNote === 'Voided')).toBe(true);
    expect(snapshot.entities.Customer.every((record) => !record.deleted)).toBe(true);
    const inactive = rows(await query(simulator, realmId, token, 'SELECT * FROM Customer WHERE Active = false'), 'Customer');
    expect(inactive.length).toBeGreaterThan(0);
  });

  it('refuses impossible or malformed companies with 400', async () => {
    for (const body of [{ invoices: -1 }, { customers: 0, invoices: 5 }, { seed: 'abc' }, { colour: 'red' }]) {
      const response = await fetch(`${simulator.url}/__simulator/companies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    }
    const garbage = await fetch(`${simulator.url}/__simulator/companies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
  });
});

describe('the objects', () => {
  let realmId: string;
  let token: string;

  beforeAll(async () => {
    realmId = (await simulator.control.createCompany({ seed: 99, invoices: 150, salesReceipts: 60, creditMemos: 30, refundReceipts: 30, payments: 80, customers: 30, items: 20 })).realmId;
    token = (await connect(simulator, realmId)).accessToken;
  });

  it('have sales documents whose lines, tax and totals add up to the cent', async () => {
    for (const entity of ['Invoice', 'SalesReceipt', 'CreditMemo', 'RefundReceipt']) {
      for (const document of await allRows(realmId, token, entity)) {
        const lines = document.Line as { Amount: number; DetailType: string; SalesItemLineDetail?: { UnitPrice: number; Qty: number } }[];
        const items = lines.filter((line) => line.DetailType === 'SalesItemLineDetail');
        const subtotal = lines.find((line) => line.DetailType === 'SubTotalLineDetail');
        const tax = (document.TxnTaxDetail as { TotalTax: number }).TotalTax;
        expect(lines.at(-1)).toBe(subtotal);
        expect(cents(subtotal?.Amount)).toBe(items.reduce((sum, line) => sum + cents(line.Amount), 0));
        expect(cents(document.TotalAmt)).toBe(cents(subtotal?.Amount) + cents(tax));
        if (document.PrivateNote !== 'Voided') {
          for (const line of items) expect(cents(line.Amount)).toBe(Math.round(cents(line.SalesItemLineDetail?.UnitPrice) * Number(line.SalesItemLineDetail?.Qty)));
        }
        for (const amount of [document.TotalAmt, tax, ...lines.map((line) => line.Amount)]) expect(String(amount)).toMatch(/^-?\d+(\.\d{1,2})?$/);
        expect(document).toMatchObject({ domain: 'QBO', sparse: false, CurrencyRef: { value: 'USD' }, CustomerRef: { value: expect.any(String) as string, name: expect.any(String) as string } });
        expect(document.TxnDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(document.MetaData.LastUpdatedTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[78]:00$/);
      }
    }
  });

  it('have payments applied to invoices of the same customer, and invoice balances that reflect them', async () => {
    const invoices = new Map((await allRows(realmId, token, 'Invoice')).map((invoice) => [invoice.Id, invoice]));
    let applied = 0;
    for (const payment of await allRows(realmId, token, 'Payment')) {
      const [line] = payment.Line as { Amount: number; LinkedTxn: { TxnId: string; TxnType: string }[] }[];
      if (!line) {
        expect(payment.UnappliedAmt).toBe(payment.TotalAmt);
        continue;
      }
      applied += 1;
      expect(line.LinkedTxn[0]?.TxnType).toBe('Invoice');
      expect(payment.TotalAmt).toBe(payment.PrivateNote === 'Voided' ? 0 : line.Amount);
      const invoice = invoices.get(String(line.LinkedTxn[0]?.TxnId));
      if (!invoice || invoice.PrivateNote === 'Voided' || payment.PrivateNote === 'Voided') continue;
      expect(invoice.CustomerRef).toEqual(payment.CustomerRef);
      expect(cents(invoice.Balance)).toBe(cents(invoice.TotalAmt) - cents(line.Amount));
      expect(invoice.LinkedTxn).toEqual([{ TxnId: payment.Id, TxnType: 'Payment' }]);
    }
    expect(applied).toBeGreaterThan(10);
  });

  it('have customers and items shaped like QuickBooks\' own', async () => {
    const [customer] = await allRows(realmId, token, 'Customer');
    expect(customer).toMatchObject({
      DisplayName: expect.any(String) as string,
      GivenName: expect.any(String) as string,
      FamilyName: expect.any(String) as string,
      PrimaryEmailAddr: { Address: expect.stringContaining('@') as string },
      PrimaryPhone: { FreeFormNumber: expect.stringMatching(/^\(\d{3}\) 555-\d{4}$/) as string },
      BillAddr: { Line1: expect.any(String) as string, City: expect.any(String) as string, CountrySubDivisionCode: expect.stringMatching(/^[A-Z]{2}$/) as string, Country: 'USA' },
      Active: true,
      Taxable: expect.any(Boolean) as boolean,
      Balance: expect.any(Number) as number,
    });
    const [item] = await allRows(realmId, token, 'Item');
    expect(item).toMatchObject({ Name: expect.any(String) as string, Type: expect.stringMatching(/^(Service|NonInventory|Inventory)$/) as string, UnitPrice: expect.any(Number) as number, IncomeAccountRef: { value: expect.any(String) as string }, Active: true });
    const names = (await allRows(realmId, token, 'Customer')).map((row) => row.DisplayName);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('changes', () => {
  let realmId: string;
  let token: string;
  const read = async (path: string) => (await api(simulator, realmId, token, path)).body;

  beforeAll(async () => {
    realmId = (await simulator.control.createCompany({ seed: 55 })).realmId;
    token = (await connect(simulator, realmId)).accessToken;
  });

  it('creates records with the next Ids, SyncToken 0, created and updated now', async () => {
    const before = (await simulator.control.snapshot(realmId)).entities.Invoice.length;
    await simulator.control.advanceClock('PT5M');
    const now = Date.parse((await simulator.control.now()).now);
    const { changed } = await simulator.control.applyChanges(realmId, { create: { Invoice: 2, Customer: 1 } });
    expect(changed).toEqual([
      { entity: 'Customer', id: expect.any(String) as string, op: 'create' },
      { entity: 'Invoice', id: String(before + 1), op: 'create' },
      { entity: 'Invoice', id: String(before + 2), op: 'create' },
    ]);
    const invoice = (await read(`invoice/${before + 1}`)).Invoice as QboObject;
    expect(invoice.SyncToken).toBe('0');
    expect(invoice.MetaData.CreateTime).toBe(invoice.MetaData.LastUpdatedTime);
    expect(Math.abs(ms(invoice.MetaData.LastUpdatedTime) - now)).toBeLessThan(5_000);
  });

  it('updates bump SyncToken and LastUpdatedTime and change something visible', async () => {
    const snapshot = await simulator.control.snapshot(realmId);
    await simulator.control.advanceClock('PT1M');
    const { changed } = await simulator.control.applyChanges(realmId, { update: { Invoice: 1, Customer: 1, Payment: 1, Item: 1 } });
    for (const { entity, id } of changed) {
      const before = snapshot.entities[entity].find((record) => record.id === id);
      const after = (await simulator.control.snapshot(realmId)).entities[entity].find((record) => record.id === id);
      expect(Number(after?.syncToken)).toBe(Number(before?.syncToken) + 1);
      expect(ms(String(after?.lastUpdatedTime))).toBeGreaterThan(ms(String(before?.lastUpdatedTime)));
    }
    const invoiceId = changed.find((change) => change.entity === 'Invoice')?.id;
    expect(((await read(`invoice/${invoiceId}`)).Invoice as QboObject).PrivateNote).toMatch(/^Edited \d+ times?$/);
  });

  it('voids a transaction as an update: amounts zeroed, PrivateNote "Voided", SyncToken + 1, still readable', async () => {
    const { changed } = await simulator.control.applyChanges(realmId, { void: { Invoice: 1 } });
    const id = changed[0]?.id;
    const before = (await simulator.control.snapshot(realmId)).entities.Invoice.find((record) => record.id === id);
    const invoice = (await read(`invoice/${id}`)).Invoice as QboObject;
    expect(invoice).toMatchObject({ TotalAmt: 0, Balance: 0, PrivateNote: 'Voided', SyncToken: before?.syncToken });
    expect((invoice.Line as { Amount: number }[]).every((line) => line.Amount === 0)).toBe(true);
    expect(before?.deleted).toBe(false);
  });

  it('deletes transactions but only deactivates customers and items', async () => {
    const snapshot = await simulator.control.snapshot(realmId);
    const { changed } = await simulator.control.applyChanges(realmId, { delete: { SalesReceipt: 1, Customer: 1, Item: 1 } });
    const after = await simulator.control.snapshot(realmId);
    for (const { entity, id } of changed) {
      const record = after.entities[entity].find((candidate) => candidate.id === id);
      expect(record?.deleted, entity).toBe(entity === 'SalesReceipt');
      expect(Number(record?.syncToken)).toBe(Number(snapshot.entities[entity].find((candidate) => candidate.id === id)?.syncToken) + 1);
    }
    const customer = (await read(`customer/${changed.find((change) => change.entity === 'Customer')?.id}`)).Customer as QboObject;
    expect(customer).toMatchObject({ Active: false, DisplayName: expect.stringMatching(/ \(deleted\)$/) as string });
    const item = (await read(`item/${changed.find((change) => change.entity === 'Item')?.id}`)).Item as QboObject;
    expect(item).toMatchObject({ Active: false, Name: expect.stringMatching(/ \(deleted\)$/) as string });
  });

  it('refuses impossible changes with 400, all or nothing', async () => {
    const before = await simulator.control.snapshot(realmId);
    const attempts = [
      { void: { Customer: 1 } },
      { create: { Invoice: 1 }, delete: { RefundReceipt: 10_000 } },
      { update: { Spaceship: 1 } },
      { update: { Invoice: -2 } },
    ];
    for (const attempt of attempts) {
      const response = await fetch(`${simulator.url}/__simulator/companies/${realmId}/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(attempt) });
      expect(response.status, JSON.stringify(attempt)).toBe(400);
    }
    expect(await simulator.control.snapshot(realmId)).toEqual(before);
    const unknown = await fetch(`${simulator.url}/__simulator/companies/1111111111111111/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unknown.status).toBe(404);
  });
});

describe('the clock and the configuration', () => {
  it('advances by ISO-8601 durations and refuses anything else', async () => {
    const before = Date.parse((await simulator.control.now()).now);
    const after = Date.parse((await simulator.control.advanceClock('P1DT2H')).now);
    expect(after - before).toBeGreaterThanOrEqual(26 * 3_600_000);
    expect(after - before).toBeLessThan(26 * 3_600_000 + 5_000);
    for (const advance of ['tomorrow', 'P', '-P1D', 'PT0S']) {
      const response = await fetch(`${simulator.url}/__simulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance }) });
      expect(response.status, advance).toBe(400);
    }
  });

  it('merges partial configuration and refuses garbage', async () => {
    const config = await simulator.control.setConfig({ accessTokenTtlSeconds: 120 });
    expect(config).toMatchObject({ accessTokenTtlSeconds: 120, refreshTokenTtlSeconds: 8_726_400, refreshTokenRotation: 'daily', cdcOrder: 'intuit', requestsPerMinute: 500, maxConcurrentRequests: 10 });
    expect(await simulator.control.getConfig()).toEqual(config);
    for (const body of [{ accessTokenTtlSeconds: -1 }, { refreshTokenRotation: 'weekly' }, { colour: 'red' }, []]) {
      const response = await fetch(`${simulator.url}/__simulator/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    await simulator.control.setConfig({ accessTokenTtlSeconds: 3600 });
  });
});
