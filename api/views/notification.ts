import { z } from '@hono/zod-openapi';
import type { NotificationEmail, NotificationWithEmail } from '../../db/queries/notifications.js';
import { NOTIFICATION_EMAIL_STATUSES, NOTIFICATION_KINDS } from '../../shared/contract.js';

export const NotificationEmailSchema = z
  .object({
    status: z.enum(NOTIFICATION_EMAIL_STATUSES).openapi({
      description: '`sent`; `pending` (being sent, or retried after a failure); `failed` (refused for good, or its retries ran out); `off` (no email: emails turned off, no address, or no SMTP server)',
    }),
    to: z.string().nullable().openapi({ description: 'The address it was (or is being) sent to' }),
    attempts: z.number().int(),
    sentAt: z.string().nullable(),
    error: z.string().nullable().openapi({ description: "The SMTP server's last answer when pending or failed; why none is sent when off" }),
  })
  .openapi('NotificationEmail');

export const NotificationSchema = z
  .object({
    id: z.uuid(),
    connectionId: z.uuid(),
    kind: z.enum(NOTIFICATION_KINDS),
    message: z.string(),
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
    email: NotificationEmailSchema,
  })
  .openapi('Notification');

export type NotificationView = z.infer<typeof NotificationSchema>;
export type NotificationEmailView = NotificationView['email'];

/** A notice's email as the merchant sees it; a notice from before notice emails existed had none (`off`). */
export function toNotificationEmailView(email: NotificationEmail | null): NotificationEmailView {
  if (!email) return { status: 'off', to: null, attempts: 0, sentAt: null, error: null };
  return {
    status: email.status === 'skipped' ? 'off' : email.status,
    to: email.recipient,
    attempts: email.attempts,
    sentAt: email.sentAt ? email.sentAt.toISOString() : null,
    error: email.lastError,
  };
}

export function toNotificationView(notification: NotificationWithEmail): NotificationView {
  return {
    id: notification.id,
    connectionId: notification.connectionId,
    kind: notification.kind,
    message: notification.message,
    createdAt: notification.createdAt.toISOString(),
    resolvedAt: notification.resolvedAt ? notification.resolvedAt.toISOString() : null,
    email: toNotificationEmailView(notification.email),
  };
}
