import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { NotificationKind } from '../../shared/contract.js';
import type { EntityCounts, SyncRunKind, SyncRunOutcome } from '../../shared/workflow-payloads.js';
import { instant } from './columns.js';
import { connections } from './connections.js';
import { merchants } from './merchants.js';

/** The audit row of one sync cycle. The id comes from the workflow, so retries of the write are idempotent. */
export const syncRuns = pgTable(
  'sync_runs',
  {
    id: text().primaryKey(),
    connectionId: uuid().notNull().references(() => connections.id, { onDelete: 'cascade' }),
    workflowRunId: text(),
    kind: text().$type<SyncRunKind>().notNull(),
    startedAt: instant().notNull(),
    finishedAt: instant(),
    outcome: text().$type<SyncRunOutcome>().notNull().default('running'),
    counts: jsonb().$type<EntityCounts>().notNull().default({}),
    qboRequests: integer().notNull().default(0),
    errorType: text(),
    errorMessage: text(),
    intuitTid: text(),
  },
  (t) => [index().on(t.connectionId, t.startedAt)],
);

/** "Needs attention" notices. One per connection, kind and episode (`episodeKey`), however often it is written. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid().primaryKey().defaultRandom(),
    merchantId: uuid().notNull().references(() => merchants.id, { onDelete: 'cascade' }),
    connectionId: uuid().notNull().references(() => connections.id, { onDelete: 'cascade' }),
    kind: text().$type<NotificationKind>().notNull(),
    episodeKey: text().notNull(),
    message: text().notNull(),
    // Millisecond precision: `createdAt` is half of the list's pagination cursor, which travels as a JS Date.
    createdAt: timestamp({ withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
    resolvedAt: instant(),
    webhookDeliveredAt: instant(),
    webhookAttempts: integer().notNull().default(0),
  },
  (t) => [uniqueIndex().on(t.connectionId, t.kind, t.episodeKey), index().on(t.merchantId, t.createdAt)],
);

/**
 * The email of a notice, written in the notice's own transaction (an outbox): whatever happens to the
 * worker afterwards, the delivery activity finds it and sends it once, keyed by `idempotencyKey` (also
 * the Message-ID, so a receiving server can drop a duplicate). `status`: `pending` → `sent` | `skipped`
 * (no address, or emails turned off) | `failed` (the SMTP server refused it for good).
 */
export const notificationEmails = pgTable('notification_emails', {
  notificationId: uuid().primaryKey().references(() => notifications.id, { onDelete: 'cascade' }),
  idempotencyKey: text().notNull().unique(),
  status: text().$type<NotificationEmailStatus>().notNull().default('pending'),
  recipient: text(),
  attempts: integer().notNull().default(0),
  lastError: text(),
  sentAt: instant(),
  createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export type NotificationEmailStatus = 'pending' | 'sent' | 'skipped' | 'failed';
