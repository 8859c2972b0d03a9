/**
 * An operator on the stack a newcomer runs (`node --import tsx cli/start.ts`, nothing configured):
 * every operator command works with what the banner prints, or with nothing at all. `npm run ops` and
 * `npm run replay` find the running stack by themselves (its data folder's stack.json); with the
 * banner's DATABASE_URL and Temporal address they work too, and so do psql and the Temporal CLI —
 * whose `describe` says what the connection's workflow is (its static summary and details). The first
 * `npm run ops` is a real process; the others run what it runs (`runOps`) in this one.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionListItem } from '../../connections/operator-views.js';
import { requireTemporalBinaries } from '../../local/temporal-binaries.js';
import { workflowIdForConnection } from '../../shared/contract.js';
import { completeConsent, createSimulatorControl } from '../../simulator/index.js';
import { npmRun, runCommand } from '../replay/support.js';
import { runOps } from '../support/ops-in-process.js';
import { bannerValue, launchStart, startEnv, type StartedProduct } from './support/start-process.js';

const run = promisify(execFile);

describe('operator commands against the stack npm start runs', () => {
  let dataDir: string;
  let emptyDataDir: string;
  let product: StartedProduct | undefined;
  let connectionId: string;
  let realmId: string;
  let companyName: string;
  let recordCount: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'qbo-ops-start-'));
    emptyDataDir = mkdtempSync(join(tmpdir(), 'qbo-ops-none-'));
    product = await launchStart(await startEnv({ dataDir }));
    const base = product.urls.dashboard.replace(/\/$/, '');
    const call = async <T>(path: string, init: RequestInit = {}) =>
      (await (await fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${product!.apiKey}`, 'content-type': 'application/json' } })).json()) as T;

    // The merchant connects the demo company, as in the README's tour; the first sync completes.
    const simulator = createSimulatorControl(product.urls.simulator!);
    const [company] = (await simulator.listCompanies()).data;
    realmId = company!.realmId;
    companyName = company!.name;
    const created = await call<{ connection: { id: string }; authorizeUrl: string }>('/v1/connections', { method: 'POST', body: JSON.stringify({ provider: 'quickbooks' }) });
    connectionId = created.connection.id;
    const callback = await fetch(await completeConsent(created.authorizeUrl, { realmId }), { redirect: 'manual' });
    expect(callback.headers.get('location')).toContain('result=connected');
    const deadline = Date.now() + 90_000;
    for (;;) {
      const connection = await call<{ lastSyncedAt: string | null; counts: Record<string, number> }>(`/v1/connections/${connectionId}`);
      recordCount = Object.values(connection.counts).reduce((sum, count) => sum + count, 0);
      if (connection.lastSyncedAt && recordCount > 0) break;
      if (Date.now() > deadline) throw new Error(`the first sync did not complete: ${JSON.stringify(connection)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }, 180_000);

  /** The company by name once the connection knows it (else by realm), and the merchant by name. */
  const summaryLine = (prefix: RegExp) => new RegExp(`${prefix.source}QuickBooks (${companyName}|company ${realmId}) · Demo Merchant$`, 'm');

  afterAll(async () => {
    await product?.stop('SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(emptyDataDir, { recursive: true, force: true });
  }, 60_000);

  it('prints the addresses operator tools need: a DATABASE_URL for the embedded PGlite and the Temporal gRPC address', () => {
    const output = product!.output();
    expect(bannerValue(output, 'Database')).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/postgres$/);
    expect(bannerValue(output, 'Temporal')).toBe(product!.urls.temporal);
    // The password is in the banner (to be copied), never in a log line.
    const password = decodeURIComponent(new URL(bannerValue(output, 'Database')!).password);
    expect(JSON.stringify(product!.logLines())).not.toContain(password);
  });

  it('npm run ops works with nothing set: it finds the running stack by itself', async () => {
    const listed = await npmRun('ops', ['list', '--json'], { env: { DATA_DIR: dataDir } });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toMatch(/using the stack `npm start` runs \(pid \d+\): DATABASE_URL=postgres:\/\/postgres:…@127\.0\.0\.1:\d+\/postgres TEMPORAL_ADDRESS=127\.0\.0\.1:\d+/);
    const items = JSON.parse(listed.stdout) as ConnectionListItem[];
    expect(items.map((item) => [item.id, item.status, item.realmId])).toEqual([[connectionId, 'active', realmId]]);

    // Status reads the row, the workflow (its summary and status query) and the sync runs, and names the replay command.
    const status = await runOps(['status', connectionId], { DATA_DIR: dataDir });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/status\s+active\s+phase (idle|incremental)/);
    expect(status.stdout).toMatch(summaryLine(/summary {7}/));
    expect(status.stdout).toContain(`npm run replay -- --workflow-id ${workflowIdForConnection(connectionId)}`);
    expect(status.stdout).toMatch(/backfill\s+succeeded/);

    // No stack on another data folder: the missing variables are named, with the way out.
    const none = await runOps(['list'], { DATA_DIR: emptyDataDir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/DATABASE_URL: required for `ops`[\s\S]*no `npm start` runs on this DATA_DIR/);
  }, 60_000);

  it('the printed DATABASE_URL and Temporal address work for ops, psql and the Temporal CLI', async () => {
    const output = product!.output();
    const databaseUrl = bannerValue(output, 'Database')!;
    const temporalAddress = bannerValue(output, 'Temporal')!;

    const listed = await runOps(['list', '--json'], { DATA_DIR: emptyDataDir, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).not.toContain('using the stack');
    expect((JSON.parse(listed.stdout) as ConnectionListItem[]).map((item) => item.id)).toEqual([connectionId]);

    // psql, while the worker and the API keep using the same database in the start process.
    const psql = await run('psql', [databaseUrl, '-At', '-c', `select count(*) from quickbooks_records where connection_id = '${connectionId}' and not deleted`]);
    expect(Number(psql.stdout.trim())).toBe(recordCount);
    const wrong = await run('psql', [databaseUrl.replace(/:[^:@]+@/, ':wrong@'), '-c', 'select 1']).catch((error: { stderr: string }) => error);
    expect((wrong as { stderr: string }).stderr).toMatch(/password authentication failed/);

    // The Temporal CLI's describe says what the workflow is.
    const cli = requireTemporalBinaries().cli;
    const described = await runCommand(cli, ['workflow', 'describe', '--workflow-id', workflowIdForConnection(connectionId), '--address', temporalAddress, '--output', 'json']);
    expect(described.code, described.stderr).toBe(0);
    const metadata = (JSON.parse(described.stdout) as { executionConfig: { userMetadata?: { summary?: string; details?: string } } }).executionConfig.userMetadata;
    expect(metadata?.summary).toMatch(summaryLine(/^/));
    expect(metadata?.details).toContain(`realm ${realmId}`);
    expect(metadata?.details).toContain(connectionId);
  }, 60_000);

  it('npm run replay fetches the workflow from the running stack and replays it', async () => {
    const replayed = await npmRun('replay', ['--workflow-id', workflowIdForConnection(connectionId)], { env: { DATA_DIR: dataDir }, timeoutMs: 150_000 });
    expect(replayed.code, replayed.stderr + replayed.stdout).toBe(0);
    expect(replayed.stderr).toMatch(/using the Temporal of the stack `npm start` runs/);
    expect(replayed.stdout).toContain('✓ deterministic');
  }, 160_000);

  it('Ctrl-C removes the stack file: ops no longer finds a stack that is gone', async () => {
    const stopped = await product!.stop('SIGINT');
    product = undefined;
    expect(stopped).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);
    const after = await runOps(['list'], { DATA_DIR: dataDir });
    expect(after.code).toBe(2);
  }, 60_000);
});
