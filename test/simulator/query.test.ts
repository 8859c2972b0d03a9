/**
 * The Accounting API's query endpoint: the grammar consumers use for backfills, paging with
 * STARTPOSITION/MAXRESULTS over a stable (LastUpdatedTime, Id) order, customers and items by name, COUNT(*), QuickBooks' visibility
 * rules (no deleted transactions; inactive customers and items only on request) and its fault bodies.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/index.js';
import { api, connect, faultError, ms, query, queryResponse, rows, startTestSimulator, type QboObject } from './support.js';

let simulator: RunningSimulator;
let realmId: string;
let token: string;
const SINCE_EVER = '2000-01-01T00:00:00-08:00';

beforeAll(async () => {
  simulator = await startTestSimulator();
  realmId = (await simulator.control.createCompany({ seed: 5, invoices: 230, customers: 40, items: 12 })).realmId;
  ({ accessToken: token } = await connect(simulator, realmId));
});

afterEach(async () => {
  await simulator.control.setConfig({ queryMaxResults: 1000 });
});

afterAll(async () => {
  await simulator.close();
});

async function liveIds(entity: 'Invoice' | 'Customer'): Promise<string[]> {
  const snapshot = await simulator.control.snapshot(realmId);
  return snapshot.entities[entity].filter((record) => !record.deleted).map((record) => record.id);
}

function isOrderedByUpdatedThenId(objects: QboObject[]): boolean {
  return objects.every((object, index) => {
    const previous = objects[index - 1];
    if (!previous) return true;
    const byTime = ms(object.MetaData.LastUpdatedTime) - ms(previous.MetaData.LastUpdatedTime);
    return byTime > 0 || (byTime === 0 && Number(object.Id) > Number(previous.Id));
  });
}

describe('paging with STARTPOSITION and MAXRESULTS', () => {
  it('walks every live invoice exactly once, in (LastUpdatedTime, numeric Id) order', async () => {
    const seen: QboObject[] = [];
    for (let start = 1; ; start += 50) {
      const page = await query(simulator, realmId, token, `SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime >= '${SINCE_EVER}' ORDERBY MetaData.LastUpdatedTime STARTPOSITION ${start} MAXRESULTS 50`);
      expect(page.status).toBe(200);
      const invoices = rows(page, 'Invoice');
      if (invoices.length === 0) {
        expect(page.body).toEqual({ QueryResponse: {}, time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-0[78]:00$/) as string });
        break;
      }
      expect(queryResponse(page)).toMatchObject({ startPosition: start, maxResults: invoices.length });
      seen.push(...invoices);
    }
    expect(seen.map((invoice) => invoice.Id).sort()).toEqual((await liveIds('Invoice')).sort());
    expect(isOrderedByUpdatedThenId(seen)).toBe(true);
  });

  it('has records that share one LastUpdatedTime second (bulk imports), ordered by numeric Id', async () => {
    const all = rows(await query(simulator, realmId, token, 'SELECT * FROM Invoice ORDERBY MetaData.LastUpdatedTime MAXRESULTS 1000'), 'Invoice');
    const times = all.map((invoice) => invoice.MetaData.LastUpdatedTime);
    expect(new Set(times).size).toBeLessThan(times.length);
    const descending = rows(await query(simulator, realmId, token, 'SELECT * FROM Invoice ORDERBY MetaData.LastUpdatedTime DESC MAXRESULTS 1000'), 'Invoice');
    expect(descending.map((invoice) => invoice.Id)).toEqual(all.map((invoice) => invoice.Id).reverse());
  });

  it('returns 100 rows without MAXRESULTS and caps MAXRESULTS at queryMaxResults', async () => {
    expect(rows(await query(simulator, realmId, token, 'SELECT * FROM Invoice'), 'Invoice')).toHaveLength(100);
    expect(rows(await query(simulator, realmId, token, 'SELECT * FROM Invoice MAXRESULTS 5000'), 'Invoice').length).toBeLessThanOrEqual(1000);
    await simulator.control.setConfig({ queryMaxResults: 7 });
    const capped = await query(simulator, realmId, token, 'SELECT * FROM Invoice STARTPOSITION 3 MAXRESULTS 50');
    expect(queryResponse(capped)).toMatchObject({ startPosition: 3, maxResults: 7 });
    expect(rows(capped, 'Invoice').map((invoice) => invoice.Id)).toEqual((await liveIds('Invoice')).slice(2, 9));
  });

  it('filters on LastUpdatedTime with any offset, the same instant written three ways', async () => {
    const all = rows(await query(simulator, realmId, token, 'SELECT * FROM Invoice ORDERBY MetaData.LastUpdatedTime MAXRESULTS 1000'), 'Invoice');
    const pivot = all[Math.floor(all.length / 2)] as QboObject;
    const instant = new Date(ms(pivot.MetaData.LastUpdatedTime));
    const expected = all.filter((invoice) => ms(invoice.MetaData.LastUpdatedTime) >= instant.getTime()).map((invoice) => invoice.Id);
    const india = new Date(instant.getTime() + 330 * 60_000).toISOString().replace('.000Z', '+05:30');
    for (const written of [pivot.MetaData.LastUpdatedTime, instant.toISOString(), india]) {
      const page = await query(simulator, realmId, token, `select * from Invoice where Metadata.LastUpdatedTime >= '${written}' order by Metadata.LastUpdatedTime maxresults 1000`);
      expect(rows(page, 'Invoice').map((invoice) => invoice.Id)).toEqual(expected);
    }
    const before = await query(simulator, realmId, token, `SELECT COUNT(*) FROM Invoice WHERE MetaData.LastUpdatedTime < '${pivot.MetaData.LastUpdatedTime}'`);
    expect(queryResponse(before).totalCount).toBe(all.length - expected.length);
  });
});

describe('COUNT(*) and WHERE', () => {
  it('counts live records, with and without conditions', async () => {
    const count = await query(simulator, realmId, token, 'SELECT COUNT(*) FROM Invoice');
    expect(count.body).toEqual({ QueryResponse: { totalCount: (await liveIds('Invoice')).length }, time: expect.any(String) as string });
    const some = await query(simulator, realmId, token, "SELECT COUNT(*) FROM Invoice WHERE Id IN ('1', '2', '3', '999999')");
    expect(queryResponse(some).totalCount).toBeLessThanOrEqual(3);
  });

  it('selects by Id, by Id IN (…), by CreateTime and by TxnDate', async () => {
    const [first] = rows(await query(simulator, realmId, token, "SELECT * FROM Invoice WHERE Id = '2'"), 'Invoice');
    expect(first?.Id).toBe('2');
    const listed = rows(await query(simulator, realmId, token, "SELECT * FROM Invoice WHERE Id IN ('3','1','2') ORDERBY Id DESC"), 'Invoice');
    expect(listed.map((invoice) => invoice.Id)).toEqual(['3', '2', '1'].filter((id) => listed.some((invoice) => invoice.Id === id)));

    const txnDate = String(first?.TxnDate);
    const sameDay = rows(await query(simulator, realmId, token, `SELECT * FROM Invoice WHERE TxnDate = '${txnDate}' MAXRESULTS 1000`), 'Invoice');
    expect(sameDay.length).toBeGreaterThan(0);
    expect(sameDay.every((invoice) => invoice.TxnDate === txnDate)).toBe(true);
    const created = rows(await query(simulator, realmId, token, `SELECT * FROM Invoice WHERE MetaData.CreateTime <= '${String(first?.MetaData.CreateTime)}' ORDERBY MetaData.CreateTime MAXRESULTS 1000`), 'Invoice');
    expect(created.every((invoice) => ms(String(invoice.MetaData.CreateTime)) <= ms(String(first?.MetaData.CreateTime)))).toBe(true);
  });

  it('answers a field list with sparse objects holding just those fields', async () => {
    const ids = rows(await query(simulator, realmId, token, 'SELECT Id FROM Invoice ORDERBY Id STARTPOSITION 1 MAXRESULTS 1000'), 'Invoice');
    expect(ids.map((invoice) => invoice.Id)).toEqual(await liveIds('Invoice'));
    expect(ids[0]).toEqual({ domain: 'QBO', sparse: true, Id: ids[0]?.Id });

    const [full] = rows(await query(simulator, realmId, token, "SELECT * FROM Invoice WHERE Id = '2'"), 'Invoice');
    const [some] = rows(await query(simulator, realmId, token, "select Id, SyncToken, MetaData.LastUpdatedTime, TotalAmt, CustomerRef, NoSuchField from Invoice where Id = '2'"), 'Invoice');
    expect(some).toEqual({
      domain: 'QBO',
      sparse: true,
      Id: '2',
      SyncToken: full?.SyncToken,
      MetaData: { LastUpdatedTime: full?.MetaData.LastUpdatedTime },
      TotalAmt: full?.TotalAmt,
      CustomerRef: full?.CustomerRef,
    });
  });

  it('accepts the statement as a POST body with Content-Type application/text', async () => {
    const response = await api(simulator, realmId, token, 'query?minorversion=75', {
      method: 'POST',
      headers: { 'content-type': 'application/text' },
      body: 'SELECT * FROM Invoice STARTPOSITION 1 MAXRESULTS 3',
    });
    expect(rows(response, 'Invoice')).toHaveLength(3);
    expect(response.headers.get('intuit-tid')).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });
});

describe('customers and items by name', () => {
  const byName = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);

  it('come back ordered by FullyQualifiedName without ORDERBY, page after page', async () => {
    const customers = rows(await query(simulator, realmId, token, 'SELECT * FROM Customer MAXRESULTS 1000'), 'Customer');
    const names = customers.map((customer) => String(customer.FullyQualifiedName));
    expect(names).toEqual([...names].sort(byName));
    const paged = [
      ...rows(await query(simulator, realmId, token, 'SELECT * FROM Customer STARTPOSITION 1 MAXRESULTS 10'), 'Customer'),
      ...rows(await query(simulator, realmId, token, 'SELECT * FROM Customer STARTPOSITION 11 MAXRESULTS 1000'), 'Customer'),
    ];
    expect(paged.map((customer) => customer.Id)).toEqual(customers.map((customer) => customer.Id));
    const items = rows(await query(simulator, realmId, token, 'SELECT * FROM Item'), 'Item').map((item) => String(item.FullyQualifiedName));
    expect(items).toEqual([...items].sort(byName));
    // Transactions keep Id order.
    const invoices = rows(await query(simulator, realmId, token, 'SELECT * FROM Invoice MAXRESULTS 50'), 'Invoice').map((invoice) => Number(invoice.Id));
    expect(invoices).toEqual([...invoices].sort((a, b) => a - b));
  });

  it("selects a customer by DisplayName and an item by Name (a quote escaped as \\')", async () => {
    const [customer] = rows(await query(simulator, realmId, token, 'SELECT * FROM Customer WHERE Id = \'3\''), 'Customer');
    const found = rows(await query(simulator, realmId, token, `SELECT * FROM Customer WHERE DisplayName = '${String(customer!.DisplayName).replace(/'/g, "\\'")}'`), 'Customer');
    expect(found.map((row) => row.Id)).toEqual(['3']);
    const [item] = rows(await query(simulator, realmId, token, 'SELECT * FROM Item WHERE Id = \'2\''), 'Item');
    expect(rows(await query(simulator, realmId, token, `SELECT * FROM Item WHERE Name = '${String(item!.Name)}'`), 'Item').map((row) => row.Id)).toEqual(['2']);
    expect(rows(await query(simulator, realmId, token, "SELECT * FROM Customer WHERE DisplayName = 'Nobody O\\'Nobody'"), 'Customer')).toEqual([]);
    const wrongField = await query(simulator, realmId, token, "SELECT * FROM Item WHERE DisplayName = 'x'");
    expect(wrongField.status).toBe(400);
    expect(faultError(wrongField).code).toBe('4001');
  });
});

describe('visibility', () => {
  it('hides inactive customers unless the query mentions Active', async () => {
    const { changed } = await simulator.control.applyChanges(realmId, { delete: { Customer: 2 } });
    const deactivated = changed.map((change) => change.id);
    const all = (await simulator.control.snapshot(realmId)).entities.Customer.length;

    const activeOnly = rows(await query(simulator, realmId, token, 'SELECT * FROM Customer MAXRESULTS 1000'), 'Customer');
    expect(activeOnly.some((customer) => deactivated.includes(customer.Id))).toBe(false);
    expect(activeOnly.every((customer) => customer.Active === true)).toBe(true);

    const everyone = rows(await query(simulator, realmId, token, 'SELECT * FROM Customer WHERE Active IN (true, false) MAXRESULTS 1000'), 'Customer');
    expect(everyone).toHaveLength(all);
    const inactive = rows(await query(simulator, realmId, token, 'SELECT * FROM Customer WHERE Active = false MAXRESULTS 1000'), 'Customer');
    expect(inactive.map((customer) => customer.Id)).toEqual(expect.arrayContaining(deactivated));
    for (const customer of inactive.filter((row) => deactivated.includes(row.Id))) expect(customer.DisplayName).toMatch(/ \(deleted\)$/);

    const byId = await query(simulator, realmId, token, `SELECT * FROM Customer WHERE Id = '${deactivated[0]}'`);
    expect(byId.body.QueryResponse).toEqual({});
  });

  it('never shows a deleted transaction', async () => {
    const { changed } = await simulator.control.applyChanges(realmId, { delete: { Invoice: 3 } });
    const gone = changed.map((change) => change.id);
    const listed = rows(await query(simulator, realmId, token, `SELECT * FROM Invoice WHERE Id IN (${gone.map((id) => `'${id}'`).join(', ')})`), 'Invoice');
    expect(listed).toEqual([]);
    const count = await query(simulator, realmId, token, 'SELECT COUNT(*) FROM Invoice');
    expect(queryResponse(count).totalCount).toBe((await liveIds('Invoice')).length);
  });
});

describe('malformed queries', () => {
  it('answers a statement that does not parse with 400 and Intuit\'s QueryParserError fault', async () => {
    const response = await query(simulator, realmId, token, 'SELECT * FORM Invoice');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      Fault: {
        Error: [{ Message: 'Error parsing query', Detail: expect.stringMatching(/^QueryParserError: Encountered "FORM" at line 1, column 10/) as string, code: '4000', element: '' }],
        type: 'ValidationFault',
      },
      time: expect.any(String) as string,
    });
  });

  it.each([
    ['an unknown entity (Intuit: 4001 "Invalid query")', 'SELECT * FROM Spaceship', '4001', /^QueryValidationError: invalid context declaration: Spaceship/],
    ['an unterminated string', "SELECT * FROM Invoice WHERE Id = '1", '4000', /Unterminated string/],
    ['a missing value', 'SELECT * FROM Invoice WHERE Id =', '4000', /Was expecting: a value/],
    ['trailing words', 'SELECT * FROM Invoice MAXRESULTS 5 PLEASE', '4000', /Encountered "PLEASE"/],
    ['an empty statement', '', '4000', /Encountered "<EOF>"/],
    ['a field list that ends in a comma', 'SELECT Id, FROM Invoice', '4000', /Encountered "FROM"|Was expecting: a field name/],
    ['a field that is not queryable', "SELECT * FROM Invoice WHERE Colour = 'red'", '4001', /property 'Colour' is not queryable/],
    ['a bad timestamp', "SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime > 'yesterday'", '4001', /ISO-8601/],
    ['STARTPOSITION 0 (Intuit\'s recorded wording)', 'SELECT * FROM Invoice STARTPOSITION 0', '4001', /^QueryValidationError: value 0 is too small\. Min allowed value is 1$/],
    ['Active on a transaction', 'SELECT * FROM Invoice WHERE Active = true', '4001', /not queryable/],
  ])('answers %s with 400', async (_name, statement, code, detail) => {
    const response = await query(simulator, realmId, token, statement);
    expect(response.status).toBe(400);
    expect(faultError(response)).toMatchObject({ code, Message: code === '4000' ? 'Error parsing query' : 'Invalid query' });
    expect(String(faultError(response).Detail)).toMatch(detail);
  });
});
