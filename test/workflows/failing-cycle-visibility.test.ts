/**
 * A failing cycle is visible while it fails. QuickBooks answers HTTP 500 to everything: while the
 * incremental pull retries, the workflow keeps answering its `status` query (each query gets a
 * generous deadline; we count the answers, we do not time them), its current details — as the
 * Temporal CLI reads them — name the failure and the attempt, the status query's lastError is the
 * latest failure, and every failed attempt is a failed activity in the history (what the Web UI shows
 * and counts). Once QuickBooks recovers, a sync succeeds again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTemporalBinaries } from '../../local/temporal-binaries.js';
import type { ConnectionStatusView, SyncCheckpoint } from '../../shared/workflow-payloads.js';
import { statusQuery, syncNowSignal } from '../../workflows/messages.js';
import { runCommand } from '../replay/support.js';
import { startSyncFixture, type ConnectedCompany, type SyncFixture } from '../support/sync-fixture.js';

/** Far more than a query takes on a loaded machine; far less than a workflow task held by retrying local activities. */
const QUERY_DEADLINE_MS = 4_000;

interface WorkflowMetadata {
  currentDetails?: string;
  definition: { queryDefinitions: { name: string; description?: string }[] };
}

describe('a cycle failing with HTTP 500s', () => {
  let fixture: SyncFixture;
  let connection: ConnectedCompany;

  beforeAll(async () => {
    fixture = await startSyncFixture({ workflow: { pageSize: 10 } });
    connection = await fixture.connect({ company: { seed: 161, customers: 3, items: 2, invoices: 6, salesReceipts: 1, creditMemos: 0, refundReceipts: 0, payments: 1 } });
  });
  afterAll(async () => fixture?.close());

  /** `temporal workflow metadata --output json`: the current details and the handlers, as an operator reads them. */
  async function workflowMetadata(): Promise<WorkflowMetadata> {
    const cli = requireTemporalBinaries().cli;
    const result = await runCommand(cli, ['workflow', 'metadata', '--workflow-id', connection.workflowId, '--address', fixture.temporal.address, '--namespace', fixture.temporal.namespace, '--output', 'json']);
    if (result.code !== 0) throw new Error(`temporal workflow metadata failed: ${result.stderr}`);
    return (JSON.parse(result.stdout) as { queryResult: WorkflowMetadata[] }).queryResult[0]!;
  }

  it('answers queries, names the failure and the attempt, and records each failed attempt', { timeout: 150_000 }, async () => {
    await fixture.waitFor(connection, (view) => view.phase === 'idle' && (view.checkpoint as SyncCheckpoint).pass === null && (view.checkpoint as SyncCheckpoint).changedSince !== null, 60_000);
    await fixture.simulator.control.setFaults({ rules: [{ kind: '500', rate: 1, realmId: connection.realmId }] });
    const stormStartedAt = Date.now();
    await connection.handle.signal(syncNowSignal, { reason: 'test' });

    let asked = 0;
    let answered = 0;
    const details = new Set<string>();
    const lastErrors: ConnectionStatusView['lastError'][] = [];
    let failedCycle: ConnectionStatusView | undefined;
    const handle = fixture.temporal.client.workflow.getHandle(connection.workflowId);
    while (!failedCycle && Date.now() - stormStartedAt < 100_000) {
      asked++;
      try {
        const view = await fixture.temporal.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(statusQuery));
        answered++;
        lastErrors.push(view.lastError);
        // The cycle has failed for good once the loop is back to idle with the error recorded.
        if (view.phase === 'idle' && view.lastError && asked > 1) failedCycle = view;
      } catch {
        // no answer within the deadline: counted by `answered` staying behind `asked`
      }
      if (asked % 4 === 0) details.add((await workflowMetadata()).currentDetails ?? '');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await fixture.simulator.control.clearFaults();

    expect(failedCycle, 'the cycle ended in failure').toBeDefined();
    expect(asked).toBeGreaterThanOrEqual(10);
    expect(answered, `${answered} of ${asked} status queries answered within ${QUERY_DEADLINE_MS} ms`).toBe(asked);
    const retrying = [...details].filter((text) => /QuickBooks answered HTTP 500 — retrying the pull of changes since .+Z, attempt \d of 5, next in \d+ s\./.test(text));
    expect(retrying.length, [...details].join('\n')).toBeGreaterThan(0);
    expect(lastErrors.some((error) => error?.type === 'TransientQuickBooksError')).toBe(true);

    // Each retry is a failed activity in the history: what the Web UI draws in red and counts.
    const history = await handle.fetchHistory();
    const failed = (history.events ?? []).filter((event) => event.activityTaskFailedEventAttributes);
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(failed.every((event) => event.activityTaskFailedEventAttributes!.failure?.cause?.message?.includes('500') ?? true)).toBe(true);

    // The status query says what it answers (`temporal workflow metadata`, the Web UI's Queries tab).
    const status = (await workflowMetadata()).definition.queryDefinitions.find((query) => query.name === 'status');
    expect(status?.description).toMatch(/status, phase, checkpoint/);

    // QuickBooks recovers: the next sync succeeds and clears the error.
    await connection.handle.signal(syncNowSignal, { reason: 'test' });
    await fixture.waitFor(connection, (view) => view.lastError === null && view.phase === 'idle', 60_000);
  });
});
