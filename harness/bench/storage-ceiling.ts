/**
 * What this machine can store, measured apart from our code: the backfill's own pages (1,000-record
 * QueryResponse texts as the simulator sent them) handed to Postgres one text parameter per page and
 * unpacked there by a bare statement (jsonb_array_elements, the typed columns cast in SQL, the same
 * version rule) into a table of the same shape, indexes and foreign key, three pages at a time. Beside it:
 * our own `store_record_page` on the same pages, and both paths of PGlite (the `npm start` default) in
 * this process — the Node path it had before (parse exactly, normalize, upsert) and the Postgres one.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { BEGINNING_OF_TIME } from '../../activities/entity-cursor.js';
import { openDatabase, type Database } from '../../db/client.js';
import { migrateDatabase } from '../../db/migrate.js';
import { createConnection } from '../../db/queries/connections.js';
import { createMerchant } from '../../db/queries/merchants.js';
import { storeRecordPage } from '../../db/queries/record-pages.js';
import { upsertRecordVersions } from '../../db/queries/records.js';
import { createAccountingApi } from '../../quickbooks/accounting-api.js';
import { parseJsonExactly } from '../../quickbooks/json.js';
import { normalizeRecord } from '../../quickbooks/normalize.js';
import { changedSinceQuery } from '../../quickbooks/queries.js';
import type { QuickBooksObject } from '../../quickbooks/types.js';
import { QUICKBOOKS_ENTITIES, type QuickBooksEntity } from '../../shared/contract.js';
import { authorizeRealm } from '../connect.js';
import type { Stack } from '../stack.js';
import { cpuOfBackends, cpuSpent } from './postgres-usage.js';

export interface PageText {
  entity: QuickBooksEntity;
  text: string;
  records: number;
}

export interface StorageRun {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  /** CPU seconds of the database's backends during the run (Postgres only). */
  postgresCpuSeconds?: number;
}

/** The pages a backfill of the company reads, as text (untimed), up to `maxPages` (a big company's would not fit in memory). */
export async function fetchPageTexts(stack: Stack, realmId: string, maxPages: number): Promise<PageText[]> {
  const tokens = await authorizeRealm(stack, realmId);
  const api = createAccountingApi({ baseUrl: stack.simulator.url, requestTimeoutMs: 120_000 });
  const pages: PageText[] = [];
  for (const entity of QUICKBOOKS_ENTITIES) {
    if (pages.length >= maxPages) break;
    for (let start = 1; ; start += 1000) {
      const statement = changedSinceQuery({ entity, since: BEGINNING_OF_TIME, startPosition: start, maxResults: 1000 });
      const answer = await api.queryText({ realmId, accessToken: tokens.accessToken, statement });
      const records = countObjects(answer.bodyText, entity);
      if (records > 0) pages.push({ entity, text: answer.bodyText, records });
      if (records < 1000 || pages.length >= maxPages) break;
    }
  }
  return pages;
}

function countObjects(text: string, entity: QuickBooksEntity): number {
  const response = (JSON.parse(text) as { QueryResponse?: Record<string, unknown> }).QueryResponse;
  const objects = response?.[entity];
  return Array.isArray(objects) ? objects.length : 0;
}

