import { z } from '@hono/zod-openapi';
import type { Notification } from '../../db/queries/notifications.js';
import { NOTIFICATION_KINDS } from '../../shared/contract.js';

export const NotificationSchema = z
  .object({
    id: z.uuid(),
    connectionId: z.uuid(),
    kind: z.enum(NOTIFICATION_KINDS),
    message: z.string(),
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
  })
  .openapi('Notification');

export type NotificationView = z.infer<typeof NotificationSchema>;

export function toNotificationView(notification: Notification): NotificationView {
  return {
    id: notification.id,
    connectionId: notification.connectionId,
    kind: notification.kind,
    message: notification.message,
    createdAt: notification.createdAt.toISOString(),
    resolvedAt: notification.resolvedAt ? notification.resolvedAt.toISOString() : null,
  };
}
