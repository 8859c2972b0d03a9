/**
 * A big entity is backfilled in time segments paged side by side (workflows/segment-lanes.ts): the
 * records equal the snapshot, and a workflow lost mid-pass resumes every segment from the mirrored
 * checkpoint (connections.checkpoint), not from the beginning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../db/queries/checkpoints.js';
import { listSyncRuns } from '../../db/queries/sync-runs.js';
import { entityCursors } from '../../shared/checkpoint.js';
import type { SyncCheckpoint } from '../../shared/workflow-payloads.js';
import { SPLIT } from '../../workflows/segment-lanes.js';
import { startSyncFixture, type ConnectedCompany, type SyncFixture } from '../support/sync-fixture.js';

const PAGE_SIZE = 20;
const INVOICES = 900;

describe('a backfill that splits a big entity into segments', () => {
  let fixture: SyncFixture;
  beforeAll(async () => {
    fixture = await startSyncFixture({ workflow: { pageSize: PAGE_SIZE } });
  });
  afterAll(async () => fixture?.close());

  const invoiceCursors = (checkpoint: SyncCheckpoint | null) => (checkpoint?.pass ? entityCursors(checkpoint.pass, 'Invoice') : []);
  const invoicePages = (checkpoint: SyncCheckpoint | null) => invoiceCursors(checkpoint).reduce((sum, cursor) => sum + cursor.pages, 0);

  it('stores exactly the snapshot, and resumes each segment from the mirror after the workflow is lost mid-pass', async () => {
    const connection: ConnectedCompany = await fixture.connect({ company: { seed: 31, customers: 30, items: 10, invoices: INVOICES, payments: 60 } });
    // Slow QuickBooks down so that the workflow is lost in the middle of the invoices.
    await fixture.simulator.control.setFaults({ rules: [{ kind: 'latency', rate: 1, latencyMs: 100 }] });
    const split = await fixture.waitFor(connection, (view) => {
      const cursors = invoiceCursors(view.checkpoint as SyncCheckpoint);
      // A quarter of the invoices stored, in at least three segments.
      return cursors.length >= 3 && cursors.filter((cursor) => cursor.pages > 0).length >= 3 && invoicePages(view.checkpoint as SyncCheckpoint) >= 12;
    });
    const cursors = invoiceCursors(split.checkpoint as SyncCheckpoint);
    // 45 pages of invoices: at least SPLIT.pagesPerSegment pages a segment, each bounded by the next one's start, the last open-ended.
    expect(cursors.length).toBeLessThanOrEqual(Math.min(SPLIT.maxSegments, Math.floor(INVOICES / PAGE_SIZE / SPLIT.pagesPerSegment)));
    expect(cursors.at(-1)!.before).toBeUndefined();
    expect(cursors.slice(0, -1).every((cursor) => cursor.before !== undefined)).toBe(true);

    // The worker loses the workflow (an operator terminates it); the mirror holds each segment's position.
    await connection.handle.terminate('test: lost mid-pass');
    const mirrored = (await loadCheckpoint(fixture.db.db, connection.connectionId)).checkpoint;
    expect(invoiceCursors(mirrored).length).toBe(cursors.length);
    const pagesMirrored = invoicePages(mirrored);
    expect(pagesMirrored).toBeGreaterThan(0);
    expect(invoiceCursors(mirrored).some((cursor) => cursor.done)).toBe(false);

    // The books change meanwhile; the merchant's next authorization starts the workflow afresh.
    await fixture.simulator.control.applyChanges(connection.realmId, { create: { Invoice: 7 }, update: { Invoice: 11, Customer: 2 }, delete: { Invoice: 3 } });
    await fixture.simulator.control.clearFaults();
    await fixture.reauthorize(connection);
    await fixture.waitFor(connection, (view) => view.status === 'active' && (view.checkpoint as SyncCheckpoint).pass === null && view.phase === 'idle', 60_000);
    expect(await fixture.waitForSnapshotMatch(connection)).toMatchObject({ lost: 0, duplicated: 0, mismatched: 0 });

    // The resumed pass read only what the mirror did not claim: far fewer invoices than all of them.
    const runs = await listSyncRuns(fixture.db.db, { connectionId: connection.connectionId, limit: 10 });
    const resumed = runs.find((run) => run.kind === 'backfill' && run.outcome === 'succeeded')!;
    const invoicesRead = (resumed.counts.Invoice?.upserted ?? 0) + (resumed.counts.Invoice?.deleted ?? 0) + (resumed.counts.Invoice?.skipped ?? 0);
    expect(invoicesRead).toBeLessThan(INVOICES - 150);
  });
});
