/**
 * Reminders and merchant webhooks happen over days and hours: these tests run the harness stack
 * (harness/stack.ts: simulator, OAuth client, sealer, the production worker in this process) against
 * Temporal's time-skipping test server instead of the run's dev server, so a week of parking takes seconds.
 */
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createConnection, recordConnectionRealm } from '../../db/queries/connections.js';
import { createMerchant } from '../../db/queries/merchants.js';
import { merchants, notifications } from '../../db/schema/index.js';
import { workflowIdForConnection } from '../../shared/contract.js';
import type { quickBooksConnectionWorkflow } from '../../workflows/index.js';
import { statusQuery } from '../../workflows/messages.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTimeSkippingEnvironment } from '../support/time-skipping.js';
import { authorizeRealm } from '../../harness/connect.js';
import { startStack, type Stack } from '../../harness/stack.js';

describe('notices to a merchant whose connection stays parked', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let stack: Stack;
  let receiver: Server;
  let receiverUrl: string;
  const deliveries: number[] = [];

  beforeAll(async () => {
    [env, db] = await Promise.all([startTimeSkippingEnvironment(), createTestDatabase()]);
    stack = await startStack({
      database: { url: db.url },
      temporal: { address: env.address, namespace: env.namespace ?? 'default' },
      inProcessWorker: { workflowBundle: { codePath: inject('workflowBundlePath') } },
    });
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
    await stack?.close();
    await Promise.all([env?.teardown(), db?.destroy(), new Promise((resolve) => receiver?.close(resolve))]);
  });

  it('gets one notice per revocation, delivered to its webhook despite failures, and reminders after a day and a week', async () => {
    const { simulator, sealer } = stack;
    const merchant = await createMerchant(db.db, { name: 'Parked Merchant', keyHash: randomBytes(16).toString('hex'), keyPrefix: 'qbk_park', webhookUrl: receiverUrl });
    const { realmId } = await simulator.control.createCompany({ seed: 71, customers: 2, items: 2, invoices: 2 });
    const connection = await createConnection(db.db, { merchantId: merchant.id });
    await recordConnectionRealm(db.db, { connectionId: connection.id, realmId });
    const tokens = await authorizeRealm(stack, realmId);
    // The merchant disconnects the app in QuickBooks before the first sync: the workflow parks at once.
    await simulator.control.disconnect(realmId);

    await stack.workflows.deliverTokens({ connection, realmId, sealedTokens: sealer.sealJson(tokens), workflowOptions: { syncIntervalMs: 15 * 60_000 } });
    const handle = stack.client.workflow.getHandle<typeof quickBooksConnectionWorkflow>(workflowIdForConnection(connection.id));
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
    await db.db.delete(merchants).where(eq(merchants.id, merchant.id));
  });
});
