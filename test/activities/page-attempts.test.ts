/**
 * A page attempt whose result never reached the workflow (its worker was killed after the commit, or
 * Temporal was down when it completed) still stored records read at that moment. The retry reads the
 * page again, later. The pass's change window must start no later than the first read, or a record
 * deleted between the two attempts stays live here forever: queries never return deleted records, so
 * only CDC from before the deletion can tell.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPullEntityPage } from '../../activities/pull-entity-page.js';
import { newPass } from '../../shared/checkpoint.js';
import type { PullEntityPageInput, PullEntityPageResult } from '../../shared/workflow-payloads.js';
import { startSyncFixture, type ConnectedCompany, type SyncFixture } from '../support/sync-fixture.js';

describe('a page attempt whose result was lost', () => {
  let fixture: SyncFixture;
  beforeAll(async () => {
    fixture = await startSyncFixture();
  });
  afterAll(async () => fixture?.close());

  /** A synced connection whose workflow is gone: from here on only the test writes its checkpoint. */
  async function syncedConnectionWithoutWorkflow(): Promise<ConnectedCompany> {
    const connection = await fixture.connect({ company: { seed: 61, customers: 5, items: 3, invoices: 40 } });
    await fixture.waitForSnapshotMatch(connection);
    await fixture.waitFor(connection, (view) => view.phase === 'idle' && view.checkpoint !== null);
    await connection.handle.terminate('the test drives the page activity itself');
    return connection;
  }

  it("reports the first attempt's server time to the retry, so the pass's CDC starts before a deletion between them", async () => {
    const connection = await syncedConnectionWithoutWorkflow();
    const pullEntityPage = createPullEntityPage(fixture.deps);
    const input: PullEntityPageInput = {
      connectionId: connection.connectionId,
      entity: 'Invoice',
      checkpoint: { pass: newPass('resync', ['Invoice'], null), changedSince: new Date().toISOString() },
      pageSize: 10,
    };
    const attempt = () => new MockActivityEnvironment().run(pullEntityPage, input) as Promise<PullEntityPageResult>;

    const lost = await attempt();
    expect(lost.fetched).toBe(10);
    // Ten minutes on QuickBooks' clock, and a deletion, before the retry reads the same page.
    await fixture.simulator.control.advanceClock('PT10M');
    await fixture.simulator.control.applyChanges(connection.realmId, { delete: { Invoice: 5 } });
    const retry = await attempt();

    expect(Date.parse(retry.serverTime)).toBe(Date.parse(lost.serverTime));
    expect(retry.cursor.pages).toBe(1);
  });
});
