/**
 * Notices for the merchant: written once per episode (with their email in the outbox), POSTed to the
 * merchant's webhook URL when one is set, and emailed to the merchant's address unless they turned
 * notice emails off.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { getConnection } from '../db/queries/connections.js';
import { getMerchant } from '../db/queries/merchants.js';
import { createNotificationOnce, getNotification, getNotificationEmail, recordEmailAttempt, recordEmailGaveUp, recordWebhookAttempt, type NotificationEmail } from '../db/queries/notifications.js';
import { NOTICE_EMAIL_MAX_ATTEMPTS, NOTICE_EMAIL_REJECTED, NOTICE_EMAIL_UNDELIVERED } from '../shared/failure-types.js';
import type { NotifyMerchantInput } from '../shared/workflow-payloads.js';
import type { ActivityDeps } from './deps.js';
import { permanentSmtpFailure } from './email/mailer.js';
import { renderNoticeEmail } from './email/notice-email.js';

export type NoticeEmailOutcome = 'sent' | 'already_sent' | 'skipped' | 'failed';

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

  /**
   * Emails a notice from the outbox, once: a notice whose email is no longer pending is a no-op, and
   * every attempt carries the same Message-ID. A 4xx, a refused connection or a timeout throws, so
   * Temporal retries with backoff (each attempt visible in its UI, the pending activity's attempt count
   * and last failure); a 5xx is permanent, and so is the failure of the retry policy's last attempt:
   * either is recorded on the notice's email as `failed` with the SMTP answer, and thrown as
   * non-retryable. An attempt that never finishes (timed out, its worker died) cannot record anything:
   * once no retry is left, the workflow records it (`recordNoticeEmailFailed`). The workflow never
   * waits on it (see workflows/notices.ts).
   */
  async function deliverNoticeEmail(input: { notificationId: string }): Promise<NoticeEmailOutcome> {
    const [outbox, notification] = await Promise.all([getNotificationEmail(db, input.notificationId), getNotification(db, input.notificationId)]);
    if (!outbox || !notification) return 'skipped';
    if (outbox.status === 'sent') return 'already_sent';
    if (outbox.status !== 'pending') return outbox.status;
    const [merchant, connection] = await Promise.all([getMerchant(db, notification.merchantId), getConnection(db, notification.connectionId)]);
    const skip = !deps.email ? 'no SMTP server is configured' : !merchant?.email ? 'the merchant has no email address' : !merchant.notificationEmails ? 'the merchant turned notice emails off' : null;
    if (skip || !deps.email || !merchant?.email) {
      await recordEmailAttempt(db, { notificationId: notification.id, status: 'skipped', error: skip, attempted: false });
      return 'skipped';
    }
    const rendered = renderNoticeEmail({
      kind: notification.kind,
      message: notification.message,
      connectionId: notification.connectionId,
      companyName: connection?.companyName ?? null,
      realmId: connection?.realmId ?? null,
      merchantName: merchant.name,
      publicBaseUrl: deps.email.publicBaseUrl,
    });
    const domain = new URL(deps.email.publicBaseUrl).hostname;
    try {
      await deps.email.mailer.send({
        to: merchant.email,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        messageId: `<${outbox.idempotencyKey}@${domain}>`,
        headers: { 'X-Idempotency-Key': outbox.idempotencyKey, 'X-QuickBooks-Sync-Connection': notification.connectionId },
      });
    } catch (error) {
      const permanent = permanentSmtpFailure(error);
      const message = error instanceof Error ? error.message : String(error);
      const attempt = lastAttempt();
      const failed = Boolean(permanent) || attempt !== undefined;
      const recorded = attempt !== undefined && !permanent ? `gave up after ${attempt} attempts; the last: ${message}` : message;
      await recordEmailAttempt(db, { notificationId: notification.id, status: failed ? 'failed' : 'pending', recipient: merchant.email, error: recorded, attempted: true });
      logger.warn(
        { notificationId: notification.id, merchantId: merchant.id, permanent: Boolean(permanent), attempt },
        permanent ? 'the SMTP server refused the notice email for good' : failed ? 'notice email not sent and its retries are spent' : 'notice email not sent; Temporal will retry',
      );
      if (permanent) throw ApplicationFailure.create({ type: NOTICE_EMAIL_REJECTED, message: `SMTP ${permanent.code}: ${permanent.response}`, nonRetryable: true });
      if (failed) throw ApplicationFailure.create({ type: NOTICE_EMAIL_UNDELIVERED, message: recorded, nonRetryable: true });
      throw error;
    }
    await recordEmailAttempt(db, { notificationId: notification.id, status: 'sent', recipient: merchant.email, attempted: true });
    logger.info({ notificationId: notification.id, merchantId: merchant.id, kind: notification.kind }, 'notice emailed');
    return 'sent';
  }

  /**
   * Records a notice's email as failed once the workflow saw its delivery give up (retries spent, the
   * last attempt timed out or its worker died): what `deliverNoticeEmail` cannot record when it never
   * finished. Idempotent; an email already sent (or skipped, or failed) is left as it is.
   */
  async function recordNoticeEmailFailed(input: { notificationId: string; reason: string }): Promise<NotificationEmail['status'] | 'missing'> {
    const status = (await recordEmailGaveUp(db, input)) ?? 'missing';
    if (status === 'failed') logger.warn({ notificationId: input.notificationId, reason: input.reason }, 'notice email recorded as failed: its delivery gave up');
    return status;
  }

  return { notifyMerchant, deliverNotificationWebhook, deliverNoticeEmail, recordNoticeEmailFailed };
}

/** This attempt's number when it is the retry policy's last (no retry follows a failure), else undefined. */
function lastAttempt(): number | undefined {
  let info: Context['info'];
  try {
    info = Context.current().info;
  } catch {
    return undefined; // called outside an activity (a script): no retry policy to run out of
  }
  const maximum = info.retryPolicy?.maximumAttempts ?? (info.activityType === 'deliverNoticeEmail' ? NOTICE_EMAIL_MAX_ATTEMPTS : undefined);
  return maximum !== undefined && maximum > 0 && info.attempt >= maximum ? info.attempt : undefined;
}
