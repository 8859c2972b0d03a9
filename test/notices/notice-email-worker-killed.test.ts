/**
 * Exactly one email per notice when the worker dies mid-send: the SMTP server has the whole message but
 * has not answered yet when the worker is SIGKILLed, so (as with any SMTP server) nothing was delivered;
 * Temporal retries the delivery on another worker, from the outbox, with the same Message-ID, and the
 * merchant gets the notice once — not twice, not never.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateMerchantContact } from '../../db/queries/merchants.js';
import { notificationEmails, notifications } from '../../db/schema/index.js';
import { startMailSink, type MailSink } from '../../local/mail-sink.js';
import { syncNowSignal } from '../../workflows/messages.js';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

describe('a worker killed while it sends a notice email', () => {
  let sink: MailSink;
  let fixture: SyncFixture;
  beforeAll(async () => {
    sink = await startMailSink();
    fixture = await startSyncFixture({ inProcessWorker: false, email: { smtpUrl: sink.url, publicBaseUrl: 'http://dashboard.test' } });
    await updateMerchantContact(fixture.db.db, fixture.merchant.id, { email: 'owner@killed-mid-send.example' });
  });
  afterAll(async () => {
    await fixture?.close();
    await sink?.close();
  });

  it('is replaced by another that sends it exactly once', { timeout: 180_000 }, async () => {
    const first = fixture.spawnWorker('worker1');
    try {
      const connection = await fixture.connect({ company: { customers: 3, invoices: 5 } });
      await fixture.waitFor(connection, (view) => view.lastSyncedAt !== null, 60_000);
      // The server takes the message in, then never answers while this worker lives.
      sink.respond(() => 'hold');
      await fixture.simulator.control.disconnect(connection.realmId);
      await connection.handle.signal(syncNowSignal, { reason: 'test' });
      await fixture.waitFor(connection, (view) => view.status === 'needs_reauthorization', 60_000);
      await expect.poll(() => sink.attempts(), { timeout: 30_000, interval: 100 }).toBe(1);
      expect(await first.stop('SIGKILL')).toBe('SIGKILL');
      expect(sink.mails()).toEqual([]);

      sink.respond(() => 'accept');
      const second = fixture.spawnWorker('worker2');
      try {
        await sink.waitFor((mails) => mails.length >= 1, 120_000).catch((error: unknown) => {
          throw new Error(`${String(error)}\nworker output:\n${second.output()}`);
        });
        const [outbox] = await fixture.db.db
          .select({ email: notificationEmails })
          .from(notificationEmails)
          .innerJoin(notifications, eq(notifications.id, notificationEmails.notificationId))
          .where(and(eq(notifications.connectionId, connection.connectionId), eq(notifications.kind, 'needs_reauthorization')));
        await expect.poll(async () => (await fixture.db.db.select().from(notificationEmails).where(eq(notificationEmails.notificationId, outbox!.email.notificationId)))[0]?.status, { timeout: 10_000 }).toBe('sent');
        // Give a stray duplicate every chance to arrive before counting.
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        const mails = sink.mails();
        expect(mails).toHaveLength(1);
        expect(mails[0]!.messageId).toBe(`<${outbox!.email.idempotencyKey}@dashboard.test>`);
        expect(mails[0]!.subject).toMatch(/^Action needed: reconnect QuickBooks for /);
        expect(sink.attempts()).toBe(2);
      } finally {
        await second.stop('SIGTERM');
      }
    } finally {
      await first.stop('SIGKILL');
    }
  });
});
