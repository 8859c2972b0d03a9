/**
 * What the workflow tells the merchant: that the connection needs attention (written with the status
 * change, then posted to their webhook URL), reminders while it waits, a warning before Intuit's
 * five-year limit ends the grant, and that syncing resumed after a re-authorization. Each notice has an
 * episode key, so a retry, a replay or a new run never announces it twice; each is also emailed, once
 * (its email is written with it, in an outbox keyed per notice: see activities/notifications.ts).
 */
import { ActivityFailure, condition, log, patched, TimeoutFailure } from '@temporalio/workflow';
import type { NoticeEmailRetryOverride } from '../shared/workflow-payloads.js';
import { bookkeeping, merchantWebhooks, noticeEmailsWith } from './activity-groups.js';
import type { Stop } from './outcome.js';
import { failureType, type CarriedState } from './state.js';

const DAY = 24 * 60 * 60_000;
/** Reminders while parked, counted from the start of the episode. */
const REMINDERS = [
  { key: '1d', afterMs: DAY, text: 'a day' },
  { key: '7d', afterMs: 7 * DAY, text: 'a week' },
];
/** Warn the merchant this long before Intuit's five-year refresh-token cap ends the grant. */
const HARD_EXPIRY_NOTICE_MS = 30 * DAY;

export class Notices {
  /** Merchant webhook and email deliveries still retrying; continue-as-new waits until none are left. */
  private readonly deliveries = new Set<Promise<unknown>>();
  private readonly emails: ReturnType<typeof noticeEmailsWith>;

  constructor(
    private readonly connection: { connectionId: string; merchantId: string },
    private readonly state: CarriedState,
    emailRetry?: NoticeEmailRetryOverride,
  ) {
    this.emails = noticeEmailsWith(emailRetry);
  }

  get deliveriesPending(): boolean {
    return this.deliveries.size > 0;
  }

  /** Marks the connection as needing the merchant and writes the episode's notice, then posts it to their webhook. */
  async needsAttention(since: string, stop: Extract<Stop, { kind: 'revoked' }>): Promise<void> {
    const { notificationId } = await bookkeeping.markNeedsReauthorization.executeWithOptions({ summary: 'mark the connection needs re-authorization and notify the merchant' }, [
      { ...this.connection, since, reason: stop.reason, error: stop.error },
    ]);
    this.track(merchantWebhooks.deliverNotificationWebhook.executeWithOptions({ summary: "post the notice to the merchant's webhook URL" }, [{ notificationId }]), 'webhook');
    this.email(notificationId, 'that the connection needs re-authorization');
  }

  /** Re-authorized after a revocation: tell the merchant syncing resumed (in the background: the sync goes on at once). */
  resumed(waitingSince: string | null): void {
    if (!waitingSince || !patched('email-notices')) return;
    const notice = bookkeeping.notifyMerchant.executeWithOptions({ summary: 'tell the merchant syncing resumed' }, [{
      ...this.connection,
      kind: 'reauthorized',
      episodeKey: `${waitingSince}:reauthorized`,
      message: 'QuickBooks is re-authorized. Syncing resumed where it stopped and is catching up on everything that changed meanwhile; nothing was lost.',
      resolved: true,
    }]);
    this.track(
      notice.then(({ notificationId }) => this.deliverEmail(notificationId, 'email the merchant that syncing resumed')),
      'email',
    );
  }

  /**
   * While parked: sends the day and week reminders as they fall due. Returns as soon as `arrived()`
   * (tokens or a disconnect), or once every reminder of the episode is sent.
   */
  async remindWhileWaiting(waitingSince: string, arrived: () => boolean): Promise<void> {
    for (const reminder of REMINDERS) {
      const episode = `${waitingSince}:reminder-${reminder.key}`;
      if (this.state.announced.includes(episode)) continue;
      const dueInMs = Date.parse(waitingSince) + reminder.afterMs - Date.now();
      if (dueInMs > 0 && (await condition(arrived, dueInMs, { summary: `wait for re-authorization (reminder after ${reminder.text})` }))) return;
      if (arrived()) return;
      const { notificationId } = await bookkeeping.notifyMerchant.executeWithOptions({ summary: `remind the merchant after ${reminder.text}` }, [{
        ...this.connection,
        kind: 'reauthorization_reminder',
        episodeKey: episode,
        message: `QuickBooks has been waiting for re-authorization for ${reminder.text}. Syncing stays paused until you re-authorize under Data Sources → QuickBooks ⋯ → Re-authorize.`,
      }]);
      this.state.announced.push(episode);
      this.email(notificationId, `the reminder after ${reminder.text}`);
    }
  }

  /** Intuit's five-year cap on a refresh token ends the grant however active it is: warn a month ahead, once. */
  async warnBeforeHardExpiry(): Promise<void> {
    const hardExpiry = this.state.tokenTimes?.refreshTokenHardExpiresAt;
    if (!hardExpiry || Date.parse(hardExpiry) - Date.now() > HARD_EXPIRY_NOTICE_MS) return;
    const episode = `hard-expiry:${hardExpiry}`;
    if (this.state.announced.includes(episode)) return;
    const { notificationId } = await bookkeeping.notifyMerchant.executeWithOptions({ summary: 'warn the merchant before the five-year authorization limit' }, [{
      ...this.connection,
      kind: 'refresh_token_expiring',
      episodeKey: episode,
      message: `QuickBooks' authorization for this connection ends on ${hardExpiry.slice(0, 10)} (Intuit's five-year limit). Re-authorize before then under Data Sources → QuickBooks ⋯ → Re-authorize to keep data flowing.`,
    }]);
    this.state.announced.push(episode);
    this.email(notificationId, 'of the five-year authorization limit');
  }

  /** Emails a notice just written (histories recorded before 'email-notices' replay without it). */
  private email(notificationId: string, what: string): void {
    if (!patched('email-notices')) return;
    this.track(this.deliverEmail(notificationId, `email the merchant ${what}`), 'email');
  }

  /**
   * Delivers a notice's email; once the delivery gives up (retries spent, the last attempt timed out
   * or its worker died, a 5xx), records the email as failed with the reason. The activity records
   * what it sees itself, but an attempt that never finishes cannot: only the workflow knows the
   * retries are over. Never turns a sent email into a failed one.
   */
  private async deliverEmail(notificationId: string, summary: string): Promise<unknown> {
    try {
      return await this.emails.deliverNoticeEmail.executeWithOptions({ summary }, [{ notificationId }]);
    } catch (error) {
      if (patched('notice-email-failure-recorded')) {
        await bookkeeping.recordNoticeEmailFailed.executeWithOptions({ summary: 'record that the notice email was not sent' }, [{ notificationId, reason: givenUpReason(error) }]);
      }
      throw error;
    }
  }

  private track(work: Promise<unknown>, channel: 'webhook' | 'email'): void {
    const settled: Promise<void> = work.then(
      () => void this.deliveries.delete(settled),
      (error: unknown) => {
        this.deliveries.delete(settled);
        log.warn(`merchant ${channel} delivery gave up`, { connectionId: this.connection.connectionId, type: failureType(error) });
      },
    );
    this.deliveries.add(settled);
  }
}

/** What the merchant reads under the notice when its email gave up: the last attempt's failure. */
function givenUpReason(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof TimeoutFailure) return `not sent: the last attempt did not finish in time (${(cause.timeoutType ?? 'start-to-close').toLowerCase().replaceAll('_', '-')} timeout) and no retry is left`;
  return `not sent: ${cause instanceof Error ? cause.message : String(cause)}`;
}
