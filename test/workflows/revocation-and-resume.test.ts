import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSyncRuns } from '../../db/queries/sync-runs.js';
import { notifications } from '../../db/schema/index.js';
import { connectionStatusKey, needsReauthorizationSinceKey, realmIdKey } from '../../shared/search-attributes.js';
import { syncNowSignal } from '../../workflows/messages.js';
import { entityCursors } from '../../shared/checkpoint.js';
import type { SyncCheckpoint } from '../../shared/workflow-payloads.js';
import { connectionRow, startSyncFixture, type ConnectedCompany, type SyncFixture } from '../support/sync-fixture.js';

const PAGE_SIZE = 25;
const INVOICES = 800;

describe('when QuickBooks revokes the authorization', () => {
  let fixture: SyncFixture;
  beforeAll(async () => {
    fixture = await startSyncFixture({ workflow: { pageSize: PAGE_SIZE } });
  });
  afterAll(async () => fixture?.close());

  // A big entity is paged in time segments side by side (workflows/segment-lanes.ts): count them all.
  const invoiceCursors = (checkpoint: SyncCheckpoint) => (checkpoint.pass ? entityCursors(checkpoint.pass, 'Invoice') : []);
  /** Invoice pages stored whole: every page of a segment but the short one that ended it. */
  const fullInvoicePages = (checkpoint: SyncCheckpoint) => invoiceCursors(checkpoint).reduce((sum, cursor) => sum + (cursor.done ? cursor.pages - 1 : cursor.pages), 0);

  async function invoicePages(connection: ConnectedCompany): Promise<number> {
    return fullInvoicePages((await fixture.status(connection)).checkpoint as SyncCheckpoint);
  }

  async function needsReauthorizationNotices(connection: ConnectedCompany) {
    return fixture.db.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.connectionId, connection.connectionId), eq(notifications.kind, 'needs_reauthorization')));
  }

  it('parks mid-backfill at its checkpoint, costs nothing while parked, and resumes there after re-authorization', async () => {
    const connection = await fixture.connect({ company: { seed: 21, customers: 20, items: 10, invoices: INVOICES, salesReceipts: 20, payments: 20 } });
    // Slow QuickBooks down so the disconnect lands in the middle of the invoice backfill.
    await fixture.simulator.control.setFaults({ rules: [{ kind: 'latency', rate: 1, latencyMs: 150 }] });
    await expect.poll(() => invoicePages(connection), { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(3);

    await fixture.simulator.control.disconnect(connection.realmId);
    const parked = await fixture.waitFor(connection, (view) => view.status === 'needs_reauthorization');
    await fixture.simulator.control.clearFaults();
    expect(parked.phase).toBe('waiting_for_reauthorization');
    expect(parked.waitingSince).not.toBeNull();
    expect(parked.lastError?.type).toMatch(/GrantInvalidError|AccessTokenRejectedError/);
    const pagesBeforePark = fullInvoicePages(parked.checkpoint as SyncCheckpoint);
    expect(pagesBeforePark).toBeGreaterThanOrEqual(3);
    expect(invoiceCursors(parked.checkpoint as SyncCheckpoint).some((cursor) => !cursor.done)).toBe(true);

    // Everywhere: the database, the search attributes an operator filters on, one notice.
    await expect.poll(async () => (await connectionRow(fixture, connection))?.status, { timeout: 10_000 }).toBe('needs_reauthorization');
    expect(await connectionRow(fixture, connection)).toMatchObject({ phase: 'waiting_for_reauthorization' });
    await expect.poll(async () => (await connection.handle.describe()).typedSearchAttributes.get(connectionStatusKey), { timeout: 10_000 }).toBe('needs_reauthorization');
    const attributes = (await connection.handle.describe()).typedSearchAttributes;
    expect(attributes.get(needsReauthorizationSinceKey)?.toISOString()).toBe(parked.waitingSince);
    expect(attributes.get(realmIdKey)).toBe(connection.realmId);
    // The status query says parked as soon as the workflow decides it; the notice's row follows in an activity.
    await expect.poll(async () => (await needsReauthorizationNotices(connection)).length, { timeout: 20_000 }).toBe(1);

    // Parked: the merchant's books keep changing, and nobody asks QuickBooks anything.
    const quietFrom = new Date().toISOString();
    await fixture.simulator.control.applyChanges(connection.realmId, { create: { Invoice: 5 }, update: { Customer: 2, Invoice: 3 }, delete: { Invoice: 2 }, void: { SalesReceipt: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const historyWhileParked = (await connection.handle.fetchHistory()).events?.length ?? 0;
    const calls = await fixture.simulator.control.requests({ realmId: connection.realmId, since: quietFrom });
    expect(calls.data).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await connection.handle.fetchHistory()).events?.length).toBe(historyWhileParked);

    const reauthorizedFrom = new Date().toISOString();
    await fixture.reauthorize(connection);
    await fixture.waitFor(connection, (view) => view.status === 'active');
    const comparison = await fixture.waitForSnapshotMatch(connection);
    expect(comparison).toMatchObject({ lost: 0, duplicated: 0, mismatched: 0 });

    // It went on from its checkpoint: the resumed pass fetched the rest of the invoices, not all of them again.
    const runs = await listSyncRuns(fixture.db.db, { connectionId: connection.connectionId, limit: 10 });
    const interrupted = runs.find((run) => run.outcome === 'needs_reauthorization')!;
    const resumed = runs.find((run) => run.kind === 'backfill' && run.outcome === 'succeeded')!;
    const fetched = (run: typeof resumed, entity: 'Invoice') => (run.counts[entity]?.upserted ?? 0) + (run.counts[entity]?.deleted ?? 0) + (run.counts[entity]?.skipped ?? 0);
    expect(fetched(interrupted, 'Invoice')).toBeGreaterThanOrEqual(pagesBeforePark * PAGE_SIZE - PAGE_SIZE);
    // Re-read records at each page's watermark second come back as skipped; what was new to it is the rest.
    expect(fetched(resumed, 'Invoice') - (resumed.counts.Invoice?.skipped ?? 0)).toBeLessThan(INVOICES - (pagesBeforePark - 1) * PAGE_SIZE + 20);
    const invoiceQueries = (await fixture.simulator.control.requests({ realmId: connection.realmId, since: reauthorizedFrom })).data.filter((call) =>
      decodeURIComponent(call.query ?? '').includes('FROM Invoice'),
    );
    expect(invoiceQueries.length).toBeGreaterThan(0);
    expect(invoiceQueries.some((call) => decodeURIComponent(call.query ?? '').includes("'1970-01-01"))).toBe(false);

    const [notice] = await needsReauthorizationNotices(connection);
    expect(notice!.resolvedAt).not.toBeNull();
    expect(await connectionRow(fixture, connection)).toMatchObject({ status: 'active', needsReauthorizationSince: null });
    await expect.poll(async () => (await connection.handle.describe()).typedSearchAttributes.get(connectionStatusKey), { timeout: 10_000 }).toBe('active');
  });

  it('refuses tokens for another QuickBooks company and stays parked', async () => {
    const connection = await fixture.connect({ company: { seed: 22, customers: 5, items: 5, invoices: 10 } });
    await fixture.waitForSnapshotMatch(connection);
    await fixture.simulator.control.disconnect(connection.realmId);
    await connection.handle.signal(syncNowSignal, { reason: 'test' });
    await fixture.waitFor(connection, (view) => view.status === 'needs_reauthorization');

    const otherCompany = await fixture.createCompany({ seed: 23 });
    await fixture.reauthorize(connection, { realmId: otherCompany });
    // Signals are handled in order: a query answered after the refused tokens sees their outcome.
    const view = await fixture.status(connection);
    expect(view).toMatchObject({ status: 'needs_reauthorization', realmId: connection.realmId });
    await expect.poll(async () => (await connectionRow(fixture, connection))?.status, { timeout: 10_000 }).toBe('needs_reauthorization');
    expect(await connectionRow(fixture, connection)).toMatchObject({ realmId: connection.realmId });

    await fixture.reauthorize(connection);
    await fixture.waitFor(connection, (status) => status.status === 'active');
    await fixture.waitForSnapshotMatch(connection);
  });

  it('catches up with queries after a wait longer than the CDC window, deletions included', async () => {
    const connection = await fixture.connect({ company: { seed: 24, customers: 10, items: 5, invoices: 60, salesReceipts: 10, payments: 10 } });
    await fixture.waitForSnapshotMatch(connection);
    await fixture.waitFor(connection, (view) => view.phase === 'idle' && (view.checkpoint as SyncCheckpoint).changedSince !== null);
    await fixture.simulator.control.disconnect(connection.realmId);
    await connection.handle.signal(syncNowSignal, { reason: 'test' });
    await fixture.waitFor(connection, (view) => view.status === 'needs_reauthorization');

    await fixture.simulator.control.applyChanges(connection.realmId, { create: { Invoice: 4 }, delete: { Invoice: 3 } });
    await fixture.simulator.control.advanceClock('P40D');
    await fixture.simulator.control.applyChanges(connection.realmId, { create: { Payment: 2 }, update: { Invoice: 3, Customer: 1 }, delete: { SalesReceipt: 1 }, void: { Invoice: 1 } });

    const resumedAt = new Date().toISOString();
    await fixture.reauthorize(connection);
    await fixture.waitForSnapshotMatch(connection);
    const calls = (await fixture.simulator.control.requests({ realmId: connection.realmId, since: resumedAt })).data;
    expect(calls.some((call) => call.path.endsWith('/query'))).toBe(true);
    // The records are right before the audit row is closed: wait for it.
    const catchUpRun = async () => (await listSyncRuns(fixture.db.db, { connectionId: connection.connectionId, limit: 10 })).find((run) => run.kind === 'catch_up');
    await expect.poll(async () => (await catchUpRun())?.outcome, { timeout: 10_000 }).toBe('succeeded');
    expect((await catchUpRun())!.counts.Invoice?.deleted).toBe(3);
  });

  it('when its workflow was terminated, starts again at the next re-authorization from the checkpoint mirrored in the database', async () => {
    const connection = await fixture.connect({ company: { seed: 25, customers: 10, items: 5, invoices: 300 } });
    await fixture.simulator.control.setFaults({ rules: [{ kind: 'latency', rate: 1, latencyMs: 150 }] });
    await expect.poll(() => invoicePages(connection), { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(3);
    await connection.handle.terminate('an operator terminated the workflow');
    await fixture.simulator.control.clearFaults();
    const mirrored = (await connectionRow(fixture, connection))!.checkpoint!;
    const storedPages = fullInvoicePages(mirrored);
    expect(storedPages).toBeGreaterThanOrEqual(3);

    const since = new Date().toISOString();
    await fixture.reauthorize(connection);
    await fixture.waitForSnapshotMatch(connection);
    // The new run went on from the mirrored cursor: it never asked for invoices from the beginning again.
    const invoiceQueries = (await fixture.simulator.control.requests({ realmId: connection.realmId, since })).data.filter((call) =>
      decodeURIComponent(call.query ?? '').includes('FROM Invoice'),
    );
    expect(invoiceQueries.length).toBeGreaterThan(0);
    expect(invoiceQueries.some((call) => decodeURIComponent(call.query ?? '').includes("'1970-01-01"))).toBe(false);
  });

  it('parks when QuickBooks answers 403 to a connection that used to work, instead of retrying it every cycle', async () => {
    const connection = await fixture.connect({ company: { seed: 26, customers: 4, items: 2, invoices: 6 } });
    await fixture.waitForSnapshotMatch(connection);
    await fixture.waitFor(connection, (view) => view.phase === 'idle' && view.checkpoint.pass === null);

    // The user who authorized the app lost access to the company: every Accounting API call answers 403 (3100).
    await fixture.simulator.control.setFaults({ rules: [{ kind: '403', rate: 1, target: 'api' }] });
    await connection.handle.signal(syncNowSignal, { reason: 'test' });
    const parked = await fixture.waitFor(connection, (view) => view.status === 'needs_reauthorization');
    expect(parked.lastError).toMatchObject({ type: 'AccessForbiddenError' });
    // The status query says parked as soon as the workflow decides it; the notice's row follows in an activity.
    await expect.poll(async () => (await needsReauthorizationNotices(connection)).length, { timeout: 20_000 }).toBe(1);
    expect((await connectionRow(fixture, connection))!.statusReason).toMatch(/refused access to this company/);

    await fixture.simulator.control.clearFaults();
    await fixture.reauthorize(connection);
    await fixture.waitFor(connection, (view) => view.status === 'active' && view.lastError === null);
    await expect.poll(async () => (await needsReauthorizationNotices(connection))[0]!.resolvedAt, { timeout: 20_000 }).not.toBeNull();
  });
});
