import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

describe('an idle incremental cycle', () => {
  let fixture: SyncFixture;
  beforeAll(async () => {
    fixture = await startSyncFixture({ workflow: { syncIntervalMs: 300 } });
  });
  afterAll(async () => fixture?.close());

  it('costs one QuickBooks request and a handful of history events', async () => {
    const connection = await fixture.connect({ company: { seed: 61, customers: 3, items: 3, invoices: 3 } });
    await fixture.waitForSnapshotMatch(connection);
    // Let the post-backfill pull and the first refresh settle, then count whole cycles.
    await fixture.waitFor(connection, (view) => view.phase === 'idle' && view.lastSyncedAt !== null);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const eventsBefore = (await connection.handle.fetchHistory()).events!.length;
    const since = new Date().toISOString();
    // The dev server fires timers with about a second's granularity.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const eventsAfter = (await connection.handle.fetchHistory()).events!.length;
    const calls = (await fixture.simulator.control.requests({ realmId: connection.realmId, since })).data.filter((call) => call.kind === 'api');
    const cycles = calls.length;
    expect(cycles).toBeGreaterThanOrEqual(3);
    expect(calls.every((call) => call.path.endsWith('/cdc'))).toBe(true);
    const eventsPerCycle = (eventsAfter - eventsBefore) / cycles;
    console.log(`idle cycle: ${eventsPerCycle.toFixed(1)} history events, 1 QuickBooks request`);
    expect(eventsPerCycle).toBeLessThanOrEqual(8);
  });
});
