import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { NotificationKind } from '../../shared/contract.js';
import type { Executor } from '../client.js';
import { notifications } from '../schema/index.js';

export type Notification = typeof notifications.$inferSelect;

/**
 * Writes the notice of one episode (e.g. one revocation) exactly once, however often the activity runs.
 * Returns the notice and whether this call created it.
 */
export async function createNotificationOnce(
  db: Executor,
  params: { merchantId: string; connectionId: string; kind: NotificationKind; episodeKey: string; message: string },
): Promise<{ notification: Notification; created: boolean }> {
  const [inserted] = await db
    .insert(notifications)
    .values(params)
    .onConflictDoNothing({ target: [notifications.connectionId, notifications.kind, notifications.episodeKey] })
    .returning();
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

/** Newest first, keyset-paginated. */
export async function listMerchantNotifications(db: Executor, params: { merchantId: string; limit: number; after?: NotificationCursor | undefined; connectionId?: string }): Promise<Notification[]> {
  const conditions = [eq(notifications.merchantId, params.merchantId)];
  if (params.connectionId) conditions.push(eq(notifications.connectionId, params.connectionId));
  if (params.after) {
    conditions.push(or(lt(notifications.createdAt, params.after.createdAt), and(eq(notifications.createdAt, params.after.createdAt), lt(notifications.id, params.after.id)))!);
  }
  return db.select().from(notifications).where(and(...conditions)).orderBy(desc(notifications.createdAt), desc(notifications.id)).limit(params.limit);
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
