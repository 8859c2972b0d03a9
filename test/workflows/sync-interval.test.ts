/**
 * A changed SYNC_INTERVAL reaches connections that are already running, at their next cycle: the
 * workers hand it over with the incremental pull (activities/sync-settings.ts), behind the
 * `sync-interval-from-config` patch. Until a worker has one set, a connection keeps the interval it
 * was started with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncCheckpoint } from '../../shared/workflow-payloads.js';
import { syncNowSignal } from '../../workflows/messages.js';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

const idle = (view: { status: string; phase: string; checkpoint: unknown }) =>
  view.status === 'active' && view.phase === 'idle' && (view.checkpoint as SyncCheckpoint).pass === null && (view.checkpoint as SyncCheckpoint).changedSince !== null;

/** The durations (s) of the timers the workflow started, in order. */
const timerSeconds = (history: { events?: { timerStartedEventAttributes?: { startToFireTimeout?: { seconds?: unknown } | null } | null }[] | null }) =>
  (history.events ?? []).flatMap((event) => (event.timerStartedEventAttributes ? [Number(event.timerStartedEventAttributes.startToFireTimeout?.seconds)] : []));

describe('a changed sync interval', () => {
  let fixture: SyncFixture;
  beforeAll(async () => {
    fixture = await startSyncFixture({ workflow: { pageSize: 5 } });
  });
  afterAll(async () => fixture?.close());

  it('reaches a running connection at its next cycle, without restarting it', async () => {
    // Started with an hour between cycles, as SYNC_INTERVAL said then.
    const connection = await fixture.connect({ company: { seed: 16, customers: 3, items: 2, invoices: 6 }, workflow: { syncIntervalMs: 60 * 60_000 } });
    await fixture.waitForSnapshotMatch(connection, 45_000);
    const settled = await fixture.waitFor(connection, idle);

    // The workers now run with SYNC_INTERVAL=1s. The connection's current wait is the old hour: its next
    // cycle (here brought forward by syncNow) picks the new interval up…
    fixture.deps.syncIntervalMs = 1_000;
    await connection.handle.signal(syncNowSignal, { reason: 'start the next cycle' });
    const picked = await fixture.waitFor(connection, (view) => idle(view) && view.lastSyncedAt !== settled.lastSyncedAt);

    // …and from then on it cycles every second by itself, with no signal.
    await fixture.simulator.control.applyChanges(connection.realmId, { create: { Invoice: 2 } });
    const after = await fixture.waitFor(connection, (view) => idle(view) && view.lastSyncedAt !== picked.lastSyncedAt, 20_000);
    expect(after.lastSyncedAt).not.toBe(picked.lastSyncedAt);
    await fixture.waitForSnapshotMatch(connection, 20_000);
    // The waits since are the new interval's: their timers say so.
    expect(timerSeconds(await connection.handle.fetchHistory()).slice(-2)).toEqual([1, 1]);
  });

  it('leaves a connection on its own interval while no worker has one set', async () => {
    fixture.deps.syncIntervalMs = undefined;
    const connection = await fixture.connect({ company: { seed: 17, customers: 2, items: 1, invoices: 3 }, workflow: { syncIntervalMs: 60 * 60_000 } });
    await fixture.waitForSnapshotMatch(connection, 45_000);
    const settled = await fixture.waitFor(connection, idle);
    await connection.handle.signal(syncNowSignal, { reason: 'one cycle' });
    const cycled = await fixture.waitFor(connection, (view) => idle(view) && view.lastSyncedAt !== settled.lastSyncedAt);
    // The wait that follows is the input's hour: its timer says so.
    await fixture.waitFor(connection, idle);
    expect(timerSeconds(await connection.handle.fetchHistory()).at(-1)).toBe(3_600);
    expect(cycled.status).toBe('active');
  });
});
