/** Notices for the merchant: written once per episode, and POSTed to the merchant's webhook URL when one is set. */
import { getMerchant } from '../db/queries/merchants.js';
import { createNotificationOnce, getNotification, recordWebhookAttempt } from '../db/queries/notifications.js';
import type { NotifyMerchantInput } from '../shared/workflow-payloads.js';
import type { ActivityDeps } from './deps.js';

const WEBHOOK_TIMEOUT_MS = 10_000;

export function createNotificationActivities(deps: ActivityDeps) {
  const { db, logger } = deps;
  const post = deps.fetch ?? fetch;

  async function notifyMerchant(input: NotifyMerchantInput): Promise<{ notificationId: string; created: boolean }> {
    const { notification, created } = await createNotificationOnce(db, input);
    return { notificationId: notification.id, created };
  }

  /**
   * Delivers a notice to the merchant's webhook URL. A failed delivery throws, so Temporal retries it
   * with backoff; a merchant without a webhook URL, or a notice already delivered, is a no-op.
   */
  async function deliverNotificationWebhook(input: { notificationId: string }): Promise<'delivered' | 'no_webhook' | 'already_delivered'> {
    const notification = await getNotification(db, input.notificationId);
    if (!notification) return 'no_webhook';
    if (notification.webhookDeliveredAt) return 'already_delivered';
    const merchant = await getMerchant(db, notification.merchantId);
    if (!merchant?.webhookUrl) return 'no_webhook';

    const body = JSON.stringify({
      type: 'connection.needs_attention',
      notification: {
        id: notification.id,
        connectionId: notification.connectionId,
        kind: notification.kind,
        message: notification.message,
        createdAt: notification.createdAt.toISOString(),
      },
    });
    let delivered = false;
    try {
      const response = await post(merchant.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': notification.id },
        body,
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      delivered = response.ok;
      if (!delivered) throw new Error(`merchant webhook answered HTTP ${response.status}`);
      return 'delivered';
    } finally {
      await recordWebhookAttempt(db, { notificationId: notification.id, delivered });
      if (!delivered) logger.warn({ notificationId: notification.id, merchantId: merchant.id }, 'merchant webhook delivery failed; Temporal will retry');
    }
  }

  return { notifyMerchant, deliverNotificationWebhook };
}
