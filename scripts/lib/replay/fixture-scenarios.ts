/**
 * The scenarios behind test/fixtures/histories: each drives one connection through a real episode on
 * the recording stack and returns its histories. Companies and pages are small so the files stay small;
 * what matters is that every path of the workflow that a running workflow can be parked in or pass
 * through appears in some fixture.
 */
import { listSyncRuns } from '../../../db/queries/sync-runs.js';
import { disconnectSignal, resyncSignal, syncNowSignal } from '../../../workflows/messages.js';
import type { SyncCheckpoint } from '../../../shared/workflow-payloads.js';
import { compareWithSnapshot } from '../verify-records.js';
import type { History } from './history-json.js';
import type { RecordedConnection, RecordingStack } from './recording-stack.js';

export interface RecordedFixture {
  /** File name in test/fixtures/histories. */
  file: string;
  scenario: string;
  history: History;
}

export interface FixtureScenario {
  name: string;
  record(stack: RecordingStack): Promise<RecordedFixture[]>;
}

const idleWithCheckpoint = (view: { phase: string; checkpoint: unknown; status: string }) =>
  view.status === 'active' && view.phase === 'idle' && (view.checkpoint as SyncCheckpoint).pass === null && (view.checkpoint as SyncCheckpoint).changedSince !== null;

