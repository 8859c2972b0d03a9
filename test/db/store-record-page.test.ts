/**
 * `store_record_page` (Postgres unpacks the answer text) stores exactly what the Node path stored —
 * parseJsonExactly + normalizeRecord + upsertRecordVersions — on Postgres and on PGlite: every column,
 * the raw JSON's text, the counts, the version rule across answers, tombstones, and the refusals.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client.js';
import { migrateDatabase } from '../../db/migrate.js';
import { createConnection } from '../../db/queries/connections.js';
import { createMerchant } from '../../db/queries/merchants.js';
import { databaseErrorOf, storeRecordPage, UNEXPECTED_ANSWER, UNSTORABLE_RECORD } from '../../db/queries/record-pages.js';
import { upsertRecordVersions } from '../../db/queries/records.js';
import { NormalizationError } from '../../quickbooks/errors.js';
import { parseJsonExactly } from '../../quickbooks/json.js';
import { normalizeRecord } from '../../quickbooks/normalize.js';
import type { QuickBooksObject } from '../../quickbooks/types.js';
import type { QuickBooksEntity } from '../../shared/contract.js';
import type { RecordCounts } from '../../shared/workflow-payloads.js';
import { createTestDatabase } from '../support/database.js';

const drivers: [string, () => Promise<DatabaseHandle & { destroy?: () => Promise<void> }>][] = [
  ['Postgres', createTestDatabase],
  ['PGlite', async () => {
    const handle = await openDatabase({});
    await migrateDatabase(handle);
    return handle;
  }],
];

const INVOICE = `{"Id":"130","SyncToken":"3","domain":"QBO","MetaData":{"CreateTime":"2023-02-17T12:51:28-08:00","LastUpdatedTime":"2023-02-18T09:00:05-08:00"},
"DocNumber":"1037","TxnDate":"2023-02-17","CurrencyRef":{"value":"USD","name":"United States Dollar"},
"Line":[{"Id":"1","Amount":1234.50,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"UnitPrice":411.5,"Qty":3}}],
"TxnTaxDetail":{"TotalTax":98.76},"CustomerRef":{"value":"24","name":"Sonnenschein Family Store"},
"BillAddr":{"Id":"95","Line1":"Russ Sonnenschein","Line2":"","City":"Middlefield","CountrySubDivisionCode":"CA","PostalCode":"94303","Country":"USA"},
"ShipAddr":{"Id":"25"},"TotalAmt":300.00,"Balance":1333.26000000000000001,"PrivateNote":"caf\\u00e9 \\"quoted\\" \\\\ ünïcode"}`;

const objects = (entity: string, items: string[]) => `{"QueryResponse":{"${entity}":[${items.join(',')}],"startPosition":1,"maxResults":${items.length}},"time":"2024-05-01T10:00:00.000-07:00"}`;
const at = (time: string) => `"MetaData":{"CreateTime":"2023-01-01T00:00:00Z","LastUpdatedTime":"${time}"}`;

/** The answers, in the order they are stored: new objects, updates, older versions, stubs, odd amounts. */
const QUERY_PAGES: [QuickBooksEntity, string][] = [
  ['Invoice', objects('Invoice', [
    INVOICE,
    `{"Id":"131","SyncToken":"0",${at('2023-02-18T09:00:05-08:00')},"TotalAmt":"12.50","Balance":" 1.5e3 ","TxnTaxDetail":{"TotalTax":2.5E-3},"CustomerRef":{"value":"7"},"DocNumber":""}`,
    `{"Id":"132","SyncToken":1,${at('2023-02-18T17:00:05Z')},"TotalAmt":0,"TxnDate":""}`,
    // the same object twice in one page: the newer version wins
    `{"Id":"133","SyncToken":"1",${at('2023-03-01T00:00:00Z')},"TotalAmt":1.10}`,
    `{"Id":"133","SyncToken":"2",${at('2023-03-01T00:00:01Z')},"TotalAmt":2.20}`,
  ])],
  ['Customer', objects('Customer', [
    `{"Id":"24","SyncToken":"0",${at('2023-01-05T10:00:00+05:30')},"DisplayName":"Sonnenschein Family Store","Active":true,"Balance":10,"BillAddr":{"City":""}}`,
    `{"Id":"25","SyncToken":"4",${at('2023-01-05T10:00:00+05:30')},"DisplayName":"","Active":false,"ShipAddr":{"Line1":"1 Main"}}`,
    `{"Id":"26","SyncToken":"1",${at('2023-01-05T10:00:00+05:30')}}`,
  ])],
  ['Item', objects('Item', [`{"Id":"5","SyncToken":"2",${at('2023-01-04T00:00:00Z')},"Name":"Rock Fountain","Active":false}`])],
  // updates: one newer, one older (ignored), one at the same version (skipped)
  ['Invoice', objects('Invoice', [
    `{"Id":"131","SyncToken":"1",${at('2023-02-19T09:00:05-08:00')},"TotalAmt":"13.00","CustomerRef":{"value":"8","name":"Other"}}`,
    `{"Id":"132","SyncToken":"0",${at('2023-02-17T17:00:05Z')},"TotalAmt":99}`,
    INVOICE,
  ])],
];

