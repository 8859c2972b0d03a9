/**
 * More than 1,000 changes of one entity since the last sync, deletions among them, under Intuit's CDC
 * order (active objects first, deleted stubs after, cut off at the cap) and under an adversarial one
 * (any subset, any order). A capped answer can hold an active object newer than deletions it left out,
 * so no position inside it is a safe place to resume CDC from: nothing may be lost either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CdcOrder } from '../../simulator/types.js';
import { syncNowSignal } from '../../workflows/messages.js';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

describe('an incremental sync whose CDC answer reaches the 1,000-object cap', () => {
  let fixture: SyncFixture;
  beforeAll(async () => {
    fixture = await startSyncFixture();
  });
  afterAll(async () => fixture?.close());

  async function loseNothingUnder(order: CdcOrder, seed: number) {
    await fixture.simulator.control.setConfig({ cdcOrder: order, cdcOrderSeed: seed });
    const connection = await fixture.connect({ company: { seed, customers: 10, items: 5, invoices: 100, payments: 5 } });
    await fixture.waitForSnapshotMatch(connection);
    await fixture.waitFor(connection, (view) => view.phase === 'idle' && view.checkpoint !== null);

    // Deletions first, then (ten minutes later, beyond any overlap) more than a capped answer of new
    // invoices, spread over several seconds so that a cursor moved to the newest object received moves on.
    const deletions = await fixture.simulator.control.applyChanges(connection.realmId, { delete: { Invoice: 40 } });
    await fixture.simulator.control.advanceClock('PT10M');
    for (let batch = 0; batch < 4; batch++) {
      await fixture.simulator.control.applyChanges(connection.realmId, { create: { Invoice: 300 } });
      await fixture.simulator.control.advanceClock('PT1S');
    }

    await connection.handle.signal(syncNowSignal, { reason: 'test' });
    const comparison = await fixture.waitForSnapshotMatch(connection, 20_000);
    expect(comparison).toMatchObject({ lost: 0, mismatched: 0, duplicated: 0 });
    expect(deletions.changed).toHaveLength(40);
  }

  it("loses nothing under Intuit's order", async () => {
    await loseNothingUnder('intuit', 31);
  }, 90_000);

  it('loses nothing under an adversarial order', async () => {
    await loseNothingUnder('adversarial', 32);
  }, 90_000);
});
