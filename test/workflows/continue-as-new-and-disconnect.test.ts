import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCredentials } from '../../db/queries/credentials.js';
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
