/**
 * Every notice is also an email, sent once, through a real SMTP server (the mail sink, parsed with
 * mailparser): "needs attention" when QuickBooks revokes the grant, "re-authorized, syncing again" when
 * the merchant comes back. An SMTP server answering 4xx, or down for a while, is retried with backoff (the
 * attempts show in Temporal) and the sync never waits for it; the email then arrives once. A 5xx is
 * permanent and recorded on the notice's email; a merchant who turned emails off gets none. (Retries
 * that run out over hours: ./notice-emails-over-days.test.ts.)
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCompanyProfile } from '../../db/queries/connections.js';
import { updateMerchantContact } from '../../db/queries/merchants.js';
import { notificationEmails, notifications } from '../../db/schema/index.js';
import { startMailSink, type CaughtMail, type MailSink } from '../../local/mail-sink.js';
import { syncNowSignal } from '../../workflows/messages.js';
import { startSyncFixture, type ConnectedCompany, type SyncFixture } from '../support/sync-fixture.js';

const PUBLIC_BASE_URL = 'http://dashboard.test';

describe('notice emails', () => {
  let sink: MailSink;
  let fixture: SyncFixture;
  beforeAll(async () => {
    sink = await startMailSink();
    fixture = await startSyncFixture({ email: { smtpUrl: sink.url, publicBaseUrl: PUBLIC_BASE_URL } });
    await updateMerchantContact(fixture.db.db, fixture.merchant.id, { email: 'owner@demo-landscaping.example' });
  });
  afterAll(async () => {
    await fixture?.close();
    await sink?.close();
  });

  async function connectNamed(name: string): Promise<ConnectedCompany> {
    const connection = await fixture.connect({ company: { customers: 3, invoices: 5 } });
    await recordCompanyProfile(fixture.db.db, connection.connectionId, { profile: { name, country: 'US', homeCurrency: 'USD' } });
    await fixture.waitFor(connection, (view) => view.lastSyncedAt !== null);
    return connection;
  }

  async function revoke(connection: ConnectedCompany) {
    await fixture.simulator.control.disconnect(connection.realmId);
    await connection.handle.signal(syncNowSignal, { reason: 'test' });
    await fixture.waitFor(connection, (view) => view.status === 'needs_reauthorization');
  }

  const mailsFor = (connection: ConnectedCompany) => sink.mails().filter((mail) => mail.headers['x-quickbooks-sync-connection'] === connection.connectionId);

  async function outboxOf(connection: ConnectedCompany, kind: string) {
    return fixture.db.db
      .select({ email: notificationEmails })
      .from(notificationEmails)
      .innerJoin(notifications, eq(notifications.id, notificationEmails.notificationId))
      .where(and(eq(notifications.connectionId, connection.connectionId), eq(notifications.kind, kind as 'needs_reauthorization')));
  }

  it('emails "action needed" once, with a button straight into Re-authorize, then "syncing again" after re-authorization', { timeout: 90_000 }, async () => {
    const connection = await connectNamed('Demo Landscaping LLC');
    await revoke(connection);
    const [mail] = (await sink.waitFor(() => mailsFor(connection).length >= 1)).filter((caught) => caught.headers['x-quickbooks-sync-connection'] === connection.connectionId) as [CaughtMail];
    expect(mail.subject).toBe('Action needed: reconnect QuickBooks for Demo Landscaping LLC');
    expect(mail.to).toEqual(['owner@demo-landscaping.example']);
    const link = `${PUBLIC_BASE_URL}/quickbooks/reconnect?connection=${connection.connectionId}`;
    expect(mail.text).toContain(link);
    expect(mail.text).toContain('Demo Landscaping LLC');
    expect(mail.html).toContain(`href="${link.replace(/&/g, '&amp;')}"`);
    expect(mail.html!.match(/<a /g)).toHaveLength(1);
    // The server's 250 comes a moment before the outbox records it.
    await expect.poll(async () => (await outboxOf(connection, 'needs_reauthorization'))[0]?.email.status, { timeout: 10_000 }).toBe('sent');
    const [outbox] = await outboxOf(connection, 'needs_reauthorization');
    expect(outbox!.email).toMatchObject({ status: 'sent', attempts: 1, recipient: 'owner@demo-landscaping.example' });
    expect(mail.messageId).toBe(`<${outbox!.email.idempotencyKey}@dashboard.test>`);

    await fixture.reauthorize(connection);
    await sink.waitFor(() => mailsFor(connection).some((caught) => caught.subject === 'QuickBooks for Demo Landscaping LLC is re-authorized and syncing again'));
    await fixture.waitFor(connection, (view) => view.status === 'active');
    // However often the workflow replays or its activities retry: one email per notice.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(mailsFor(connection).map((caught) => caught.subject)).toEqual([
      'Action needed: reconnect QuickBooks for Demo Landscaping LLC',
      'QuickBooks for Demo Landscaping LLC is re-authorized and syncing again',
    ]);
  });

  it('retries an SMTP server that answers 4xx, with backoff, without holding up the sync', { timeout: 90_000 }, async () => {
    const connection = await connectNamed('Retry Gardens Inc');
    const before = sink.attempts();
    sink.respond((attempt) => (attempt - before <= 2 ? { code: 451, message: 'Try again later' } : 'accept'));
    try {
      await revoke(connection);
      // Parked and saying so while the mail is still being refused: nothing waits for it.
      // (The status query says parked a moment before the park's activity has written the notice.)
      await expect.poll(async () => (await outboxOf(connection, 'needs_reauthorization'))[0]?.email.status, { timeout: 10_000 }).toBe('pending');
      const [mail] = (await sink.waitFor(() => mailsFor(connection).length >= 1, 60_000)).filter((caught) => caught.headers['x-quickbooks-sync-connection'] === connection.connectionId);
      expect(mail!.subject).toBe('Action needed: reconnect QuickBooks for Retry Gardens Inc');
      await expect.poll(async () => (await outboxOf(connection, 'needs_reauthorization'))[0]?.email.status, { timeout: 10_000 }).toBe('sent');
      const [outbox] = await outboxOf(connection, 'needs_reauthorization');
      expect(outbox!.email).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    } finally {
      sink.respond(() => 'accept');
    }
  });

  /** The notice email's delivery as Temporal shows it (Web UI → Pending Activities): its attempt and last failure. */
  async function pendingEmailDelivery(connection: ConnectedCompany) {
    const { raw } = await connection.handle.describe();
    const pending = raw.pendingActivities?.find((activity) => activity.activityType?.name === 'deliverNoticeEmail');
    return pending ? { attempt: pending.attempt ?? 0, lastFailure: pending.lastFailure?.message ?? '' } : undefined;
  }

  it('retries an SMTP server that is down until it is back, visibly in Temporal, and the email arrives exactly once', { timeout: 120_000 }, async () => {
    const connection = await connectNamed('Offline Orchards');
    const { port } = sink;
    await sink.close();
    try {
      // The connection parks and says so at once: nothing waits for the mail server.
      await revoke(connection);
      // Two attempts refused (the second 5 s after the first), the third waiting its turn.
      await expect.poll(() => pendingEmailDelivery(connection), { timeout: 40_000, interval: 250 }).toMatchObject({ attempt: 3, lastFailure: expect.stringContaining('ECONNREFUSED') });
      expect((await outboxOf(connection, 'needs_reauthorization'))[0]!.email).toMatchObject({ status: 'pending', attempts: 2, lastError: expect.stringContaining('ECONNREFUSED') });
    } finally {
      sink = await startMailSink({ port });
    }
    await sink.waitFor(() => mailsFor(connection).length >= 1, 60_000);
    await expect.poll(async () => (await outboxOf(connection, 'needs_reauthorization'))[0]?.email.status, { timeout: 10_000 }).toBe('sent');
    const [outbox] = await outboxOf(connection, 'needs_reauthorization');
    expect(outbox!.email).toMatchObject({ attempts: 3, lastError: null });
    expect(await pendingEmailDelivery(connection)).toBeUndefined();
    // Give a stray duplicate every chance to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(mailsFor(connection).map((mail) => mail.subject)).toEqual(['Action needed: reconnect QuickBooks for Offline Orchards']);
  });

  it('records a permanent refusal (5xx) on the notice and does not retry it', { timeout: 60_000 }, async () => {
    const connection = await connectNamed('Bounce Landscaping');
    sink.respond(() => ({ code: 550, message: 'No such mailbox' }));
    try {
      await revoke(connection);
      await expect.poll(async () => (await outboxOf(connection, 'needs_reauthorization'))[0]?.email.status, { timeout: 30_000 }).toBe('failed');
      const [outbox] = await outboxOf(connection, 'needs_reauthorization');
      expect(outbox!.email).toMatchObject({ attempts: 1, lastError: expect.stringContaining('550') });
      expect(mailsFor(connection)).toEqual([]);
    } finally {
      sink.respond(() => 'accept');
    }
  });

  it('sends nothing to a merchant who turned notice emails off, and says why', { timeout: 60_000 }, async () => {
    const connection = await connectNamed('Quiet Yards');
    await updateMerchantContact(fixture.db.db, fixture.merchant.id, { notificationEmails: false });
    try {
      await revoke(connection);
      await expect.poll(async () => (await outboxOf(connection, 'needs_reauthorization'))[0]?.email.status, { timeout: 30_000 }).toBe('skipped');
      expect((await outboxOf(connection, 'needs_reauthorization'))[0]!.email.lastError).toBe('the merchant turned notice emails off');
      expect(mailsFor(connection)).toEqual([]);
    } finally {
      await updateMerchantContact(fixture.db.db, fixture.merchant.id, { notificationEmails: true });
    }
  });
});
