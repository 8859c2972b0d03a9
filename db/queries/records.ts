import { and, asc, eq, getTableColumns, gt, or, sql } from 'drizzle-orm';
import type { QuickBooksEntity } from '../../shared/contract.js';
import type { Executor } from '../client.js';
import type { RecordVersion } from '../../shared/records.js';
import type { RecordCounts } from '../../shared/workflow-payloads.js';
import { quickbooksRecords } from '../schema/index.js';

export type { RecordVersion };

export type StoredRecord = typeof quickbooksRecords.$inferSelect;

/** Versions written (new objects and newer versions), tombstones written, and versions skipped because ours was as new. */
export type UpsertOutcome = RecordCounts;

const t = quickbooksRecords;

/**
 * Idempotent, order-independent upsert of a page of versions: a version replaces the stored one only when
 * it is newer by (LastUpdatedTime, deleted, SyncToken). A deleted stub becomes a tombstone that keeps the
 * last full version's columns; a void is an ordinary newer version. The sync's pages take the same rule
 * in SQL (`store_record_page`, record-pages.ts).
 */
export async function upsertRecordVersions(db: Executor, connectionId: string, versions: readonly RecordVersion[]): Promise<UpsertOutcome> {
  const newest = new Map<string, RecordVersion>();
  for (const version of versions) {
    const key = `${version.entity}\u0000${version.qboId}`;
    const held = newest.get(key);
    if (!held || isNewer(version, held)) newest.set(key, version);
  }
  if (newest.size === 0) return { upserted: 0, deleted: 0, skipped: versions.length };

  const now = new Date();
  const rows = [...newest.values()].map((version) => ({
    connectionId,
    entity: version.entity,
    qboId: version.qboId,
    syncToken: version.syncToken,
    lastUpdatedTime: version.lastUpdatedTime,
    deleted: version.deleted,
    raw: sql`${version.rawJson}::jsonb`,
    docNumber: version.docNumber,
    txnDate: version.txnDate,
    currency: version.currency,
    totalAmount: version.totalAmount,
    totalTax: version.totalTax,
    balance: version.balance,
    customerId: version.customerId,
    customerName: version.customerName,
    billAddress: version.billAddress,
    shipAddress: version.shipAddress,
    active: version.active,
    firstSyncedAt: now,
    syncedAt: now,
  }));

  // A stub only flips the flag and the time: the columns of the last full version stay readable.
  const keepWhenStub = (column: string) => sql.raw(`case when excluded.deleted then quickbooks_records.${column} else excluded.${column} end`);
  const written = await db
    .insert(t)
    .values(rows as (typeof t.$inferInsert)[])
    .onConflictDoUpdate({
      target: [t.connectionId, t.entity, t.qboId],
      set: {
        syncToken: sql.raw('coalesce(excluded.sync_token, quickbooks_records.sync_token)'),
        lastUpdatedTime: sql.raw('excluded.last_updated_time'),
        deleted: sql.raw('excluded.deleted'),
        raw: keepWhenStub('raw'),
        docNumber: keepWhenStub('doc_number'),
        txnDate: keepWhenStub('txn_date'),
        currency: keepWhenStub('currency'),
        totalAmount: keepWhenStub('total_amount'),
        totalTax: keepWhenStub('total_tax'),
        balance: keepWhenStub('balance'),
        customerId: keepWhenStub('customer_id'),
        customerName: keepWhenStub('customer_name'),
        billAddress: keepWhenStub('bill_address'),
        shipAddress: keepWhenStub('ship_address'),
        active: keepWhenStub('active'),
        syncedAt: sql.raw('excluded.synced_at'),
      },
      setWhere: sql.raw(`
        (excluded.last_updated_time, excluded.deleted, coalesce(excluded.sync_token, -1))
          > (quickbooks_records.last_updated_time, quickbooks_records.deleted, coalesce(quickbooks_records.sync_token, -1))`),
    })
    .returning({ deleted: t.deleted });

  const deleted = written.filter((row) => row.deleted).length;
  return { upserted: written.length - deleted, deleted, skipped: versions.length - written.length };
}

function isNewer(a: RecordVersion, b: RecordVersion): boolean {
  const byTime = a.lastUpdatedTime.getTime() - b.lastUpdatedTime.getTime();
  if (byTime !== 0) return byTime > 0;
  if (a.deleted !== b.deleted) return a.deleted;
  return (a.syncToken ?? -1) > (b.syncToken ?? -1);
}

export interface RecordCursor {
  entity: string;
  qboId: string;
}

/** A stored record with `raw` as Postgres' JSON text, which keeps QuickBooks' number text (`300.00`) exactly. */
export type ListedRecord = Omit<StoredRecord, 'raw'> & { rawJson: string };

/** A connection's records in (entity, id) order, keyset-paginated; deleted ones only when asked. */
export async function listRecords(
  db: Executor,
  params: { connectionId: string; entity?: QuickBooksEntity | undefined; includeDeleted?: boolean; limit: number; after?: RecordCursor | undefined },
): Promise<ListedRecord[]> {
  const conditions = [eq(t.connectionId, params.connectionId)];
  if (params.entity) conditions.push(eq(t.entity, params.entity));
  if (!params.includeDeleted) conditions.push(eq(t.deleted, false));
  if (params.after) {
    conditions.push(or(gt(t.entity, params.after.entity as QuickBooksEntity), and(eq(t.entity, params.after.entity as QuickBooksEntity), gt(t.qboId, params.after.qboId)))!);
  }
  const { raw: _raw, ...columns } = getTableColumns(t);
  return db
    .select({ ...columns, rawJson: sql<string>`${t.raw}::text` })
    .from(t)
    .where(and(...conditions))
    .orderBy(asc(t.entity), asc(t.qboId))
    .limit(params.limit);
}

/** (id, SyncToken, deleted) of every stored object of a connection: what tests compare with the simulator's snapshot. */
export async function recordIdentities(db: Executor, connectionId: string): Promise<{ entity: string; qboId: string; syncToken: number | null; deleted: boolean }[]> {
  return db
    .select({ entity: t.entity, qboId: t.qboId, syncToken: t.syncToken, deleted: t.deleted })
    .from(t)
    .where(eq(t.connectionId, connectionId))
    .orderBy(asc(t.entity), asc(t.qboId));
}

/** Ids of an entity's records that are not deleted (deletion reconcile compares them with QuickBooks'). */
export async function listLiveRecordIds(db: Executor, params: { connectionId: string; entity: QuickBooksEntity }): Promise<string[]> {
  const rows = await db
    .select({ qboId: t.qboId })
    .from(t)
    .where(and(eq(t.connectionId, params.connectionId), eq(t.entity, params.entity), eq(t.deleted, false)));
  return rows.map((row) => row.qboId);
}
