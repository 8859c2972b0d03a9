/**
 * Notice emails over days and hours, on Temporal's time-skipping test server with a real SMTP server
 * (the mail sink, parsed with mailparser): the revocation notice and the reminders after a day and a
 * week each arrive exactly once, as does the warning before the five-year limit; an SMTP server that
 * keeps answering 4xx is retried for hours, then the email is recorded as failed on its notice while
 * the connection goes on as if nothing happened.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { createMailer, type Mailer } from '../../activities/email/mailer.js';
import { createConnectionWorkflows } from '../../connections/workflow-client.js';
import { createConnection, recordCompanyProfile, recordConnectionRealm } from '../../db/queries/connections.js';
import { createMerchant, type Merchant } from '../../db/queries/merchants.js';
import { notificationEmails, notifications } from '../../db/schema/index.js';
import { authorizeRealm } from '../../harness/connect.js';
import { startMailSink, type MailSink } from '../../local/mail-sink.js';
import { createAccountingApi } from '../../quickbooks/accounting-api.js';
import { createIntuitOAuth, type IntuitOAuth } from '../../quickbooks/oauth.js';
import { intuitEndpoints } from '../../shared/config.js';
import { workflowIdForConnection, type NotificationKind } from '../../shared/contract.js';
import { createLogger } from '../../shared/logger.js';
import { createTokenSealer } from '../../shared/seal.js';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import type { quickBooksConnectionWorkflow } from '../../workflows/index.js';
import { statusQuery } from '../../workflows/messages.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTimeSkippingEnvironment } from '../support/time-skipping.js';

const TEST_APP = { clientId: 'notice-email-days-client', clientSecret: 'notice-email-days-secret', redirectUri: 'http://127.0.0.1:9/oauth/quickbooks/callback' };
const DAY_S = 24 * 60 * 60;

describe('notice emails over days', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let simulator: RunningSimulator;
  let sink: MailSink;
  let mailer: Mailer;
  let oauth: IntuitOAuth;
  let activities: ReturnType<typeof createActivities>;
  let merchant: Merchant;
  const sealer = createTokenSealer([randomBytes(32)]);
  const logger = createLogger({ level: 'silent' });
  const taskQueue = `notice-emails-${randomUUID()}`;

  beforeAll(async () => {
    [env, db, simulator, sink] = await Promise.all([
      startTimeSkippingEnvironment(),
      createTestDatabase(),
      startSimulator({ apps: [{ clientId: TEST_APP.clientId, clientSecret: TEST_APP.clientSecret, redirectUris: [TEST_APP.redirectUri] }] }),
      startMailSink(),
    ]);
    const endpoints = intuitEndpoints('sandbox', simulator.url);
    oauth = createIntuitOAuth({ ...TEST_APP, environment: 'sandbox', endpoints, logger });
    mailer = createMailer({ smtpUrl: sink.url, from: 'QuickBooks Sync <notices@sync.test>' });
    activities = createActivities({ db: db.db, sealer, oauth, api: createAccountingApi({ baseUrl: endpoints.accountingApi, logger }), logger, email: { mailer, publicBaseUrl: 'http://dashboard.test' } });
    merchant = await createMerchant(db.db, { name: 'Parked Merchant', keyHash: randomBytes(16).toString('hex'), keyPrefix: 'qbk_mail', email: 'owner@parked.example' });
  });
  afterAll(async () => {
    mailer?.close();
    await Promise.all([env?.teardown(), simulator?.close(), db?.destroy(), sink?.close()]);
  });

  const started: string[] = [];
  /** A worker runs once: each test has its own, and ends its workflows (time skips for all of them). */
  async function withWorker(body: () => Promise<void>): Promise<void> {
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') }, activities });
    await worker.runUntil(async () => {
      try {
        await body();
      } finally {
        await Promise.all(started.splice(0).map((workflowId) => env.client.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined)));
      }
    });
  }

  /** A named company connected through the workflow as the API's callback does; `revoked`: the app is disconnected inside QuickBooks first. */
  async function connect(name: string, options: { revoked: boolean }) {
    const { realmId } = await simulator.control.createCompany({ seed: 71, customers: 2, items: 2, invoices: 2 });
    const connection = await createConnection(db.db, { merchantId: merchant.id });
    await recordConnectionRealm(db.db, { connectionId: connection.id, realmId });
    await recordCompanyProfile(db.db, connection.id, { profile: { name, country: 'US', homeCurrency: 'USD' } });
    const tokens = await authorizeRealm({ oauth }, realmId);
    if (options.revoked) await simulator.control.disconnect(realmId);
    const workflows = createConnectionWorkflows({ client: env.client, taskQueue, logger, syncIntervalMs: 15 * 60_000 });
    await workflows.deliverTokens({ connection, realmId, sealedTokens: sealer.sealJson(tokens) });
    const handle = env.client.workflow.getHandle<typeof quickBooksConnectionWorkflow>(workflowIdForConnection(connection.id));
    started.push(handle.workflowId);
    return { connectionId: connection.id, handle };
  }

  const subjectsFor = (connectionId: string) => sink.mails().filter((mail) => mail.headers['x-quickbooks-sync-connection'] === connectionId).map((mail) => mail.subject);
  const outbox = (connectionId: string, kind: NotificationKind) =>
    db.db
      .select({ email: notificationEmails })
      .from(notificationEmails)
      .innerJoin(notifications, eq(notifications.id, notificationEmails.notificationId))
      .where(and(eq(notifications.connectionId, connectionId), eq(notifications.kind, kind)))
      .then((rows) => rows.map((row) => row.email));

  it('emails the revocation notice and each reminder (a day, a week) exactly once', { timeout: 120_000 }, async () => {
    await withWorker(async () => {
      const { connectionId, handle } = await connect('Parked Landscaping', { revoked: true });
      await expect.poll(async () => (await handle.query(statusQuery)).status, { timeout: 20_000 }).toBe('needs_reauthorization');
      await expect.poll(() => subjectsFor(connectionId), { timeout: 20_000 }).toEqual(['Action needed: reconnect QuickBooks for Parked Landscaping']);

      await env.sleep('1 day');
      await expect.poll(() => subjectsFor(connectionId).length, { timeout: 20_000 }).toBe(2);
      await env.sleep('7 days');
      await expect.poll(() => subjectsFor(connectionId).length, { timeout: 20_000 }).toBe(3);
      // Weeks more of parking (timers, continue-as-new, replays on a new run): no email comes again.
      await env.sleep('30 days');
      expect((await handle.query(statusQuery)).status).toBe('needs_reauthorization');
      expect(subjectsFor(connectionId)).toEqual([
        'Action needed: reconnect QuickBooks for Parked Landscaping',
        'Reminder: reconnect QuickBooks for Parked Landscaping',
        'Reminder: reconnect QuickBooks for Parked Landscaping',
      ]);
      const emails = [...(await outbox(connectionId, 'needs_reauthorization')), ...(await outbox(connectionId, 'reauthorization_reminder'))];
      expect(emails.map((email) => [email.status, email.attempts])).toEqual([
        ['sent', 1],
        ['sent', 1],
        ['sent', 1],
      ]);
    });
  });

  it('warns by email, once, a month before the five-year limit ends the grant', { timeout: 120_000 }, async () => {
    const previous = await simulator.control.getConfig();
    await simulator.control.setConfig({ refreshTokenHardTtlSeconds: 20 * DAY_S });
    try {
      await withWorker(async () => {
        const { connectionId, handle } = await connect('Expiring Bakery', { revoked: false });
        await expect.poll(() => subjectsFor(connectionId), { timeout: 30_000 }).toEqual(['Action needed soon: re-authorize QuickBooks for Expiring Bakery']);
        // Hours of cycles later, still syncing, and still that one email.
        await env.sleep('3 hours');
        expect((await handle.query(statusQuery)).status).toBe('active');
        expect(subjectsFor(connectionId)).toEqual(['Action needed soon: re-authorize QuickBooks for Expiring Bakery']);
        expect((await outbox(connectionId, 'refresh_token_expiring')).map((email) => email.status)).toEqual(['sent']);
      });
    } finally {
      await simulator.control.setConfig({ refreshTokenHardTtlSeconds: previous.refreshTokenHardTtlSeconds });
    }
  });

  it('retries an SMTP server answering 4xx for hours, then records the email as failed; the connection carries on', { timeout: 180_000 }, async () => {
    const before = sink.attempts();
    sink.respond(() => ({ code: 451, message: '4.3.0 Mailbox temporarily unavailable' }));
    try {
      await withWorker(async () => {
        const { connectionId, handle } = await connect('Greylisted Gardens', { revoked: true });
        await expect.poll(async () => (await handle.query(statusQuery)).status, { timeout: 20_000 }).toBe('needs_reauthorization');
        // Retried with backoff (5 s, 10 s … every 10 minutes): still pending after an hour, given up after about four.
        await env.sleep('1 hour');
        const [retrying] = await outbox(connectionId, 'needs_reauthorization');
        expect(retrying).toMatchObject({ status: 'pending', lastError: expect.stringContaining('451') });
        expect(retrying!.attempts).toBeGreaterThan(5);
        await env.sleep('4 hours');
        await expect.poll(async () => (await outbox(connectionId, 'needs_reauthorization'))[0]?.status, { timeout: 30_000 }).toBe('failed');
        const [failed] = await outbox(connectionId, 'needs_reauthorization');
        expect(failed).toMatchObject({ attempts: 30, sentAt: null });
        expect(failed!.lastError).toMatch(/^gave up after 30 attempts; the last: .*451 4\.3\.0 Mailbox temporarily unavailable/);
        expect(sink.attempts() - before).toBe(30);

        // The workflow is unharmed: still parked, and the next notice is emailed once the server takes mail again.
        sink.respond(() => 'accept');
        expect((await handle.query(statusQuery)).status).toBe('needs_reauthorization');
        await env.sleep('1 day');
        await expect.poll(() => subjectsFor(connectionId), { timeout: 20_000 }).toEqual(['Reminder: reconnect QuickBooks for Greylisted Gardens']);
        expect((await outbox(connectionId, 'needs_reauthorization'))[0]!.status).toBe('failed');
      });
    } finally {
      sink.respond(() => 'accept');
    }
  });
});