/** CDC: deleted stubs (one with a SyncToken, one without), a void, and a new object, over several entities. */
const CDC_ANSWER = `{"CDCResponse":[{"QueryResponse":[
  {"Invoice":[
    {"Id":"130","status":"Deleted",${at('2023-04-01T00:00:00Z')}},
    {"Id":"131","SyncToken":"2",${at('2023-04-01T00:00:00Z')},"TotalAmt":0,"PrivateNote":"Voided"},
    {"Id":"999","status":"Deleted","SyncToken":"7",${at('2023-04-01T00:00:00Z')}}
  ],"startPosition":1,"maxResults":3},
  {"Payment":[{"Id":"77","SyncToken":"0",${at('2023-04-01T00:00:00Z')},"TotalAmt":"300.00","CustomerRef":{"value":"24"}}]},
  {"Customer":[{"Id":"25","SyncToken":"5",${at('2023-04-01T00:00:00Z')},"Active":true}]}
]}],"time":"2023-04-01T00:00:10Z"}`;
const CDC_ENTITIES: QuickBooksEntity[] = ['Customer', 'Invoice', 'Payment'];

/** The old path: parse exactly in Node, normalize, upsert. */
async function storeTheOldWay(db: DatabaseHandle['db'], connectionId: string, kind: 'query' | 'cdc', entities: readonly QuickBooksEntity[], text: string) {
  const body = parseJsonExactly(text) as Record<string, unknown>;
  const responses = kind === 'query'
    ? [body.QueryResponse]
    : (body.CDCResponse as Record<string, unknown>[]).flatMap((element) => [element.QueryResponse].flat());
  const counts: Partial<Record<QuickBooksEntity, RecordCounts>> = {};
  for (const entity of entities) {
    const versions = responses.flatMap((response) => ((response as Record<string, QuickBooksObject[]>)[entity] ?? []).map((object) => normalizeRecord(entity, object)));
    if (versions.length > 0) counts[entity] = await db.transaction((tx) => upsertRecordVersions(tx, connectionId, versions));
  }
  return counts;
}

async function rowsOf(db: DatabaseHandle['db'], connectionId: string) {
  const result: unknown = await db.execute(sql`
    select entity, qbo_id, sync_token, last_updated_time::text as last_updated_time, deleted, raw::text as raw, doc_number, txn_date::text as txn_date,
      currency, total_amount::text as total_amount, total_tax::text as total_tax, balance::text as balance, customer_id, customer_name,
      bill_address::text as bill_address, ship_address::text as ship_address, active
    from quickbooks_records where connection_id = ${connectionId} order by entity, qbo_id`);
  return Array.isArray(result) ? [...result] : (result as { rows: unknown[] }).rows;
}

