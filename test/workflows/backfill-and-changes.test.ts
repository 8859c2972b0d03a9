import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { listSyncRuns } from '../../db/queries/sync-runs.js';
import { notifications, quickbooksRecords } from '../../db/schema/index.js';
import { syncNowSignal } from '../../workflows/messages.js';
import { connectionRow, startSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

describe('a connected QuickBooks company', () => {
  let fixture: SyncFixture;
  beforeAll(async () => {
    fixture = await startSyncFixture();
  });
  afterAll(async () => fixture?.close());

  it('is backfilled completely: every entity, every Id and SyncToken the simulator holds', async () => {
    const connection = await fixture.connect({ company: { seed: 11, customers: 40, items: 15, invoices: 120, salesReceipts: 30, creditMemos: 10, refundReceipts: 8, payments: 40 } });
    const comparison = await fixture.waitForSnapshotMatch(connection);
    expect(comparison.live).toBeGreaterThan(250);

    const status = await fixture.waitFor(connection, (view) => view.phase === 'idle' && view.checkpoint !== null);
    expect(status).toMatchObject({ status: 'active', realmId: connection.realmId, lastError: null });
    expect((status.checkpoint as { changedSince: string | null }).changedSince).not.toBeNull();

    const row = await connectionRow(fixture, connection);
    expect(row).toMatchObject({ status: 'active', realmId: connection.realmId });
    const runs = await listSyncRuns(fixture.db.db, { connectionId: connection.connectionId, limit: 5 });
    expect(runs.at(-1)).toMatchObject({ kind: 'backfill', outcome: 'succeeded' });
  });

  it('pulls creations, updates, voids and deletions at once on syncNow', async () => {
    const connection = await fixture.connect({ company: { seed: 12, customers: 10, items: 5, invoices: 20, salesReceipts: 10, payments: 5 } });
    await fixture.waitForSnapshotMatch(connection);
    await fixture.waitFor(connection, (view) => view.phase === 'idle');

    const { changed } = await fixture.simulator.control.applyChanges(connection.realmId, {
      create: { Invoice: 3, Customer: 2 },
      update: { Invoice: 2, Item: 1 },
      void: { SalesReceipt: 1 },
      delete: { Invoice: 1, Customer: 1 },
    });
    expect(changed.length).toBe(11);
    // The interval is an hour: only the signal can make this happen within the test.
    await connection.handle.signal(syncNowSignal, { reason: 'test' });
    await fixture.waitForSnapshotMatch(connection, 15_000);

    const runs = await listSyncRuns(fixture.db.db, { connectionId: connection.connectionId, limit: 1 });
    expect(runs[0]).toMatchObject({ kind: 'incremental', outcome: 'succeeded', qboRequests: 1 });
    expect(runs[0]!.counts.Invoice?.deleted).toBe(1);
    // The deleted invoice is kept as a tombstone, not dropped.
    const deletedId = changed.find((change) => change.op === 'delete' && change.entity === 'Invoice')?.id;
    const [tombstone] = await fixture.db.db
      .select({ deleted: quickbooksRecords.deleted })
      .from(quickbooksRecords)
      .where(and(eq(quickbooksRecords.connectionId, connection.connectionId), eq(quickbooksRecords.entity, 'Invoice'), eq(quickbooksRecords.qboId, deletedId ?? '')));
    expect(tombstone).toEqual({ deleted: true });
  });

  it('brings changes within one cycle of its own, without a signal', async () => {
    const connection = await fixture.connect({ company: { seed: 13, customers: 5, items: 5, invoices: 10 }, workflow: { syncIntervalMs: 1_000 } });
    await fixture.waitForSnapshotMatch(connection);
    await fixture.simulator.control.applyChanges(connection.realmId, { create: { Invoice: 2 }, update: { Customer: 1 } });
    await fixture.waitForSnapshotMatch(connection, 10_000);
    // One incremental cycle (one CDC request) carried all three changes.
    const runs = await listSyncRuns(fixture.db.db, { connectionId: connection.connectionId, limit: 50 });
    const carrier = runs.find((run) => run.kind === 'incremental' && (run.counts.Invoice?.upserted ?? 0) > 0);
    expect(carrier).toMatchObject({ outcome: 'succeeded', qboRequests: 1, counts: { Invoice: { upserted: 2 }, Customer: { upserted: 1 } } });
  });

  it("warns the merchant once, a month ahead, before Intuit's five-year cap ends the grant", async () => {
    const defaults = await fixture.simulator.control.getConfig();
    await fixture.simulator.control.setConfig({ refreshTokenHardTtlSeconds: 10 * 24 * 3600 });
    try {
      const connection = await fixture.connect({ company: { seed: 14, customers: 3, items: 3, invoices: 3 }, workflow: { syncIntervalMs: 300 } });
      await fixture.waitForSnapshotMatch(connection);
      const notices = () =>
        fixture.db.db.select().from(notifications).where(and(eq(notifications.connectionId, connection.connectionId), eq(notifications.kind, 'refresh_token_expiring')));
      await expect.poll(async () => (await notices()).length, { timeout: 10_000 }).toBe(1);
      // Several cycles later there is still exactly one.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(await notices()).toHaveLength(1);
      expect((await notices())[0]!.message).toMatch(/five-year limit/);
    } finally {
      await fixture.simulator.control.setConfig({ refreshTokenHardTtlSeconds: defaults.refreshTokenHardTtlSeconds });
    }
  });
});
