/**
 * A benchmark's stack: the chaos run's stack (scratch Postgres, Temporal dev server, simulator, worker
 * processes) plus the real HTTP API in this process (`createApp`, called in-process), so that connecting
 * and re-authorizing go exactly the merchant's way: POST /v1/connections, Intuit's consent page, then
 * GET /oauth/quickbooks/callback, which exchanges the code and signals the workflow.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createApp, type App } from '../../api/app.js';
import { PROJECT_ROOT } from '../../shared/paths.js';
import type { CreateCompanyRequest, SimulatorConfig } from '../../simulator/types.js';
import { connectThroughApi, consentToReauthorization } from '../connect.js';
import { spawnNodeProcess, WORKER_READY, type ManagedProcess } from '../node-process.js';
import { startStack, type Stack } from '../stack.js';

export const PUBLIC_BASE_URL = 'http://bench.test';
const ADMIN_API_KEY = `bench-admin-${randomBytes(16).toString('hex')}`;
const UNLIMITED = 1_000_000_000;

export interface BenchStack extends Stack {
  api: App;
  /** POST /v1/merchants with the admin key. */
  createApiMerchant(name?: string): Promise<{ id: string; apiKey: string }>;
  /** The merchant's whole connect: new connection, consent, callback. Returns the connection id. */
  connectViaApi(apiKey: string, realmId: string): Promise<string>;
  /** POST /reauthorize and the consent page: the callback path, not yet called. */
  prepareReauthorization(apiKey: string, connectionId: string, realmId: string): Promise<string>;
  /** GET the callback (JSON); throws unless it answers 200. */
  callback(path: string): Promise<{ result: string }>;
  /** Starts a worker process and waits until it polls. */
  startWorker(options: { label: string; entry?: string; env?: Record<string, string>; nodeFlags?: string[] }): Promise<ManagedProcess>;
  /** Stops the workers with SIGTERM (so that a CPU profile is written), then everything else. */
  close(): Promise<void>;
}

export interface BenchStackOptions {
  name: string;
  simulatorConfig?: Partial<SimulatorConfig>;
  /** SYNC_INTERVAL of the API: what every workflow it starts gets. */
  syncIntervalMs: number;
  orchestratorDbConnections?: number;
}

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const workDir = join(PROJECT_ROOT, '.cache', 'bench', `${options.name}-${process.pid}-${Date.now()}`);
  const stack = await startStack({
    database: { scratch: `qbo_bench_${process.pid}_${options.name}`, dropOrphansWithPrefix: 'qbo_bench_', maxConnections: options.orchestratorDbConnections ?? 10 },
    workDir,
    simulator: { seed: 20_260_101, config: options.simulatorConfig },
    redirectUri: `${PUBLIC_BASE_URL}/oauth/quickbooks/callback`,
  });
  const api = createApp({
    db: stack.database.db,
    temporal: { client: stack.client, taskQueue: stack.taskQueue },
    sealer: stack.sealer,
    oauth: stack.oauth,
    config: {
      publicBaseUrl: PUBLIC_BASE_URL,
      adminApiKey: ADMIN_API_KEY,
      webhookVerifierToken: undefined,
      syncIntervalMs: options.syncIntervalMs,
      dashboardPath: '/',
      // The benchmark is one client making thousands of callbacks: per-IP limits would measure themselves.
      rateLimits: { oauthCallback: UNLIMITED, webhooks: UNLIMITED, intuitAppUrls: UNLIMITED, session: UNLIMITED },
    },
    logger: stack.logger,
    metricsRegistry: new Registry(),
  });

  const json = async <T>(response: Response, what: string, status = 200): Promise<T> => {
    if (response.status !== status) throw new Error(`${what} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };

  const workers: ManagedProcess[] = [];
  // Workers load the workflow bundle built ahead of time, as production workers do (WORKFLOW_BUNDLE_PATH):
  // bundling with webpack inside each worker costs seconds of CPU and leaves >150 MiB in its heap.
  let bundle: Promise<string> | undefined;
  const workflowBundle = () => (bundle ??= buildBundle(stack, join(workDir, 'workflow-bundle.js')));
  const bench: BenchStack = {
    ...stack,
    async close() {
      await Promise.allSettled(workers.map((worker) => worker.stop('SIGTERM', 30_000)));
      await stack.close();
    },
    api,
    async createApiMerchant(name = `Bench ${randomBytes(3).toString('hex')}`) {
      return json(
        await api.request('/v1/merchants', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name }) }),
        'POST /v1/merchants',
        201,
      );
    },
    connectViaApi: (apiKey, realmId) => connectThroughApi(api, apiKey, realmId),
    prepareReauthorization: (apiKey, connectionId, realmId) => consentToReauthorization(api, apiKey, connectionId, { realmId }),
    async callback(path) {
      return json(await api.request(path, { headers: { accept: 'application/json' } }), 'the OAuth callback');
    },
    async startWorker(workerOptions) {
      const env = { WORKFLOW_BUNDLE_PATH: await workflowBundle(), ...workerOptions.env };
      const worker = stack.spawnWorker({ ...workerOptions, env });
      workers.push(worker);
      await worker.waitForOutput(WORKER_READY, 180_000);
      return worker;
    },
  };
  return bench;
}

/** `npm run build:workflows <path>` in a child process, as a deployment builds the image's bundle. */
async function buildBundle(stack: Stack, path: string): Promise<string> {
  const build = spawnNodeProcess({ label: 'build-workflows', entry: 'cli/build-workflows.ts', args: [path], env: {} });
  const code = await build.exited;
  if (code !== '0') throw new Error(`npm run build:workflows exited with ${code}: ${build.output().slice(-2_000)}`);
  stack.logger.info({ path }, 'workflow bundle built for the bench workers');
  return path;
}

/** A company of `total` records shaped like a small retailer's books (the simulator's performance test's mix). */
export function companyOf(total: number, seed: number): CreateCompanyRequest {
  const share = (fraction: number) => Math.max(1, Math.round(total * fraction));
  return {
    seed,
    invoices: share(0.6),
    salesReceipts: share(0.15),
    creditMemos: share(0.05),
    refundReceipts: share(0.02),
    payments: share(0.125),
    customers: share(0.05),
    items: share(0.005),
  };
}

export function recordsIn(company: CreateCompanyRequest): number {
  return (company.invoices ?? 0) + (company.salesReceipts ?? 0) + (company.creditMemos ?? 0) + (company.refundReceipts ?? 0) + (company.payments ?? 0) + (company.customers ?? 0) + (company.items ?? 0);
}
