/**
 * Prometheus metrics move when syncs happen: scraped from the worker process's own /metrics
 * (`npm run worker`, WORKER_METRICS_PORT), and from the API's /metrics when the worker runs in the API's
 * process on one registry (as `npm start` runs them). Also: a revoked grant shows as failures by type,
 * a failed token refresh and a `needs_reauthorization` cycle, and its audit row carries what an operator
 * needs (counts, duration, outcome, error type, Intuit-Tid).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../api/auth/api-keys.js';
import { loadCredentials } from '../../db/queries/credentials.js';
import { apiKeys } from '../../db/schema/index.js';
import type { ManagedProcess } from '../../harness/node-process.js';
import { createMetricsRegistry, startApiServer, type RunningApi } from '../../local/api-server.js';
import { startWorker, type RunningWorker } from '../../local/worker.js';
import { createAccountingApi } from '../../quickbooks/accounting-api.js';
import { ThrottledError } from '../../quickbooks/errors.js';
import { freePort } from '../../local/free-port.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { createSyncMetrics } from '../../shared/metrics.js';
import { syncNowSignal } from '../../workflows/messages.js';
import type { SyncCheckpoint } from '../../shared/workflow-payloads.js';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

/** The value of one series in Prometheus text format (0 when the series is absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[3]);
  }
  return 0;
}

const idle = (view: { status: string; phase: string; checkpoint: unknown }) =>
  view.status === 'active' && view.phase === 'idle' && (view.checkpoint as SyncCheckpoint).pass === null && (view.checkpoint as SyncCheckpoint).changedSince !== null;

const COMPANY = { seed: 81, customers: 6, items: 3, invoices: 14, salesReceipts: 2, creditMemos: 1, refundReceipts: 1, payments: 3 };

describe('the worker process serves /metrics', () => {
  let fixture: SyncFixture;
  let worker: ManagedProcess;
  let url: string;
  beforeAll(async () => {
    fixture = await startSyncFixture({ inProcessWorker: false, workflow: { pageSize: 5 } });
    const port = await freePort();
    url = `http://127.0.0.1:${port}/metrics`;
    worker = fixture.stack.spawnWorker({ label: 'metrics-worker', env: { WORKER_METRICS_PORT: String(port), LOG_LEVEL: 'info' } });
  });
  afterAll(async () => {
    await worker?.stop('SIGTERM');
    await fixture?.close();
  });

  it('whose values move with a backfill and an incremental pull', async () => {
    let before = '';
    await expect.poll(async () => (before = await fetch(url).then((response) => (response.ok ? response.text() : ''), () => '')), { timeout: 45_000, interval: 250 }).toContain('quickbooks_connections');
    expect(sample(before, 'quickbooks_records_synced_total', { entity: 'Invoice', operation: 'upserted' })).toBe(0);
    expect(sample(before, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);

    const connection = await fixture.connect({ company: COMPANY });
    await fixture.waitForSnapshotMatch(connection, 45_000);
    await fixture.waitFor(connection, idle);
    await fixture.simulator.control.applyChanges(connection.realmId, { create: { Invoice: 2 }, update: { Customer: 1 } });
    const synced = (await fixture.status(connection)).lastSyncedAt;
    await connection.handle.signal(syncNowSignal, { reason: 'metrics test' });
    await fixture.waitFor(connection, (view) => idle(view) && view.lastSyncedAt !== synced);

    const after = await (await fetch(url)).text();
    expect(after.split('\n').find((line) => line.startsWith('# TYPE quickbooks_request_duration_seconds'))).toBe('# TYPE quickbooks_request_duration_seconds histogram');
    expect(sample(after, 'quickbooks_records_synced_total', { entity: 'Invoice', operation: 'upserted' })).toBe(COMPANY.invoices + 2);
    expect(sample(after, 'quickbooks_records_synced_total', { entity: 'Customer', operation: 'upserted' })).toBe(COMPANY.customers + 1);
    expect(sample(after, 'quickbooks_sync_cycles_total', { kind: 'backfill', outcome: 'succeeded' })).toBe(1);
    expect(sample(after, 'quickbooks_sync_cycles_total', { kind: 'incremental', outcome: 'succeeded' })).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'quickbooks_request_duration_seconds_count', { operation: 'query', status: '200' })).toBeGreaterThanOrEqual(7);
    expect(sample(after, 'quickbooks_request_duration_seconds_count', { operation: 'cdc', status: '200' })).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'quickbooks_request_duration_seconds_sum', { operation: 'query', status: '200' })).toBeGreaterThan(0);
    expect(sample(after, 'quickbooks_connections', { status: 'active' })).toBe(1);
    expect(sample(before, 'quickbooks_connections', { status: 'active' })).toBe(0);
    expect(readFileSync(join(fixture.stack.workDir, 'metrics-worker.log'), 'utf8')).toMatch(/worker metrics at \/metrics/);
  });
});

describe('the API and an in-process worker on one registry (npm start)', () => {
  let fixture: SyncFixture;
  let worker: RunningWorker;
  let api: RunningApi;
  let apiUrl: string;
  let apiKey: string;
  const registry = createMetricsRegistry();
  const workerFailures: unknown[] = [];
  const scrape = async () => (await fetch(`${apiUrl}/metrics`)).text();

  beforeAll(async () => {
    // Access tokens that live two minutes: every cycle refreshes first (the workflow refreshes within five).
    fixture = await startSyncFixture({ inProcessWorker: false, workflow: { pageSize: 5 }, simulatorConfig: { accessTokenTtlSeconds: 120 } });
    // `npm start`'s own worker and API (local/worker.ts, local/api-server.ts) against the stack, on one registry.
    const logger = createLogger({ level: 'silent' });
    const bundle = { code: readFileSync(fixture.temporal.workflowBundle.codePath, 'utf8') };
    worker = await startWorker({ config: loadConfig('worker', fixture.workerEnv()), db: fixture.db.db, bundle, logger, metricsRegistry: registry, onFatal: (error) => workerFailures.push(error) });
    api = await startApiServer({ config: loadConfig('api', fixture.stack.apiEnv(0)), db: fixture.db.db, logger, metricsRegistry: registry });
    apiUrl = `http://127.0.0.1:${api.port}`;
    const issued = issueApiKey();
    await fixture.db.db.insert(apiKeys).values({ merchantId: fixture.merchant.id, keyHash: issued.keyHash, keyPrefix: issued.keyPrefix });
    apiKey = issued.key;
  });
  afterAll(async () => {
    await api?.stop();
    await worker?.stop();
    await api?.closeTemporal();
    await fixture?.close();
    expect(workerFailures).toEqual([]);
  });

  it('GET /metrics shows the sync moving, a revocation as failures by type, and the audit row says why', async () => {
    const before = await scrape();
    const connection = await fixture.connect({ company: COMPANY });
    await fixture.waitForSnapshotMatch(connection, 45_000);
    await fixture.waitFor(connection, idle);
    const synced = await scrape();
    expect(sample(synced, 'quickbooks_records_synced_total', { entity: 'Invoice', operation: 'upserted' }) - sample(before, 'quickbooks_records_synced_total', { entity: 'Invoice', operation: 'upserted' })).toBe(COMPANY.invoices);
    expect(sample(synced, 'quickbooks_sync_cycles_total', { kind: 'backfill', outcome: 'succeeded' })).toBe(1);
    expect(sample(synced, 'quickbooks_token_refreshes_total', { outcome: 'succeeded' })).toBeGreaterThanOrEqual(1);
    // The API's own metrics share the registry (the first scrape counted itself).
    expect(sample(synced, 'http_requests_total', { method: 'GET', route: '/metrics', status: '200' })).toBe(1);

    // The merchant disconnects the app inside QuickBooks; the next cycle's refresh is refused.
    await fixture.simulator.control.disconnect(connection.realmId);
    await connection.handle.signal(syncNowSignal, { reason: 'metrics test' });
    await fixture.waitFor(connection, (view) => view.status === 'needs_reauthorization');
    await expect.poll(async () => sample(await scrape(), 'quickbooks_sync_cycles_total', { kind: 'incremental', outcome: 'needs_reauthorization' }), { timeout: 10_000 }).toBe(1);
    const parked = await scrape();
    expect(sample(parked, 'quickbooks_token_refreshes_total', { outcome: 'GrantInvalidError' })).toBeGreaterThanOrEqual(1);
    expect(sample(parked, 'quickbooks_sync_failures_total', { activity: 'refreshAccessToken', type: 'GrantInvalidError' })).toBeGreaterThanOrEqual(1);
    // The gauge reads the database, which the park's activity writes a moment after the workflow decided to park.
    await expect.poll(async () => sample(await scrape(), 'quickbooks_connections', { status: 'needs_reauthorization' }), { timeout: 10_000 }).toBe(1);

    // The audit row of that cycle exists although the pull never ran (the refresh before it was refused).
    const response = await fetch(`${apiUrl}/v1/connections/${connection.connectionId}/sync-runs`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(response.status).toBe(200);
    const runs = ((await response.json()) as { data: { kind: string; outcome: string; startedAt: string; finishedAt: string | null; counts: object; errorType: string | null; intuitTid: string | null }[] }).data;
    const revoked = runs.find((run) => run.outcome === 'needs_reauthorization')!;
    expect(revoked).toMatchObject({ kind: 'incremental', errorType: 'GrantInvalidError', counts: {} });
    expect(revoked.intuitTid).toMatch(/^1-/);
    expect(Date.parse(revoked.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(revoked.startedAt));
    const backfill = runs.find((run) => run.kind === 'backfill')!;
    expect(backfill).toMatchObject({ outcome: 'succeeded', errorType: null, counts: { Invoice: { upserted: COMPANY.invoices, deleted: 0 } } });
  });

  it('counts 429 answers and their latency by operation', async () => {
    const connection = await fixture.connect({ company: { seed: 82, customers: 2, items: 1, invoices: 2 } });
    await fixture.waitFor(connection, idle);
    const stored = (await loadCredentials(fixture.db.db, { connectionId: connection.connectionId, sealer: fixture.sealer }))!;
    const metrics = createSyncMetrics({ registry });
    const api = createAccountingApi({ baseUrl: fixture.simulator.url, onResponse: (event) => metrics.observeQuickBooksResponse(event), throttleWaitMs: 10 });
    const before = await scrape();
    await fixture.simulator.control.setFaults({ rules: [{ kind: '429', rate: 1, realmId: connection.realmId, remaining: 1 }] });
    await expect(api.query({ realmId: connection.realmId, accessToken: stored.tokens.accessToken, statement: 'SELECT * FROM Invoice' })).rejects.toBeInstanceOf(ThrottledError);
    await fixture.simulator.control.clearFaults();
    const after = await scrape();
    expect(sample(after, 'quickbooks_throttled_total', { operation: 'query' }) - sample(before, 'quickbooks_throttled_total', { operation: 'query' })).toBe(1);
    expect(sample(after, 'quickbooks_request_duration_seconds_count', { operation: 'query', status: '429' })).toBe(1);
  });
});
