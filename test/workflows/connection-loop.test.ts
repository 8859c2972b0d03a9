/**
 * The workflow's own story with stand-in activities on the time-skipping server, as Temporal's samples
 * test workflows: sync, notice a revocation, park at no cost, resume from the checkpoint; a failing
 * cycle is recorded and backed off, never mistaken for a revocation; a disconnect ends it. Seconds per
 * test, whatever time the story spans.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Activities } from '../../activities/index.js';
import { WORKFLOW_TYPE, workflowIdForConnection } from '../../shared/contract.js';
import type { ConnectionStatusView, ConnectionWorkflowInput, EndSyncRunInput } from '../../shared/workflow-payloads.js';
import { disconnectSignal, statusQuery, syncNowSignal, tokensIssuedSignal } from '../../workflows/messages.js';
import { startTimeSkippingEnvironment } from '../support/time-skipping.js';
import { accessForbidden, grantRevoked, quickBooksDown, stubActivities } from './support/stub-activities.js';

describe('the connection loop (stand-in activities, time-skipping server)', { timeout: 120_000 }, () => {
  // A server per test: the test server keeps a time-skipping lock for an activity still outstanding when its
  // workflow is terminated (temporalio/sdk-java#1138), and on a loaded machine one can be; with one server for
  // the file, every later env.sleep() then waits in real time (2 hours…).
  let env: TestWorkflowEnvironment;
  beforeEach(async () => {
    env = await startTimeSkippingEnvironment();
  });
  afterEach(async () => env?.teardown());

  async function run(activities: Activities, story: (connection: { signalTokens(): Promise<void>; status(): Promise<ConnectionStatusView>; workflowId: string }) => Promise<void>) {
    const taskQueue = `loop-${randomUUID()}`;
    // Stand-in activities by design (the workflow's own logic), so not startStack's production worker.
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') }, activities });
    const connectionId = randomUUID();
    const workflowId = workflowIdForConnection(connectionId);
    const input: ConnectionWorkflowInput = { connectionId, merchantId: randomUUID(), syncIntervalMs: 15 * 60_000 };
    const signalTokens = async () => {
      await env.client.workflow.signalWithStart(WORKFLOW_TYPE, { workflowId, taskQueue, args: [input], signal: tokensIssuedSignal, signalArgs: [{ realmId: 'realm-1', sealedTokens: 'sealed' }] });
    };
    // A query sent before the first workflow task completes waits for it: keep each one short, poll again.
    const status = () => env.client.withDeadline(Date.now() + 2_000, () => env.client.workflow.getHandle(workflowId).query(statusQuery));
    await worker.runUntil(story({ signalTokens, status, workflowId }));
    // Every test's workflow ends with it: timers of a workflow nobody serves any more would hold up time skipping.
    await env.client.workflow
      .getHandle(workflowId)
      .terminate('test over')
      .catch(() => undefined);
  }

  // Generous deadlines: a loaded machine is slow, and these wait for behaviour, not for speed.
  const until = (probe: () => Promise<boolean>) => expect.poll(probe, { timeout: 45_000, interval: 50 }).toBe(true);

  it('parks from the loop when the grant is refused mid-backfill, polls nothing while parked, and resumes the pass where it stopped', async () => {
    let revoked = false;
    let revocations = 0;
    const stored: string[] = [];
    const stub = stubActivities({
      pullEntityPage: async (page) => {
        const cursor = page.checkpoint.pass!.entities[page.entity]!;
        // The merchant disconnects the app in QuickBooks once, just as the second invoice page is asked for.
        if (page.entity === 'Invoice' && cursor.pages === 1 && revocations++ === 0) revoked = true;
        if (revoked) throw grantRevoked();
        stored.push(`${page.entity} page ${cursor.pages + 1}`);
        return stubActivities().activities.pullEntityPage(page);
      },
    });
    await run(stub.activities, async (connection) => {
      await connection.signalTokens();
      await until(async () => (await connection.status()).status === 'needs_reauthorization');

      const parked = await connection.status();
      expect(parked).toMatchObject({ phase: 'waiting_for_reauthorization', lastError: { type: 'GrantInvalidError' } });
      expect(parked.checkpoint.pass?.entities.Invoice).toMatchObject({ pages: 1, done: false });
      // The pass closed its audit row first, then the loop parked and told the merchant, once.
      const order = stub.calls.map((call) => call.name).filter((name) => name === 'endSyncRun' || name === 'markNeedsReauthorization');
      expect(order).toEqual(['endSyncRun', 'markNeedsReauthorization']);
      expect((stub.named('endSyncRun')[0]!.input as EndSyncRunInput).outcome).toBe('needs_reauthorization');

      // Parked for a day and a half: not one QuickBooks call, one reminder.
      const pagesWhenParked = stub.named('pullEntityPage').length;
      await env.sleep('36 hours');
      expect(stub.named('pullEntityPage')).toHaveLength(pagesWhenParked);
      expect(stub.named('notifyMerchant')).toHaveLength(1);

      revoked = false;
      await connection.signalTokens();
      await until(async () => (await connection.status()).checkpoint.pass === null);
      const resumed = await connection.status();
      expect(resumed).toMatchObject({ status: 'active', lastError: null });
      expect(resumed.checkpoint.changedSince).not.toBeNull();
      // Every page of every entity was stored exactly once: the pass went on from its checkpoint.
      expect(stored).toHaveLength(14);
      expect(new Set(stored).size).toBe(14);
    });
  });

  it('records a failing cycle and backs off without parking, then recovers on its own', async () => {
    let failing = false;
    const stub = stubActivities({
      pullChanges: async (pull) => {
        if (failing) throw quickBooksDown();
        return stubActivities().activities.pullChanges(pull);
      },
    });
    await run(stub.activities, async (connection) => {
      await connection.signalTokens();
      await until(async () => (await connection.status()).checkpoint.changedSince !== null && stub.named('pullChanges').length > 0);

      failing = true;
      await env.client.workflow.getHandle(connection.workflowId).signal(syncNowSignal, { reason: 'test' });
      // The pull's own retries back off (2 s, 4 s, 8 s …) on workflow timers: time skips through them.
      await env.sleep('50 seconds');
      await until(async () => (await connection.status()).lastError !== null);
      expect(await connection.status()).toMatchObject({ status: 'active', lastError: { type: 'TransientQuickBooksError', intuitTid: '1-stub' } });
      expect(stub.named('markNeedsReauthorization')).toHaveLength(0);
      const failedRuns = stub.named('endSyncRun').map((call) => call.input as EndSyncRunInput);
      expect(failedRuns.at(-1)).toMatchObject({ kind: 'incremental', outcome: 'failed', error: { type: 'TransientQuickBooksError' } });

      failing = false;
      // The first backoff is a minute; time skips through it.
      await env.sleep('2 minutes');
      await until(async () => (await connection.status()).lastError === null);
      expect((await connection.status()).status).toBe('active');
    });
  });

  it('parks on a 403 instead of retrying it every cycle forever, and tells the merchant', async () => {
    let forbidden = false;
    const stub = stubActivities({
      pullChanges: async (pull) => {
        if (forbidden) throw accessForbidden();
        return stubActivities().activities.pullChanges(pull);
      },
    });
    await run(stub.activities, async (connection) => {
      await connection.signalTokens();
      await until(async () => (await connection.status()).checkpoint.changedSince !== null && stub.named('pullChanges').length > 0);
      forbidden = true;
      await env.client.workflow.getHandle(connection.workflowId).signal(syncNowSignal, { reason: 'test' });
      await until(async () => (await connection.status()).status === 'needs_reauthorization');
      expect(await connection.status()).toMatchObject({ lastError: { type: 'AccessForbiddenError', intuitTid: '1-forbidden' } });
      expect(stub.named('markNeedsReauthorization')).toHaveLength(1);
      expect((stub.named('markNeedsReauthorization')[0]!.input as { reason: string }).reason).toMatch(/refused access to this company/);
      const pulls = stub.named('pullChanges').length;
      await env.sleep('2 hours');
      expect(stub.named('pullChanges')).toHaveLength(pulls);
    });
  });

  it('stops paging on disconnect, revokes the grant and completes', async () => {
    const stub = stubActivities();
    await run(stub.activities, async (connection) => {
      await connection.signalTokens();
      await until(async () => stub.named('pullEntityPage').length > 0);
      const handle = env.client.workflow.getHandle(connection.workflowId);
      await handle.signal(disconnectSignal, {});
      await handle.result();
      expect(stub.named('disconnectConnection')).toHaveLength(1);
      expect((await handle.describe()).status.name).toBe('COMPLETED');
    });
  });
});