describe.each(drivers)('store_record_page on %s', (driver, open) => {
  let handle: DatabaseHandle & { destroy?: () => Promise<void> };
  let merchantId: string;
  const newConnection = async () => (await createConnection(handle.db, { merchantId })).id;

  beforeAll(async () => {
    handle = await open();
    merchantId = (await createMerchant(handle.db, { name: 'Parity', keyHash: randomBytes(16).toString('hex'), keyPrefix: 'qbk_test' })).id;
  });
  afterAll(async () => (handle.destroy ? handle.destroy() : handle.close()));

  it('stores every column, the raw text and the counts exactly as normalize + upsert did, answer after answer', async () => {
    const oldWay = await newConnection();
    const newWay = await newConnection();
    for (const [entity, text] of QUERY_PAGES) {
      const expected = await storeTheOldWay(handle.db, oldWay, 'query', [entity], text);
      const page = await storeRecordPage(handle.db, { connectionId: newWay, bodyText: text, kind: 'query', entities: [entity] });
      expect(page.counts).toEqual(expected);
      expect(page.time).toBe('2024-05-01T10:00:00.000-07:00');
    }
    const expected = await storeTheOldWay(handle.db, oldWay, 'cdc', CDC_ENTITIES, CDC_ANSWER);
    const answer = await storeRecordPage(handle.db, { connectionId: newWay, bodyText: CDC_ANSWER, kind: 'cdc', entities: CDC_ENTITIES });
    expect(answer).toMatchObject({ objectCount: 5, stored: true, counts: expected });

    const stored = await rowsOf(handle.db, newWay);
    expect(stored).toEqual(await rowsOf(handle.db, oldWay));
    expect(stored.length).toBe(10);
    // spot checks that the comparison means something
    const invoice = stored.find((row) => (row as { qbo_id: string }).qbo_id === '130') as Record<string, unknown>;
    expect(invoice).toMatchObject({ deleted: true, sync_token: 3, total_amount: '300.0000', balance: '1333.2600' });
    expect(invoice.raw).toContain('"TotalAmt": 300.00');
    expect(invoice.raw).toContain('café \\"quoted\\" \\\\ ünïcode');
  });

  it('compresses the raw JSON with lz4 where the server has it (Postgres), pglz where not (PGlite)', async () => {
    const result: unknown = await handle.db.execute(sql`
      select attcompression::text as method from pg_attribute where attrelid = 'quickbooks_records'::regclass and attname = 'raw'`);
    const [row] = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { method: string }[];
    // 'l' is lz4; '' is the server's default (pglz).
    expect(row!.method).toBe(driver === 'Postgres' ? 'l' : '');
  });

  it('hands back the cursor values of a page: the last record\'s time and the ids at it, and skips what the cursor holds', async () => {
    const connectionId = await newConnection();
    const [, text] = QUERY_PAGES[0]!;
    const first = await storeRecordPage(handle.db, { connectionId, bodyText: text, kind: 'query', entities: ['Invoice'] });
    expect(first).toMatchObject({ objectCount: 5, newest: '2023-03-01T00:00:01.000Z', idsAtNewest: ['133'] });
    const again = await storeRecordPage(handle.db, { connectionId, bodyText: text, kind: 'query', entities: ['Invoice'], skip: { at: '2023-02-18T17:00:05.000Z', ids: ['130', '131'] } });
    expect(again.counts).toEqual({ Invoice: { upserted: 0, deleted: 0, skipped: 5 } });
    const tied = objects('Invoice', [`{"Id":"1","SyncToken":"0",${at('2023-02-18T17:00:05Z')}}`, `{"Id":"2","SyncToken":"0",${at('2023-02-18T17:00:05Z')}}`]);
    expect(await storeRecordPage(handle.db, { connectionId, bodyText: tied, kind: 'query', entities: ['Invoice'] })).toMatchObject({ newest: '2023-02-18T17:00:05.000Z', idsAtNewest: ['1', '2'] });
    const empty = await storeRecordPage(handle.db, { connectionId, bodyText: '{"QueryResponse":{},"time":1714582800000}', kind: 'query', entities: ['Invoice'] });
    expect(empty).toMatchObject({ objectCount: 0, newest: null, idsAtNewest: [], counts: {}, time: 1714582800000 });
  });

  it('holds back a CDC answer that reaches the cap, storing nothing', async () => {
    const connectionId = await newConnection();
    const answer = await storeRecordPage(handle.db, { connectionId, bodyText: CDC_ANSWER, kind: 'cdc', entities: CDC_ENTITIES, storeBelow: 5 });
    expect(answer).toMatchObject({ objectCount: 5, stored: false });
    expect(await rowsOf(handle.db, connectionId)).toEqual([]);
  });

  it.each([
    ['no Id', `{"SyncToken":"0",${at('2023-01-01T00:00:00Z')}}`, /Id is missing/],
    ['no LastUpdatedTime', '{"Id":"1","SyncToken":"0","MetaData":{}}', /LastUpdatedTime is missing/],
    ['a LastUpdatedTime that is no date-time', `{"Id":"1","SyncToken":"0",${at('yesterday')}}`, /is not a date-time/],
    ['no SyncToken', `{"Id":"1",${at('2023-01-01T00:00:00Z')}}`, /SyncToken is missing or not an integer/],
    ['a TxnDate that is no date', `{"Id":"1","SyncToken":"0",${at('2023-01-01T00:00:00Z')},"TxnDate":"01/02/2023"}`, /TxnDate "01\/02\/2023" is not YYYY-MM-DD/],
    ['an amount that is no number', `{"Id":"1","SyncToken":"0",${at('2023-01-01T00:00:00Z')},"TotalAmt":"twelve"}`, /TotalAmt is not a number/],
  ])('refuses a record with %s, as normalize does, and stores nothing of its page', async (_what, record, message) => {
    const connectionId = await newConnection();
    const text = objects('Invoice', [`{"Id":"2","SyncToken":"0",${at('2023-01-01T00:00:00Z')}}`, record]);
    expect(() => normalizeRecord('Invoice', parseJsonExactly(record) as QuickBooksObject)).toThrow(NormalizationError);
    expect(() => normalizeRecord('Invoice', parseJsonExactly(record) as QuickBooksObject)).toThrow(message);
    const failure = await storeRecordPage(handle.db, { connectionId, bodyText: text, kind: 'query', entities: ['Invoice'] }).catch((error: unknown) => error);
    expect(databaseErrorOf(failure)).toMatchObject({ code: UNSTORABLE_RECORD, message: expect.stringMatching(message) });
    expect(await rowsOf(handle.db, connectionId)).toEqual([]);
  });

  it.each([
    ['a body that is not JSON', '{"QueryResponse":{"Invoice":[', 'query'],
    ['an answer without a QueryResponse', '{"time":"2023-01-01T00:00:00Z"}', 'query'],
    ['an answer without a CDCResponse', '{"QueryResponse":{}}', 'cdc'],
  ] as const)('names %s as an unexpected answer', async (_what, text, kind) => {
    const connectionId = await newConnection();
    const failure = await storeRecordPage(handle.db, { connectionId, bodyText: text, kind, entities: ['Invoice'] }).catch((error: unknown) => error);
    expect(databaseErrorOf(failure)?.code).toBe(UNEXPECTED_ANSWER);
  });
});
