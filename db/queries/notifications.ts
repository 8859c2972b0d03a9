import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { NotificationKind } from '../../shared/contract.js';
import type { Executor } from '../client.js';
import { notificationEmails, notifications, type NotificationEmailStatus } from '../schema/index.js';

export type Notification = typeof notifications.$inferSelect;

export type NotificationEmail = typeof notificationEmails.$inferSelect;

/** The email's idempotency key (and Message-ID local part): one per notice, the same on every attempt. */
export const emailIdempotencyKey = (notificationId: string) => `notice-${notificationId}`;

/**
 * Writes the notice of one episode (e.g. one revocation) exactly once, however often the activity runs,
 * together with its email in the outbox (same transaction: a notice never exists without its email).
 * Returns the notice and whether this call created it. A notice that needs nothing of the merchant
 * (`resolved`, e.g. "re-authorized, syncing again") is written already resolved.
 */
export async function createNotificationOnce(
  db: Executor,
  params: { merchantId: string; connectionId: string; kind: NotificationKind; episodeKey: string; message: string; resolved?: boolean },
): Promise<{ notification: Notification; created: boolean }> {
  const { resolved, ...values } = params;
  const inserted = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(notifications)
      .values({ ...values, ...(resolved ? { resolvedAt: new Date() } : {}) })
      .onConflictDoNothing({ target: [notifications.connectionId, notifications.kind, notifications.episodeKey] })
      .returning();
    if (row) await tx.insert(notificationEmails).values({ notificationId: row.id, idempotencyKey: emailIdempotencyKey(row.id) }).onConflictDoNothing();
    return row;
  });
  if (inserted) return { notification: inserted, created: true };
  const [existing] = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.connectionId, params.connectionId), eq(notifications.kind, params.kind), eq(notifications.episodeKey, params.episodeKey)))
    .limit(1);
  return { notification: existing!, created: false };
}

export async function getNotification(db: Executor, notificationId: string): Promise<Notification | undefined> {
  const [row] = await db.select().from(notifications).where(eq(notifications.id, notificationId)).limit(1);
  return row;
}

/** Marks a connection's open notices of these kinds resolved (the connection is healthy again). */
export async function resolveNotifications(db: Executor, params: { connectionId: string; kinds: NotificationKind[] }): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ resolvedAt: new Date() })
    .where(and(eq(notifications.connectionId, params.connectionId), inArray(notifications.kind, params.kinds), isNull(notifications.resolvedAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

export interface NotificationCursor {
  createdAt: Date;
  id: string;
}

/** A notice with its email (null for notices written before notice emails existed). */
export type NotificationWithEmail = Notification & { email: NotificationEmail | null };

/** Newest first, keyset-paginated, each with its email's state. */
export async function listMerchantNotifications(
  db: Executor,
  params: { merchantId: string; limit: number; after?: NotificationCursor | undefined; connectionId?: string },
): Promise<NotificationWithEmail[]> {
  const conditions = [eq(notifications.merchantId, params.merchantId)];
  if (params.connectionId) conditions.push(eq(notifications.connectionId, params.connectionId));
  if (params.after) {
    conditions.push(or(lt(notifications.createdAt, params.after.createdAt), and(eq(notifications.createdAt, params.after.createdAt), lt(notifications.id, params.after.id)))!);
  }
  const rows = await db
    .select({ notification: notifications, email: notificationEmails })
    .from(notifications)
    .leftJoin(notificationEmails, eq(notificationEmails.notificationId, notifications.id))
    .where(and(...conditions))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(params.limit);
  return rows.map((row) => ({ ...row.notification, email: row.email }));
}

export async function recordWebhookAttempt(db: Executor, params: { notificationId: string; delivered: boolean }): Promise<void> {
  await db
    .update(notifications)
    .set({
      webhookAttempts: sql`${notifications.webhookAttempts} + 1`,
      ...(params.delivered ? { webhookDeliveredAt: new Date() } : {}),
    })
    .where(eq(notifications.id, params.notificationId));
}

/** A notice's email as the outbox has it. */
export async function getNotificationEmail(db: Executor, notificationId: string): Promise<NotificationEmail | undefined> {
  const [row] = await db.select().from(notificationEmails).where(eq(notificationEmails.notificationId, notificationId)).limit(1);
  return row;
}

/**
 * Records one delivery attempt: how it ended (`sent`, `skipped`, `failed`; `pending` to try again),
 * to whom, and the error. A finished email is never reopened.
 */
export async function recordEmailAttempt(
  db: Executor,
  params: { notificationId: string; status: NotificationEmailStatus; recipient?: string | null; error?: string | null; attempted: boolean },
): Promise<void> {
  await db
    .update(notificationEmails)
    .set({
      status: params.status,
      ...(params.recipient !== undefined ? { recipient: params.recipient } : {}),
      lastError: params.error ?? null,
      ...(params.attempted ? { attempts: sql`${notificationEmails.attempts} + 1` } : {}),
      ...(params.status === 'sent' ? { sentAt: new Date() } : {}),
    })
    .where(and(eq(notificationEmails.notificationId, params.notificationId), eq(notificationEmails.status, 'pending')));
}

/**
 * Records a notice's email as `failed` with `reason` once its delivery has given up for good (the
 * workflow knows when: see workflows/notices.ts), unless it is no longer pending: a sent, skipped or
 * already failed email keeps its state and its error. Returns the email's state afterwards.
 */
export async function recordEmailGaveUp(db: Executor, params: { notificationId: string; reason: string }): Promise<NotificationEmailStatus | undefined> {
  const [updated] = await db
    .update(notificationEmails)
    .set({ status: 'failed', lastError: params.reason })
    .where(and(eq(notificationEmails.notificationId, params.notificationId), eq(notificationEmails.status, 'pending')))
    .returning({ status: notificationEmails.status });
  return updated?.status ?? (await getNotificationEmail(db, params.notificationId))?.status;
}