async function snapshotMatches(stack: RecordingStack, connection: RecordedConnection): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const comparison = await compareWithSnapshot(stack.database.db, connection.connectionId, await stack.simulator.control.snapshot(connection.realmId));
    if (comparison.lost + comparison.mismatched + comparison.duplicated === 0 && comparison.live > 0) return;
    if (Date.now() > deadline) throw new Error(`records of ${connection.connectionId} never matched the simulator: ${JSON.stringify(comparison)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function runsOf(stack: RecordingStack, connection: RecordedConnection) {
  return listSyncRuns(stack.database.db, { connectionId: connection.connectionId, limit: 50 });
}

export const FIXTURE_SCENARIOS: FixtureScenario[] = [
  {
    name: 'backfill',
    async record(stack) {
      const connection = await stack.connect({ seed: 101, customers: 6, items: 4, invoices: 12, salesReceipts: 3, creditMemos: 2, refundReceipts: 1, payments: 4 }, { pageSize: 5 });
      await stack.waitFor(connection, 'the backfill', idleWithCheckpoint);
      await snapshotMatches(stack, connection);
      // One idle cycle: the incremental CDC pull (a local activity) after a few changes.
      await stack.simulator.control.applyChanges(connection.realmId, { create: { Invoice: 1 }, update: { Customer: 1 }, delete: { Payment: 1 } });
      const before = (await stack.status(connection)).lastSyncedAt;
      await connection.handle.signal(syncNowSignal, { reason: 'fixture' });
      await stack.waitFor(connection, 'the incremental pull', (view) => idleWithCheckpoint(view) && view.lastSyncedAt !== before);
      await snapshotMatches(stack, connection);
      await connection.handle.signal(disconnectSignal, {});
      await connection.handle.result();
      return [{ file: 'backfill.json', scenario: 'connect, backfill 7 entities in pages of 5, one incremental CDC pull on syncNow, disconnect (completed)', history: await stack.settledHistory(connection.handle.workflowId) }];
    },
  },
  {
    name: 'revocation',
    async record(stack) {
      const connection = await stack.connect({ seed: 102, customers: 4, items: 2, invoices: 20 }, { pageSize: 5 });
      // Slow QuickBooks down so that the disconnect lands in the middle of the invoice backfill.
      await stack.setFaults(connection.realmId, [{ kind: 'latency', rate: 1, latencyMs: 200 }]);
      await stack.waitFor(connection, 'invoice pages', (view) => ((view.checkpoint as SyncCheckpoint).pass?.entities.Invoice?.pages ?? 0) >= 2, 30_000);
      await stack.simulator.control.disconnect(connection.realmId);
      await stack.waitFor(connection, 'the park', (view) => view.status === 'needs_reauthorization');
      await stack.setFaults(connection.realmId, []);
      await stack.reauthorize(connection);
      await stack.waitFor(connection, 'the resumed backfill', idleWithCheckpoint);
      await snapshotMatches(stack, connection);
      return [
        {
          file: 'revocation-park-resume-v3.json',
          scenario:
            'Intuit disconnect mid-backfill, recorded after the `park-from-the-loop` patch: the pass winds down and closes its run, then the loop parks in needs_reauthorization at the checkpoint; re-authorize (tokensIssued), resume the pass, catch up',
          history: await stack.settledHistory(connection.handle.workflowId),
        },
      ];
    },
  },
  {
    name: 'continue-as-new',
    async record(stack) {
      const connection = await stack.connect({ seed: 103, customers: 5, items: 3, invoices: 20 }, { pageSize: 5, continueAsNewAfterEvents: 40 });
      await stack.waitFor(connection, 'the backfill across runs', idleWithCheckpoint);
      await snapshotMatches(stack, connection);
      const runs: { runId: string; startTime: Date }[] = [];
      for await (const execution of stack.client.workflow.list({ query: `WorkflowId = '${connection.handle.workflowId}'` })) runs.push({ runId: execution.runId, startTime: execution.startTime });
      runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
      if (runs.length < 2) throw new Error(`expected the backfill to continue as new at least once, saw ${runs.length} run(s)`);
      const fixtures: RecordedFixture[] = [];
      for (const [index, run] of runs.entries()) {
        fixtures.push({
          file: `continue-as-new-run-${index + 1}.json`,
          scenario:
            index < runs.length - 1
              ? `run ${index + 1} of a backfill that continues as new every 40 events (ends with ContinuedAsNew, carrying the pass)`
              : `run ${index + 1}: the carried pass completes, then an incremental pull; idle`,
          history: await stack.settledHistory(connection.handle.workflowId, run.runId),
        });
      }
      return fixtures;
    },
  },
  {
    name: 'resync',
    async record(stack) {
      const connection = await stack.connect({ seed: 104, customers: 5, items: 3, invoices: 10, payments: 3 }, { pageSize: 5 });
      await stack.waitFor(connection, 'the backfill', idleWithCheckpoint);
      const since = new Date(Date.now() - 1000).toISOString().replace(/\.\d{3}Z$/, '.000Z');
      await stack.simulator.control.applyChanges(connection.realmId, { update: { Invoice: 2, Customer: 1 } });
      await connection.handle.signal(resyncSignal, { since, entities: ['Invoice', 'Customer'] });
      const deadline = Date.now() + 60_000;
      while (!(await runsOf(stack, connection)).some((run) => run.kind === 'resync' && run.outcome === 'succeeded')) {
        if (Date.now() > deadline) throw new Error('the resync never completed');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await stack.waitFor(connection, 'idle after the resync', idleWithCheckpoint);
      return [
        {
          file: 'resync.json',
          scenario: 'backfill, then `resync { since, entities: [Invoice, Customer] }`: a query pass over the window, deletions reconciled, then CDC',
          history: await stack.settledHistory(connection.handle.workflowId),
        },
      ];
    },
  },
  {
    name: 'failed-sync',
    async record(stack) {
      const connection = await stack.connect({ seed: 105, customers: 3, items: 2, invoices: 5 }, { pageSize: 5 });
      await stack.waitFor(connection, 'the backfill', idleWithCheckpoint);
      // QuickBooks answers 500 to everything: the incremental pull exhausts its retries and the cycle fails.
      await stack.setFaults(connection.realmId, [{ kind: '500', rate: 1 }]);
      await connection.handle.signal(syncNowSignal, { reason: 'fixture' });
      await stack.waitFor(connection, 'the failed cycle', (view) => view.lastError !== null && view.phase === 'idle', 120_000);
      await stack.setFaults(connection.realmId, []);
      await connection.handle.signal(syncNowSignal, { reason: 'fixture' });
      await stack.waitFor(connection, 'the recovery', (view) => view.lastError === null && idleWithCheckpoint(view), 60_000);
      return [
        {
          file: 'failed-sync.json',
          scenario: 'backfill, then an incremental pull that fails (HTTP 500 through every retry: lastError, backoff), then a syncNow that succeeds',
          history: await stack.settledHistory(connection.handle.workflowId),
        },
      ];
    },
  },
];
