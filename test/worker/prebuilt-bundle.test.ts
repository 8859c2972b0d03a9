/**
 * `npm run build:workflows` then `npm run worker` with WORKFLOW_BUNDLE_PATH: the worker loads the
 * bundle built ahead of time (no webpack at start) and syncs a company with it; a bundle built from
 * other sources, or none at all, stops the worker before it polls, saying what to run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagedProcess } from '../../harness/node-process.js';
import { buildWorkflowBundle } from '../../worker/workflow-bundle.js';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

const ignore = () => {};
const quiet = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };

describe('a worker on a workflow bundle built ahead of time', () => {
  let fixture: SyncFixture;
  let dir: string;
  let bundlePath: string;
  const workers: ManagedProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qbo-bundle-'));
    bundlePath = join(dir, 'workflow-bundle.js');
    [fixture] = await Promise.all([startSyncFixture({ inProcessWorker: false, workflow: { pageSize: 5 } }), buildWorkflowBundle(bundlePath, quiet)]);
  }, 120_000);
  afterAll(async () => {
    for (const worker of workers) await worker.stop('SIGTERM');
    await fixture?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads it instead of bundling, and syncs with it', async () => {
    const worker = fixture.stack.spawnWorker({ label: 'prebuilt-worker', env: { LOG_LEVEL: 'info', WORKFLOW_BUNDLE_PATH: bundlePath } });
    workers.push(worker);
    const connection = await fixture.connect({ company: { seed: 15, customers: 4, items: 2, invoices: 9, payments: 2 } });
    await fixture.waitForSnapshotMatch(connection, 60_000);
    expect(worker.output()).toContain('workflow bundle loaded (built ahead of time)');
    expect(worker.output()).not.toContain('bundling the workflow code now');
    expect(worker.output()).not.toContain('Workflow bundle created');
  });

  it('refuses a bundle built from other workflow code, and a missing one, before polling', async () => {
    const stale = join(dir, 'stale.js');
    writeFileSync(stale, '// an old bundle');
    writeFileSync(`${stale}.json`, JSON.stringify({ key: 'built-from-older-sources' }));
    for (const [label, path] of [['stale-bundle-worker', stale], ['missing-bundle-worker', join(dir, 'missing.js')]] as const) {
      const worker = fixture.stack.spawnWorker({ label, env: { LOG_LEVEL: 'warn', WORKFLOW_BUNDLE_PATH: path } });
      workers.push(worker);
      expect(await worker.exited).not.toBe('0');
      expect(worker.output()).toContain('npm run build:workflows');
      expect(worker.output()).not.toContain('worker running');
    }
  });
});
