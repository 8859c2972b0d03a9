/**
 * Reminders and merchant webhooks happen over days and hours: these tests run on Temporal's
 * time-skipping test server, so a week of parking takes seconds.
 */
import { createServer, type Server } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createConnection, recordConnectionRealm } from '../../db/queries/connections.js';
import { createMerchant } from '../../db/queries/merchants.js';
import { merchants, notifications } from '../../db/schema/index.js';
import { createAccountingApi } from '../../quickbooks/accounting-api.js';
import { createIntuitOAuth } from '../../quickbooks/oauth.js';
import { createActivities } from '../../activities/index.js';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { intuitEndpoints } from '../../shared/config.js';
import { workflowIdForConnection } from '../../shared/contract.js';
import { createLogger } from '../../shared/logger.js';
import { createTokenSealer } from '../../shared/seal.js';
import type { quickBooksConnectionWorkflow } from '../../workflows/index.js';
import { statusQuery } from '../../workflows/messages.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTimeSkippingEnvironment } from '../support/time-skipping.js';
import { createConnectionWorkflows } from '../../connections/workflow-client.js';
import { authorizeRealm } from '../../harness/connect.js';

const TEST_APP = { clientId: 'notices-client-id', clientSecret: 'notices-client-secret', redirectUri: 'http://127.0.0.1:9/oauth/quickbooks/callback' };

describe('notices to a merchant whose connection stays parked', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let simulator: RunningSimulator;
  let receiver: Server;
  let receiverUrl: string;
  const deliveries: number[] = [];

  beforeAll(async () => {
    [env, db, simulator] = await Promise.all([
      startTimeSkippingEnvironment(),
      createTestDatabase(),
      startSimulator({ apps: [{ clientId: TEST_APP.clientId, clientSecret: TEST_APP.clientSecret, redirectUris: [TEST_APP.redirectUri] }] }),
    ]);
    // The merchant's webhook endpoint is down for its first two deliveries.
    receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        deliveries.push(Date.now());
        response.writeHead(deliveries.length <= 2 ? 503 : 204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks`;
  });
  afterAll(async () => {
    await Promise.all([env?.teardown(), simulator?.close(), db?.destroy(), new Promise((resolve) => receiver?.close(resolve))]);
  });

  it('gets one notice per revocation, delivered to its webhook despite failures, and reminders after a day and a week', async () => {
    const sealer = createTokenSealer([randomBytes(32)]);
    const logger = createLogger({ level: 'silent' });
    const endpoints = intuitEndpoints('sandbox', simulator.url);
    const oauth = createIntuitOAuth({ clientId: TEST_APP.clientId, clientSecret: TEST_APP.clientSecret, redirectUri: TEST_APP.redirectUri, environment: 'sandbox', endpoints, logger });
    const api = createAccountingApi({ baseUrl: endpoints.accountingApi, logger });
    const taskQueue = `notices-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: createActivities({ db: db.db, sealer, oauth, api, logger }),
    });

    const merchant = await createMerchant(db.db, { name: 'Parked Merchant', keyHash: randomBytes(16).toString('hex'), keyPrefix: 'qbk_park', webhookUrl: receiverUrl });
    const { realmId } = await simulator.control.createCompany({ seed: 71, customers: 2, items: 2, invoices: 2 });
    const connection = await createConnection(db.db, { merchantId: merchant.id });
    await recordConnectionRealm(db.db, { connectionId: connection.id, realmId });
    const tokens = await authorizeRealm({ oauth }, realmId);
    // The merchant disconnects the app in QuickBooks before the first sync: the workflow parks at once.
    await simulator.control.disconnect(realmId);

    await worker.runUntil(async () => {
      const workflows = createConnectionWorkflows({ client: env.client, taskQueue, logger, syncIntervalMs: 15 * 60_000 });
      await workflows.deliverTokens({ connection, realmId, sealedTokens: sealer.sealJson(tokens) });
      const handle = env.client.workflow.getHandle<typeof quickBooksConnectionWorkflow>(workflowIdForConnection(connection.id));
      const notices = (kind: string) =>
        db.db.select().from(notifications).where(and(eq(notifications.connectionId, connection.id), eq(notifications.kind, kind as 'needs_reauthorization')));

      await expect.poll(async () => (await handle.query(statusQuery)).status, { timeout: 20_000 }).toBe('needs_reauthorization');
      // The webhook retries back off (30 s, 60 s …): time skips through them while the workflow waits.
      await env.sleep('10 minutes');
      const [notice] = await notices('needs_reauthorization');
      expect(notice).toMatchObject({ webhookAttempts: 3 });
      expect(notice!.webhookDeliveredAt).not.toBeNull();
      expect(await notices('reauthorization_reminder')).toHaveLength(0);

      await env.sleep('1 day');
      expect(await notices('reauthorization_reminder')).toHaveLength(1);
      await env.sleep('7 days');
      expect(await notices('reauthorization_reminder')).toHaveLength(2);
      await env.sleep('30 days');
      // Reminders aside, a parked connection stays silent: still one revocation notice, two reminders.
      expect(await notices('needs_reauthorization')).toHaveLength(1);
      expect(await notices('reauthorization_reminder')).toHaveLength(2);
      expect((await handle.query(statusQuery)).status).toBe('needs_reauthorization');
    });
    await db.db.delete(merchants).where(eq(merchants.id, merchant.id));
  });
});
