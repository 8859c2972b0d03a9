/**
 * A notice email whose last attempt never finishes — its worker is SIGKILLed while the SMTP server
 * holds the answer, so the attempt times out and nothing in the activity records anything — still ends
 * `failed` on its notice with the reason: the workflow, the one place that knows the retries are over,
 * records it. The sync carries on meanwhile, and an email already sent stays sent. The retry policy is
 * shortened through the workflow input (`noticeEmailRetry`: 2 attempts, 3 s each) so this takes seconds.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateMerchantContact } from '../../db/queries/merchants.js';
import { recordEmailGaveUp } from '../../db/queries/notifications.js';
import { notificationEmails, notifications } from '../../db/schema/index.js';
import { startMailSink, type MailSink } from '../../local/mail-sink.js';
import type { NotificationKind } from '../../shared/contract.js';
import { syncNowSignal } from '../../workflows/messages.js';
import { startSyncFixture, type ConnectedCompany, type SyncFixture } from '../support/sync-fixture.js';

describe('a notice email whose last attempt dies with its worker', () => {
  let sink: MailSink;
  let fixture: SyncFixture;
  beforeAll(async () => {
    sink = await startMailSink();
    fixture = await startSyncFixture({ inProcessWorker: false, email: { smtpUrl: sink.url, publicBaseUrl: 'http://dashboard.test' } });
    await updateMerchantContact(fixture.db.db, fixture.merchant.id, { email: 'owner@gave-up.example' });
  });
  afterAll(async () => {
    await fixture?.close();
    await sink?.close();
  });

  async function emailOf(connection: ConnectedCompany, kind: NotificationKind) {
    const [row] = await fixture.db.db
      .select({ email: notificationEmails })
      .from(notificationEmails)
      .innerJoin(notifications, eq(notifications.id, notificationEmails.notificationId))
      .where(and(eq(notifications.connectionId, connection.connectionId), eq(notifications.kind, kind)));
    return row?.email;
  }

  it('is recorded failed with the reason by the workflow, while the sync goes on and a sent email stays sent', { timeout: 180_000 }, async () => {
    const first = fixture.spawnWorker('worker1');
    let second: ReturnType<typeof fixture.spawnWorker> | undefined;
    try {
      const connection = await fixture.connect({
        company: { customers: 3, invoices: 5 },
        workflow: { noticeEmailRetry: { maximumAttempts: 2, initialIntervalMs: 1_000, attemptTimeoutMs: 3_000 } },
      });
      await fixture.waitFor(connection, (view) => view.lastSyncedAt !== null, 60_000);

      // The revocation notice's email goes through (SMTP attempt 1); the "re-authorized" notice's first
      // attempt gets a 451 (attempt 2), its second and last is held (attempt 3) until its worker dies.
      sink.respond((attempt) => (attempt === 2 ? { code: 451, message: '4.3.0 Try again later' } : attempt === 3 ? 'hold' : 'accept'));
      await fixture.simulator.control.disconnect(connection.realmId);
      await connection.handle.signal(syncNowSignal, { reason: 'test' });
      await fixture.waitFor(connection, (view) => view.status === 'needs_reauthorization', 60_000);
      await expect.poll(async () => (await emailOf(connection, 'needs_reauthorization'))?.status, { timeout: 30_000 }).toBe('sent');

      await fixture.reauthorize(connection);
      await expect.poll(() => sink.attempts(), { timeout: 30_000, interval: 100 }).toBe(3);
      expect(await first.stop('SIGKILL')).toBe('SIGKILL');
      // The first attempt's 451 is on record; the held one left nothing behind.
      const pending = await emailOf(connection, 'reauthorized');
      expect(pending).toMatchObject({ status: 'pending', attempts: 1 });
      expect(pending!.lastError).toMatch(/451/);

      second = fixture.spawnWorker('worker2');
      await expect
        .poll(async () => (await emailOf(connection, 'reauthorized'))?.status, { timeout: 60_000, interval: 200 })
        .toBe('failed')
        .catch((error: unknown) => {
          throw new Error(`${String(error)}\nworker output:\n${second!.output()}`);
        });
      const failed = await emailOf(connection, 'reauthorized');
      expect(failed!.lastError).toBe('not sent: the last attempt did not finish in time (start-to-close timeout) and no retry is left');
      expect(failed!.sentAt).toBeNull();
      expect(sink.mails().map((mail) => mail.subject)).toEqual([expect.stringMatching(/^Action needed: reconnect QuickBooks for /)]);

      // The sync carries on: a change made in QuickBooks arrives on the next cycle.
      await fixture.waitFor(connection, (view) => view.status === 'active' && view.phase === 'idle', 60_000);
      await fixture.simulator.control.applyChanges(connection.realmId, { create: { Invoice: 1 }, update: { Customer: 1 } });
      const before = (await fixture.status(connection)).lastSyncedAt;
      await connection.handle.signal(syncNowSignal, { reason: 'test' });
      await fixture.waitFor(connection, (view) => view.lastSyncedAt !== before && view.lastError === null, 60_000);
      await fixture.waitForSnapshotMatch(connection, 60_000);

      // Giving up never overwrites a sent email: the revocation notice's stays sent, without an error.
      const sent = await emailOf(connection, 'needs_reauthorization');
      expect(await recordEmailGaveUp(fixture.db.db, { notificationId: sent!.notificationId, reason: 'not sent: late news' })).toBe('sent');
      expect(await emailOf(connection, 'needs_reauthorization')).toMatchObject({ status: 'sent', lastError: null, sentAt: sent!.sentAt });
      expect(sink.mails()).toHaveLength(1);
    } finally {
      await second?.stop('SIGTERM');
      await first.stop('SIGKILL');
    }
  });
});
