/**
 * Incremental cycles store CDC answers through the same Postgres path as the backfill's pages, at the
 * sizes that matter: an answer just under Intuit's 1,000-object cap is stored whole by one cycle; one at
 * the cap is asked again per entity, and an entity whose own answer is capped is caught up by a query
 * pass. Either way the records end equal to the simulator's snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSyncRuns } from '../../db/queries/sync-runs.js';
import { syncNowSignal } from '../../workflows/messages.js';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

describe('large CDC answers', () => {
  let fixture: SyncFixture;
  beforeAll(async () => {
    fixture = await startSyncFixture();
  });
  afterAll(async () => fixture?.close());

  it('stores a 999-object answer in one cycle, with one CDC request', async () => {
    const connection = await fixture.connect({ company: { seed: 21, customers: 5, items: 5, invoices: 5 } });
    await fixture.waitForSnapshotMatch(connection);
    await fixture.waitFor(connection, (view) => view.phase === 'idle');
    await fixture.simulator.control.applyChanges(connection.realmId, { create: { Invoice: 700, Payment: 299 } });
    await connection.handle.signal(syncNowSignal, { reason: 'test' });
    await fixture.waitForSnapshotMatch(connection, 60_000);
    // The cycle the backfill asks for at its end may still be due when the changes land, so the changes
    // can come with it and the syncNow cycle find nothing: look for the cycle that stored them.
    const runs = await listSyncRuns(fixture.db.db, { connectionId: connection.connectionId, limit: 5 });
    const storing = runs.filter((run) => run.kind === 'incremental' && ((run.counts.Invoice?.upserted ?? 0) > 0 || (run.counts.Payment?.upserted ?? 0) > 0));
    expect(storing).toHaveLength(1);
    expect(storing[0]).toMatchObject({ kind: 'incremental', outcome: 'succeeded', qboRequests: 1, counts: { Invoice: { upserted: 700 }, Payment: { upserted: 299 } } });
  });

  it('asks a capped answer again per entity and catches up the entity that overflows, losing nothing', async () => {
    const connection = await fixture.connect({ company: { seed: 22, customers: 5, items: 5, invoices: 5 } });
    await fixture.waitForSnapshotMatch(connection);
    await fixture.waitFor(connection, (view) => view.phase === 'idle');
    await fixture.simulator.control.applyChanges(connection.realmId, { create: { Invoice: 1_100, Customer: 20 }, delete: { Invoice: 2 } });
    await connection.handle.signal(syncNowSignal, { reason: 'test' });
    const comparison = await fixture.waitForSnapshotMatch(connection, 90_000);
    expect(comparison.live).toBeGreaterThan(1_100);
    const runs = await listSyncRuns(fixture.db.db, { connectionId: connection.connectionId, limit: 5 });
    // The capped cycle asked once for everything, then once per entity.
    expect(runs.some((run) => run.kind === 'incremental' && run.qboRequests > 1)).toBe(true);
  });
});
