/**
 * The start command as a newcomer runs it, nothing configured but a data folder and free ports: it
 * starts (Temporal dev server + UI, PGlite, simulator, worker, API), prints URLs that answer, syncs a
 * QuickBooks company connected through the simulator, stops on SIGINT with exit 0 leaving no child
 * behind, and after a restart on the same folder everything is still there: the merchant, the
 * connection, its records and its running workflow.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeConsent, createSimulatorControl, type CompanySnapshot } from '../../simulator/index.js';
import { launchStart, startEnv, type StartedProduct } from './support/start-process.js';

interface ConnectionBody {
  id: string;
  status: string;
  realmId: string | null;
  lastSyncedAt: string | null;
  counts: Record<string, number>;
  workflowId: string;
}

function liveCounts(snapshot: CompanySnapshot): Record<string, number> {
  return Object.fromEntries(
    Object.entries(snapshot.entities)
      .map(([entity, entries]) => [entity, entries.filter((entry) => !entry.deleted).length] as const)
      .filter(([, count]) => count > 0),
  );
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe('npm start (cli/start.ts)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let running: StartedProduct | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'qbo-start-'));
    env = await startEnv({ dataDir });
  });
  afterAll(async () => {
    await running?.stop('SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  function api(product: StartedProduct) {
    const base = product.urls.dashboard.replace(/\/$/, '');
    return async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
      const response = await fetch(`${base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${product.apiKey}`, 'content-type': 'application/json', ...init.headers },
      });
      return { status: response.status, body: (await response.json()) as T };
    };
  }

  it('starts with nothing configured, syncs a company, stops cleanly and carries on after a restart', async () => {
    // ---- First start: every piece embedded; secrets generated and kept owner-only.
    const first = await launchStart(env);
    running = first;
    const { urls } = first;
    expect((await fetch(`${urls.dashboard.replace(/\/$/, '')}/readyz`)).status).toBe(200);
    for (const [name, url] of Object.entries({ dashboard: urls.dashboard, login: urls.login, docs: urls.docs, temporalUi: urls.temporalUi!, simulator: `${urls.simulator}/__simulator`, mail: urls.mail! })) {
      expect((await fetch(url)).status, `${name} ${url}`).toBe(200);
    }
    // No SMTP_URL: notice emails go to a local mail sink, whose page the banner prints.
    expect(first.output()).toMatch(new RegExp(`^  Mail\\s+${urls.mail!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    expect(await (await fetch(urls.mail!)).text()).toContain('Caught mail (0)');
    for (const file of ['secrets.json', 'demo-merchant.json']) expect(statSync(join(dataDir, file)).mode & 0o777, file).toBe(0o600);
    const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    for (const name of ['tokenEncryptionKey', 'adminApiKey', 'intuitClientSecret', 'webhookVerifierToken']) {
      expect(secrets[name], name).toBeTruthy();
      expect(first.output(), `${name} must never be printed`).not.toContain(secrets[name]);
    }

    // ---- Connect the demo company the way a browser would: authorize URL, consent form, callback.
    const call = api(first);
    const simulator = createSimulatorControl(urls.simulator!);
    const [company] = (await simulator.listCompanies()).data;
    expect(company).toBeDefined();
    const created = await call<{ connection: ConnectionBody; authorizeUrl: string }>('/v1/connections', { method: 'POST', body: JSON.stringify({ provider: 'quickbooks' }) });
    expect(created.status).toBe(201);
    const callback = await fetch(await completeConsent(created.body.authorizeUrl, { realmId: company!.realmId }), { redirect: 'manual' });
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toContain('result=connected');
    const connectionId = created.body.connection.id;

    const expected = liveCounts(await simulator.snapshot(company!.realmId));
    await expect
      .poll(async () => (await call<ConnectionBody>(`/v1/connections/${connectionId}`)).body.counts, { timeout: 60_000, interval: 500 })
      .toEqual(expected);
    const synced = (await call<ConnectionBody>(`/v1/connections/${connectionId}`)).body;
    expect(synced).toMatchObject({ status: 'active', realmId: company!.realmId, companyName: company!.name });
    const invoices = await call<{ data: unknown[] }>(`/v1/connections/${connectionId}/records?entity=Invoice&limit=5`);
    expect(invoices.body.data.length).toBe(5);

    // ---- Ctrl-C: exit 0, the Temporal dev server gone, every port free.
    const temporalPid = first.temporalPid!;
    expect(temporalPid).toBeGreaterThan(0);
    const stopped = await first.stop('SIGINT');
    running = undefined;
    expect(stopped, first.output()).toEqual({ code: 0, signal: null });
    expect(isGone(temporalPid)).toBe(true);
    const stopLines = first.logLines().filter((line) => line.msg === 'stopped' && typeof line.step === 'string').map((line) => line.step);
    expect(stopLines).toEqual(['stack file', 'api server', 'worker (drain)', 'api temporal client', 'quickbooks simulator', 'mail sink', 'mail sink page', 'database server', 'database (pglite)', 'temporal dev server', 'instance lock']);

    // ---- Restart on the same folder: same merchant and key, same connection, records, workflow.
    const second = await launchStart(env);
    running = second;
    expect(second.apiKey).toBe(first.apiKey);
    expect(second.merchantId).toBe(first.merchantId);
    expect(second.output()).not.toContain('demo merchant created');
    const again = api(second);
    const kept = (await again<ConnectionBody>(`/v1/connections/${connectionId}`)).body;
    expect(kept).toMatchObject({ id: connectionId, status: 'active', realmId: company!.realmId, counts: expected });
    expect((await again<{ data: ConnectionBody[] }>('/v1/connections')).body.data.map((connection) => connection.id)).toEqual([connectionId]);

    // The workflow is still running: asked to sync now, it records a new sync run.
    const newestRun = async () => (await again<{ data: { id: string }[] }>(`/v1/connections/${connectionId}/sync-runs?limit=1`)).body.data[0]?.id;
    const before = await newestRun();
    expect(before).toBeDefined();
    expect((await again(`/v1/connections/${connectionId}/sync`, { method: 'POST' })).status).toBe(202);
    await expect.poll(newestRun, { timeout: 30_000, interval: 300 }).not.toBe(before);

    const stoppedAgain = await second.stop('SIGINT');
    running = undefined;
    expect(stoppedAgain, second.output()).toEqual({ code: 0, signal: null });
    expect(isGone(second.temporalPid!)).toBe(true);
  }, 240_000);
});
