/**
 * The JSON text as Intuit writes it, which JSON.parse would hide: amounts with two decimals
 * (`"TotalAmt":337.50`, `"Balance":739.00`), a zero amount as `0`, unit prices in their shortest form
 * (`"UnitPrice":75`), all recorded in minimul/qbo_api spec/vcr (all/sales_receipts.yml,
 * void/invoice.yml, get/display_name.yml); and a response `time` with milliseconds
 * (`"time":"2020-09-29T06:04:57.774-07:00"`, same recordings) next to MetaData times in whole seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/index.js';
import { connect, startTestSimulator } from './support.js';

let simulator: RunningSimulator;
let realmId: string;
let token: string;

beforeAll(async () => {
  simulator = await startTestSimulator();
  realmId = (await simulator.control.createCompany({ seed: 61, invoices: 30, customers: 8, items: 6, payments: 10 })).realmId;
  ({ accessToken: token } = await connect(simulator, realmId));
});

afterAll(async () => {
  await simulator.close();
});

async function rawText(pathAndQuery: string): Promise<string> {
  const response = await fetch(`${simulator.url}/v3/company/${realmId}/${pathAndQuery}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  expect(response.status).toBe(200);
  return response.text();
}

const numbersOf = (text: string, field: string) => [...text.matchAll(new RegExp(`"${field}":(-?[0-9.]+)`, 'g'))].map((match) => match[1]!);

describe('amounts in the JSON text', () => {
  it('are written with two decimals, a zero amount as 0, unit prices in their shortest form', async () => {
    const { changed } = await simulator.control.applyChanges(realmId, { void: { Invoice: 1 } });
    const text = await rawText(`query?query=${encodeURIComponent('SELECT * FROM Invoice MAXRESULTS 1000')}`);
    for (const field of ['TotalAmt', 'Amount', 'Balance', 'TotalTax', 'NetAmountTaxable']) {
      const values = numbersOf(text, field);
      expect(values.length, field).toBeGreaterThan(0);
      for (const value of values) expect(value, field).toMatch(/^(0|-?\d+\.\d\d)$/);
    }
    expect(numbersOf(text, 'TotalAmt').some((value) => /\.\d\d$/.test(value))).toBe(true);
    for (const value of numbersOf(text, 'UnitPrice')) expect(value).toBe(String(Number(value)));

    const voided = await rawText(`invoice/${changed[0]!.id}`);
    expect(voided).toContain('"TotalAmt":0,');
    expect(voided).toContain('"PrivateNote":"Voided"');
  });

  it('keep that form in CDC answers, sparse query rows, payments and customers', async () => {
    const since = new Date(Date.parse((await simulator.control.now()).now) - 1000).toISOString();
    await simulator.control.applyChanges(realmId, { create: { Invoice: 2, Payment: 1 } });
    const cdc = await rawText(`cdc?entities=Invoice,Payment&changedSince=${encodeURIComponent(since)}`);
    for (const value of numbersOf(cdc, 'TotalAmt')) expect(value).toMatch(/^(0|\d+\.\d\d)$/);
    expect(numbersOf(cdc, 'TotalAmt').some((value) => /\.\d\d$/.test(value))).toBe(true);
    const sparse = await rawText(`query?query=${encodeURIComponent('SELECT Id, TotalAmt FROM Invoice MAXRESULTS 5')}`);
    for (const value of numbersOf(sparse, 'TotalAmt')) expect(value).toMatch(/^(0|\d+\.\d\d)$/);
    const customers = await rawText(`query?query=${encodeURIComponent('SELECT * FROM Customer')}`);
    for (const value of numbersOf(customers, 'Balance')) expect(value).toMatch(/^(0|-?\d+\.\d\d)$/);
    expect(cdc).not.toMatch(/\\u0000/);
  });
});

describe("a response's time", () => {
  it('carries milliseconds, while MetaData times have whole seconds', async () => {
    const text = await rawText(`query?query=${encodeURIComponent('SELECT * FROM Invoice MAXRESULTS 3')}`);
    expect(JSON.parse(text).time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-0[78]:00$/);
    for (const [, time] of text.matchAll(/"LastUpdatedTime":"([^"]+)"/g)) expect(time).toMatch(/T\d{2}:\d{2}:\d{2}-0[78]:00$/);
  });

  it('on demand, a change made later in the second of an answer carries a LastUpdatedTime earlier than that answer\'s time, and CDC from that time misses it', async () => {
    const answer = JSON.parse(await rawText(`query?query=${encodeURIComponent('SELECT COUNT(*) FROM Invoice')}`)) as { time: string };
    const { changed } = await simulator.control.applyChanges(realmId, { create: { Invoice: 1 }, inSecondOfLastAnswer: true });
    const created = JSON.parse(await rawText(`invoice/${changed[0]!.id}`)) as { Invoice: { MetaData: { LastUpdatedTime: string } } };
    const lastUpdated = Date.parse(created.Invoice.MetaData.LastUpdatedTime);
    expect(lastUpdated).toBe(Math.floor(Date.parse(answer.time) / 1000) * 1000);
    expect(lastUpdated).toBeLessThanOrEqual(Date.parse(answer.time));

    const ids = async (since: number) =>
      ((JSON.parse(await rawText(`cdc?entities=Invoice&changedSince=${encodeURIComponent(new Date(since).toISOString())}`)) as { CDCResponse: { QueryResponse: { Invoice?: { Id: string }[] }[] }[] })
        .CDCResponse[0]!.QueryResponse[0]!.Invoice ?? []).map((invoice) => invoice.Id);
    if (Date.parse(answer.time) > lastUpdated) expect(await ids(Date.parse(answer.time))).not.toContain(changed[0]!.id);
    expect(await ids(Date.parse(answer.time) - 120_000)).toContain(changed[0]!.id);
  });

  it('refuses a malformed race flag with 400 and changes nothing', async () => {
    const before = (await simulator.control.getCompany(realmId)).counts.Invoice;
    const response = await fetch(`${simulator.url}/__simulator/companies/${realmId}/changes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ create: { Invoice: 1 }, inSecondOfLastAnswer: 'yes' }),
    });
    expect(response.status).toBe(400);
    expect((await simulator.control.getCompany(realmId)).counts.Invoice).toBe(before);
  });
});
