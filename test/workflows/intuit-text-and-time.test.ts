/**
 * The product under the text and times Intuit really writes: amounts with two decimals
 * (`"TotalAmt":337.50`), which only an exact-decimal parser keeps, and a response `time` with
 * milliseconds next to LastUpdatedTimes in whole seconds, so that a change made later in the second of
 * an answer carries a LastUpdatedTime earlier than that answer's `time`.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSyncRuns } from '../../db/queries/sync-runs.js';
import { quickbooksRecords } from '../../db/schema/index.js';
import type { QuickBooksEntity } from '../../shared/contract.js';
import { syncNowSignal } from '../../workflows/messages.js';
import { startSyncFixture, type ConnectedCompany, type SyncFixture } from '../support/sync-fixture.js';

describe("a connection reading Intuit's JSON text and times", () => {
  let fixture: SyncFixture;
  beforeAll(async () => {
    fixture = await startSyncFixture();
  });
  afterAll(async () => fixture?.close());

  async function storedRaw(connection: ConnectedCompany, entity: QuickBooksEntity): Promise<{ qboId: string; raw: string; totalAmount: string | null }[]> {
    return fixture.db.db
      .select({ qboId: quickbooksRecords.qboId, raw: sql<string>`${quickbooksRecords.raw}::text`, totalAmount: quickbooksRecords.totalAmount })
      .from(quickbooksRecords)
      .where(and(eq(quickbooksRecords.connectionId, connection.connectionId), eq(quickbooksRecords.entity, entity)));
  }

  it('stores raw JSON that keeps amounts as Intuit wrote them (300.00 stays 300.00)', async () => {
    const connection = await fixture.connect({ company: { seed: 51, customers: 10, items: 6, invoices: 80, payments: 10 } });
    await fixture.waitForSnapshotMatch(connection);
    const invoices = await storedRaw(connection, 'Invoice');
    const totals = invoices.map(({ raw }) => /"TotalAmt": (-?[0-9.]+)/.exec(raw)?.[1]);
    expect(totals.every((total) => total !== undefined && /^(0|-?\d+\.\d\d)$/.test(total))).toBe(true);
    // Trailing zeros that a float parser (or JSON.stringify) would drop: 337.50, 300.00.
    expect(totals.filter((total) => /\.\d0$/.test(total ?? '')).length).toBeGreaterThan(0);
    const lineAmounts = invoices.flatMap(({ raw }) => [...raw.matchAll(/"Amount": (-?[0-9.]+)/g)].map((match) => match[1]!));
    expect(lineAmounts.filter((amount) => amount.endsWith('.00')).length).toBeGreaterThan(0);
    for (const { raw, totalAmount } of invoices) {
      const total = /"TotalAmt": (-?[0-9.]+)/.exec(raw)![1]!;
      expect(Number(totalAmount)).toBe(Number(total));
    }
  });

  it('does not skip a change made later in the second of the CDC answer it missed', async () => {
    const connection = await fixture.connect({ company: { seed: 52, customers: 6, items: 4, invoices: 15 } });
    await fixture.waitForSnapshotMatch(connection);
    await fixture.waitFor(connection, (view) => view.phase === 'idle' && view.checkpoint !== null);
    const finishedRuns = async () => (await listSyncRuns(fixture.db.db, { connectionId: connection.connectionId, limit: 50 })).filter((run) => run.finishedAt !== null).length;

    // An incremental cycle: its CDC answer is the company's last answer.
    const before = await finishedRuns();
    await connection.handle.signal(syncNowSignal, { reason: 'test' });
    await expect.poll(finishedRuns, { timeout: 15_000, interval: 100 }).toBe(before + 1);

    // Changes committed later in that answer's second: LastUpdatedTime earlier than the answer's `time`.
    await fixture.simulator.control.applyChanges(connection.realmId, { create: { Invoice: 1 }, update: { Customer: 1, Invoice: 1 }, inSecondOfLastAnswer: true });
    await connection.handle.signal(syncNowSignal, { reason: 'test' });
    await fixture.waitForSnapshotMatch(connection, 15_000);
  });
});
