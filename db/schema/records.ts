import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import type { QuickBooksEntity } from '../../shared/contract.js';
import type { PostalAddress } from '../../shared/records.js';
import { instant } from './columns.js';
import { connections } from './connections.js';

/**
 * One row per QuickBooks object per connection. `raw` is the object exactly as QuickBooks sent it; the
 * typed columns are what a sales-tax product queries. Amounts are `numeric`, never floats.
 */
export const quickbooksRecords = pgTable(
  'quickbooks_records',
  {
    connectionId: uuid().notNull().references(() => connections.id, { onDelete: 'cascade' }),
    entity: text().$type<QuickBooksEntity>().notNull(),
    qboId: text().notNull(),
    /** QuickBooks' SyncToken (a counter, +1 per update). Null only for an object we first saw as a deleted stub. */
    syncToken: integer(),
    lastUpdatedTime: instant().notNull(),
    deleted: boolean().notNull().default(false),
    raw: jsonb().notNull(),
    docNumber: text(),
    txnDate: date({ mode: 'string' }),
    currency: text(),
    totalAmount: numeric({ precision: 20, scale: 4 }),
    totalTax: numeric({ precision: 20, scale: 4 }),
    balance: numeric({ precision: 20, scale: 4 }),
    customerId: text(),
    customerName: text(),
    billAddress: jsonb().$type<PostalAddress>(),
    shipAddress: jsonb().$type<PostalAddress>(),
    active: boolean(),
    firstSyncedAt: instant().notNull().defaultNow(),
    syncedAt: instant().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.entity, t.qboId] }),
    index('quickbooks_records_listing').on(t.connectionId, t.entity, t.deleted, t.qboId),
    index('quickbooks_records_txn_date').on(t.connectionId, t.txnDate).where(sql`${t.txnDate} is not null`),
  ],
);