/** CPU seconds so far of every backend connected to the database, by pid. */
async function backendCpu(db: Database): Promise<Map<number, number>> {
  const result: unknown = await db.execute(sql`select pid from pg_stat_activity where datname = current_database()`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { pid: number }[];
  return cpuOfBackends(rows.map((row) => Number(row.pid)));
}

/** Measures the CPU the database's backends spend while `body` runs (backends that exit meanwhile are missed). */
export async function withPostgresCpu<T>(db: Database, body: () => Promise<T>): Promise<{ result: T; postgresCpuSeconds: number }> {
  const before = await backendCpu(db);
  const result = await body();
  const after = await backendCpu(db);
  return { result, postgresCpuSeconds: cpuSpent(before, after) };
}

async function inLanes(pages: readonly PageText[], lanes: number, store: (page: PageText) => Promise<void>): Promise<StorageRun> {
  const queue = [...pages];
  let records = 0;
  const started = performance.now();
  const lane = async () => {
    for (let page = queue.shift(); page; page = queue.shift()) {
      await store(page);
      records += page.records;
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  const seconds = (performance.now() - started) / 1000;
  return { records, seconds, recordsPerSecond: records / seconds };
}

const CEILING_TABLE = sql.raw('storage_ceiling_records');

/** The machine's storage ceiling: a bare statement per page, into a table like quickbooks_records. */
export async function machineCeiling(db: Database, merchantId: string, pages: readonly PageText[], lanes: number): Promise<StorageRun> {
  await db.execute(sql`drop table if exists ${CEILING_TABLE}`);
  await db.execute(sql`create table ${CEILING_TABLE} (like quickbooks_records including all)`);
  await db.execute(sql`alter table ${CEILING_TABLE} add foreign key (connection_id) references connections (id) on delete cascade`);
  const { id: connectionId } = await createConnection(db, { merchantId });
  const { result, postgresCpuSeconds } = await withPostgresCpu(db, () =>
    inLanes(pages, lanes, async (page) => {
      await db.execute(sql`
        insert into ${CEILING_TABLE} as r (connection_id, entity, qbo_id, sync_token, last_updated_time, deleted, raw, doc_number, txn_date, currency,
          total_amount, total_tax, balance, customer_id, customer_name, bill_address, ship_address, active)
        select ${connectionId}::uuid, ${page.entity}, o ->> 'Id', (o ->> 'SyncToken')::integer, (o #>> '{MetaData,LastUpdatedTime}')::timestamptz,
          coalesce(o ->> 'status' = 'Deleted', false), o, o ->> 'DocNumber', (o ->> 'TxnDate')::date, o #>> '{CurrencyRef,value}',
          (o ->> 'TotalAmt')::numeric, (o #>> '{TxnTaxDetail,TotalTax}')::numeric, (o ->> 'Balance')::numeric,
          o #>> '{CustomerRef,value}', o #>> '{CustomerRef,name}', o -> 'BillAddr', o -> 'ShipAddr', (o ->> 'Active')::boolean
        from jsonb_array_elements(${page.text}::text::jsonb -> 'QueryResponse' -> ${page.entity}::text) o
        on conflict (connection_id, entity, qbo_id) do update set
          sync_token = excluded.sync_token, last_updated_time = excluded.last_updated_time, deleted = excluded.deleted, raw = excluded.raw,
          doc_number = excluded.doc_number, txn_date = excluded.txn_date, currency = excluded.currency, total_amount = excluded.total_amount,
          total_tax = excluded.total_tax, balance = excluded.balance, customer_id = excluded.customer_id, customer_name = excluded.customer_name,
          bill_address = excluded.bill_address, ship_address = excluded.ship_address, active = excluded.active, synced_at = excluded.synced_at
        where (excluded.last_updated_time, excluded.deleted, coalesce(excluded.sync_token, -1)) > (r.last_updated_time, r.deleted, coalesce(r.sync_token, -1))`);
    }),
  );
  await db.execute(sql`drop table ${CEILING_TABLE}`);
  return { ...result, postgresCpuSeconds };
}

/** Our own path without QuickBooks or Temporal: `store_record_page` per page, one transaction each. */
export async function productStoragePath(db: Database, merchantId: string, pages: readonly PageText[], lanes: number): Promise<StorageRun> {
  const { id: connectionId } = await createConnection(db, { merchantId });
  const { result, postgresCpuSeconds } = await withPostgresCpu(db, () =>
    inLanes(pages, lanes, async (page) => {
      await db.transaction((tx) => storeRecordPage(tx, { connectionId, bodyText: page.text, kind: 'query', entities: [page.entity] }));
    }),
  );
  return { ...result, postgresCpuSeconds };
}

/**
 * PGlite in this process (one session, so one page at a time), on the same pages: the Node path it had
 * before (parse exactly, normalize, upsert) and `store_record_page`, each into a fresh connection.
 */
export async function pgliteStorage(pages: readonly PageText[]): Promise<{ nodePath: StorageRun; postgresPath: StorageRun }> {
  const handle = await openDatabase({});
  try {
    await migrateDatabase(handle);
    const merchant = await createMerchant(handle.db, { name: 'PGlite ceiling', keyHash: randomBytes(16).toString('hex'), keyPrefix: 'qbk_bench' });
    const nodeConnection = await createConnection(handle.db, { merchantId: merchant.id });
    const nodePath = await inLanes(pages, 1, async (page) => {
      const body = parseJsonExactly(page.text) as { QueryResponse: Record<string, QuickBooksObject[]> };
      const versions = (body.QueryResponse[page.entity] ?? []).map((record) => normalizeRecord(page.entity, record));
      await handle.db.transaction((tx) => upsertRecordVersions(tx, nodeConnection.id, versions));
    });
    const postgresConnection = await createConnection(handle.db, { merchantId: merchant.id });
    const postgresPath = await inLanes(pages, 1, async (page) => {
      await handle.db.transaction((tx) => storeRecordPage(tx, { connectionId: postgresConnection.id, bodyText: page.text, kind: 'query', entities: [page.entity] }));
    });
    return { nodePath, postgresPath };
  } finally {
    await handle.close();
  }
}
