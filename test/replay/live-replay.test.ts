/**
 * Replaying what really runs: a connection workflow on the test's Temporal server, exported with the
 * official CLI (`temporal workflow show --output json`) and fetched by `npm run replay --workflow-id`,
 * the whole continue-as-new chain included.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLAY_EXIT } from '../../replay/report.js';
import type { ReplayResult } from '../../replay/replay.js';
import { requireTemporalBinaries } from '../../local/temporal-binaries.js';
import type { SyncCheckpoint } from '../../shared/workflow-payloads.js';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.js';
import { npmRun, runCommand } from './support.js';

describe('npm run replay against a live workflow', () => {
  let fixture: SyncFixture;
  let dir: string;
  beforeAll(async () => {
    fixture = await startSyncFixture({ workflow: { pageSize: 5, continueAsNewAfterEvents: 30 } });
    dir = mkdtempSync(join(tmpdir(), 'live-replay-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await fixture?.close();
  });

  it('replays the CLI export and every run fetched from the server; an unknown workflow is unreadable input', async () => {
    const connection = await fixture.connect({ company: { seed: 61, customers: 4, items: 2, invoices: 12 } });
    await fixture.waitForSnapshotMatch(connection);
    await fixture.waitFor(connection, (view) => view.phase === 'idle' && (view.checkpoint as SyncCheckpoint).changedSince !== null);
    const workflowId = connection.handle.workflowId;
    const { client, address, namespace } = fixture.temporal;
    let runs = 0;
    await expect
      .poll(async () => {
        runs = 0;
        for await (const _execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs += 1;
        return runs;
      }, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(2);

    const exported = await runCommand(requireTemporalBinaries().cli, ['workflow', 'show', '--address', address, '--namespace', namespace, '--workflow-id', workflowId, '--output', 'json']);
    expect(exported.code, exported.stderr).toBe(0);
    const file = join(dir, 'exported.json');
    writeFileSync(file, exported.stdout);

    const result = await npmRun('replay', [file, '--workflow-id', workflowId, '--all-runs', '--workflow-id', 'quickbooks-connection-not-there', '--json'], {
      env: { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace },
    });
    // Nothing diverged, but one input could not be read: the "unreadable" status.
    expect(result.code, result.stdout + result.stderr).toBe(REPLAY_EXIT.unreadable);
    const report = JSON.parse(result.stdout) as { results: ReplayResult[]; unreadable: { label: string; message: string }[] };
    expect(report.results).toHaveLength(1 + runs);
    expect(report.results.every((entry) => entry.verdict === 'deterministic' && entry.workflowId === workflowId)).toBe(true);
    expect(report.results[0]!.label).toBe(file);
    expect(report.results.slice(1).map((entry) => entry.summary.lastEventType).slice(0, -1).every((type) => type === 'WorkflowExecutionContinuedAsNew')).toBe(true);
    expect(report.unreadable).toEqual([{ label: 'workflow quickbooks-connection-not-there', message: 'not found on the server' }]);
  });
});
