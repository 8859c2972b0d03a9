import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCredentials } from '../../db/queries/credentials.js';
import { eventTimeMs } from '../../harness/bench/history.js';
import { requireTemporalBinaries } from '../../local/temporal-binaries.js';
import { connectionStatusKey, merchantIdKey } from '../../shared/search-attributes.js';
import { disconnectSignal, syncNowSignal } from '../../workflows/messages.js';
import { runCommand } from '../replay/support.js';
import { connectionRow, startSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

describe('a long-lived connection workflow', () => {
  let fixture: SyncFixture;
  beforeAll(async () => {
    fixture = await startSyncFixture();
  });
  afterAll(async () => fixture?.close());

  it('continues as new when history grows, carrying everything', async () => {
    const connection = await fixture.connect({
      company: { seed: 51, customers: 10, items: 5, invoices: 40 },
      workflow: { syncIntervalMs: 200, continueAsNewAfterEvents: 40, pageSize: 20 },
    });
    const firstRunId = (await connection.handle.describe()).runId;
    const runIds = new Set([firstRunId]);
    await expect.poll(async () => runIds.add((await connection.handle.describe()).runId).size, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(3);

    await fixture.simulator.control.applyChanges(connection.realmId, { create: { Invoice: 2 }, update: { Customer: 1 }, delete: { Invoice: 1 } });
    await fixture.waitForSnapshotMatch(connection);
    const status = await fixture.status(connection);
    expect(status).toMatchObject({ status: 'active', realmId: connection.realmId });
    expect(status.recordsSynced).toBeGreaterThanOrEqual(55);

    const latest = await connection.handle.describe();
    expect(latest.runId).not.toBe(firstRunId);
    expect(latest.typedSearchAttributes.get(connectionStatusKey)).toBe('active');
    expect(latest.typedSearchAttributes.get(merchantIdKey)).toBe(fixture.merchant.id);

    // Continue-as-new cannot carry the static summary (SDK 1.24): the first run has it, the continued run's current details repeat it.
    const summary = `QuickBooks company ${connection.realmId} · merchant ${fixture.merchant.id}`;
    expect(await (await fixture.temporal.client.workflow.getHandle(connection.workflowId, firstRunId).describe()).staticSummary()).toBe(summary);
    expect(await latest.staticSummary()).toBeUndefined();
    const currentDetails = async () => {
      const metadata = await runCommand(requireTemporalBinaries().cli, ['workflow', 'metadata', '--workflow-id', connection.workflowId, '--address', fixture.temporal.address, '--namespace', fixture.temporal.namespace, '--output', 'json']);
      return (JSON.parse(metadata.stdout || '{"queryResult":[{}]}') as { queryResult: { currentDetails?: string }[] }).queryResult[0]?.currentDetails ?? '';
    };
    await expect.poll(currentDetails, { timeout: 10_000, interval: 300 }).toContain(`\n\n${summary}`);
  });

  it('lets an idle run that reached its events limit continue as new when the next cycle is due, and runs that cycle once, in the new run', async () => {
    const since = new Date().toISOString();
    const connection = await fixture.connect({
      company: { seed: 53, customers: 2, items: 1, invoices: 2 },
      workflow: { syncIntervalMs: 1_000, continueAsNewAfterEvents: 60 },
    });
    const { EventType } = temporal.api.enums.v1;
    const idleRunsEnded = async () => {
      const ended = [];
      for await (const execution of fixture.temporal.client.workflow.list({ query: `WorkflowId = '${connection.workflowId}' AND ExecutionStatus = 'ContinuedAsNew'` })) {
        const events = (await fixture.temporal.client.workflow.getHandle(connection.workflowId, execution.runId).fetchHistory()).events ?? [];
        const pullsAPage = events.some((event) => event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
        if (!pullsAPage) ended.push(events);
      }
      return ended;
    };
    // A run with no page activity at all is an idle one: timers and CDC pulls (local activities, markers) only.
    await expect.poll(async () => (await idleRunsEnded()).length, { timeout: 60_000, interval: 500 }).toBeGreaterThanOrEqual(1);

    const idleRuns = await idleRunsEnded();
    for (const events of idleRuns) {
      expect(events.at(-1)?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
      // The timer of the due cycle fired in the old run; its pull (a local activity's marker) did not run there.
      const lastTimerFired = events.findLastIndex((event) => event.eventType === EventType.EVENT_TYPE_TIMER_FIRED);
      expect(lastTimerFired).toBeGreaterThan(0);
      const pulls = events.slice(lastTimerFired).filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity');
      expect(pulls).toEqual([]);
    }
    // Nor twice: once the backfill was over, every change-data-capture request came a whole interval after the one before.
    const idleSince = Math.min(...idleRuns.map((events) => eventTimeMs(events[0]!)));
    const cdcTimes = (await fixture.simulator.control.requests({ realmId: connection.realmId, since })).data
      .filter((call) => call.path.endsWith('/cdc'))
      .map((call) => Date.parse(call.at))
      .filter((at) => at >= idleSince);
    expect(cdcTimes.length).toBeGreaterThanOrEqual(3);
    const gaps = cdcTimes.slice(1).map((at, index) => at - cdcTimes[index]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(900);
    await connection.handle.signal(disconnectSignal, {});
    await connection.handle.result();
  });

  it('on disconnect revokes the grant at Intuit, forgets the tokens and completes', async () => {
    const connection = await fixture.connect({ company: { seed: 52, customers: 5, items: 5, invoices: 5 } });
    await fixture.waitForSnapshotMatch(connection);
    const before = new Date().toISOString();
    await connection.handle.signal(disconnectSignal, {});
    await connection.handle.result();

    expect(await connectionRow(fixture, connection)).toMatchObject({ status: 'disconnected' });
    expect(await loadCredentials(fixture.db.db, { connectionId: connection.connectionId, sealer: fixture.sealer })).toBeUndefined();
    const calls = (await fixture.simulator.control.requests({ since: before })).data;
    expect(calls.some((call) => call.path === '/v2/oauth2/tokens/revoke' && call.status === 200)).toBe(true);
    expect((await connection.handle.describe()).typedSearchAttributes.get(connectionStatusKey)).toBe('disconnected');
    await expect(connection.handle.signal(syncNowSignal, { reason: 'late' })).rejects.toThrow();
  });
});
