/**
 * One real API per test file, assembled like `npm run api`: the harness stack (harness/stack.ts) over a
 * fresh copy of the run's template database and the run's Temporal server (on the file's own task
 * queue), the stack's `npm run api` environment read by `loadConfig('api')`, and `buildAppDeps` over it,
 * with the few settings a test changes (rate limits, clock, realm proof). Where a test needs Intuit, the
 * stack's QuickBooks simulator; where it needs syncs, the stack's in-process worker. Nothing else runs.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createAdaptorServer } from '@hono/node-server';
import { Registry } from 'prom-client';
import { createApp, type App } from '../../../api/app.js';
import { buildAppDeps } from '../../../api/build-app-deps.js';
import type { AppDeps, PublicRateLimits } from '../../../api/deps.js';
import type { Database } from '../../../db/client.js';
import { startStack, type SimulatorChoice, type Stack, type StackWithoutSimulator } from '../../../harness/stack.js';
import { loadConfig } from '../../../shared/config.js';
import { createLogger } from '../../../shared/logger.js';
import type { TokenSealer } from '../../../shared/seal.js';
import type { RunningSimulator } from '../../../simulator/index.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { connectTestTemporal, type TestTemporal } from '../../support/temporal.js';

/** Secrets of the run's own, so that a leak scan can look for them. */
export const ADMIN_API_KEY = `test-admin-key-${randomBytes(16).toString('hex')}`;
export const WEBHOOK_VERIFIER_TOKEN = `test-webhook-verifier-${randomBytes(16).toString('hex')}`;
export const PUBLIC_BASE_URL = 'http://api.test';
export const REDIRECT_URI = `${PUBLIC_BASE_URL}/oauth/quickbooks/callback`;

export interface HarnessOptions {
  /** The stack's QuickBooks simulator, our app registered with REDIRECT_URI; without it Intuit's endpoints are a closed port (fine for tests that never reach Intuit). */
  simulator?: SimulatorChoice;
  /** The production worker (the connection workflow and its activities) in this process, on the app's task queue. */
  worker?: boolean;
  rateLimits?: Partial<PublicRateLimits>;
  trustedProxyHops?: number;
  clock?: () => Date;
  /** SYNC_INTERVAL: what the API gives the workflows it starts (default one minute). */
  syncIntervalMs?: number;
  webhookVerifierToken?: string | undefined;
  /** Another replica of the API: a second app over that harness's stack (its database, Temporal, simulator and secrets). */
  replicaOf?: ApiHarness;
  /** The handle the app reads and writes through instead of the database's own (e.g. a closed one: the database is down). */
  db?: Database;
  /** Collects every log line (at debug level) here, to check that no secret is ever logged. */
  logLines?: string[];
  /**
   * Read the company with a callback's tokens (prove a first connect's realm, name it, size its backfill),
   * as `npm run api` does. Off by default: most API tests run against no simulator at all.
   */
  proveRealms?: boolean;
}

export interface ApiHarness {
  app: App;
  /** What the app runs against (shared with replicas): its Intuit app, secrets, `npm run api`/`npm run worker` environments and worker processes. */
  stack: Stack | StackWithoutSimulator;
  database: TestDatabase;
  temporal: TestTemporal;
  simulator: RunningSimulator | undefined;
  /** The app's token sealer (the stack's TOKEN_ENCRYPTION_KEYS). */
  sealer: TokenSealer;
  deps: AppDeps;
  request(path: string, init?: RequestInit): Promise<Response>;
  createMerchant(name?: string): Promise<{ id: string; name: string; apiKey: string }>;
  /**
   * Serves the app on a local port (through `fetch`, default the app's) and registers its Disconnect URL
   * with the simulator, so a browser can be sent to it the way Intuit sends one. Closed with the harness.
   */
  listen(fetch?: (request: Request) => Response | Promise<Response>): Promise<string>;
  close(): Promise<void>;
}

export type SimulatedApiHarness = ApiHarness & { simulator: RunningSimulator };

interface HarnessStack {
  stack: Stack | StackWithoutSimulator;
  database: TestDatabase;
  temporal: TestTemporal;
}

export function createApiHarness(options: HarnessOptions & { simulator: SimulatorChoice }): Promise<SimulatedApiHarness>;
export function createApiHarness(options?: HarnessOptions): Promise<ApiHarness>;
export async function createApiHarness(options: HarnessOptions = {}): Promise<ApiHarness> {
  const { logLines } = options;
  const logger = logLines
    ? createLogger({ level: 'debug', name: 'api-test', destination: new Writable({ write: (chunk, _encoding, done) => void (logLines.push(String(chunk)), done()) }) })
    : createLogger({ level: process.env.API_TEST_LOG_LEVEL ?? 'silent', name: 'api-test' });
  const owned = options.replicaOf ? undefined : await startHarnessStack(options, logger);
  const { stack, database, temporal } = options.replicaOf ?? owned!;
  const servers: Server[] = [];
  try {
    const webhookVerifierToken = 'webhookVerifierToken' in options ? options.webhookVerifierToken : WEBHOOK_VERIFIER_TOKEN;
    const config = loadConfig(
      'api',
      stack.apiEnv(0, {
        ADMIN_API_KEY,
        PUBLIC_BASE_URL,
        TRUST_PROXY_HOPS: String(options.trustedProxyHops ?? 0),
        SYNC_INTERVAL: `${options.syncIntervalMs ?? 60_000}ms`,
        ...(webhookVerifierToken ? { INTUIT_WEBHOOK_VERIFIER_TOKEN: webhookVerifierToken } : {}),
      }),
    );
    const { realmProof, ...built } = buildAppDeps({ config, db: options.db ?? database.db, temporalConnection: temporal.connection, logger, metricsRegistry: new Registry() });
    const deps: AppDeps = {
      ...built,
      config: { ...built.config, ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}) },
      ...(options.proveRealms ? { realmProof } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    };
    const app = createApp(deps);
    const request = async (path: string, init?: RequestInit) => app.request(path, init);
    return {
      app,
      stack,
      database,
      temporal,
      simulator: stack.simulator,
      sealer: deps.sealer,
      deps,
      request,
      async createMerchant(name = `Merchant ${randomBytes(3).toString('hex')}`) {
        const response = await request('/v1/merchants', {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name }),
        });
        if (response.status !== 201) throw new Error(`creating a merchant answered ${response.status}: ${await response.text()}`);
        return (await response.json()) as { id: string; name: string; apiKey: string };
      },
      async listen(fetch = app.fetch) {
        const server = createAdaptorServer({ fetch }) as Server;
        servers.push(server);
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const { clientId, clientSecret, redirectUri } = stack.app;
        await stack.simulator?.control.registerApp({ clientId, clientSecret, redirectUris: [redirectUri], disconnectUrl: `${url}/quickbooks/disconnect` });
        return url;
      },
      async close() {
        await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
        await closeHarnessStack(owned);
      },
    };
  } catch (error) {
    await closeHarnessStack(owned);
    throw error;
  }
}

async function startHarnessStack(options: HarnessOptions, logger: Stack['logger']): Promise<HarnessStack> {
  const [database, temporal] = await Promise.all([createTestDatabase(), connectTestTemporal()]);
  try {
    const base = {
      database: { url: database.url },
      temporal: { address: temporal.address, namespace: temporal.namespace },
      taskQueue: temporal.taskQueue,
      redirectUri: REDIRECT_URI,
      inProcessWorker: options.worker ? { workflowBundle: temporal.workflowBundle } : undefined,
      logger,
    };
    const stack = options.simulator ? await startStack({ ...base, simulator: options.simulator }) : await startStack({ ...base, simulator: false });
    return { stack, database, temporal };
  } catch (error) {
    await Promise.allSettled([temporal.close(), database.destroy()]);
    throw error;
  }
}

async function closeHarnessStack(owned: HarnessStack | undefined): Promise<void> {
  if (!owned) return;
  await owned.stack.close();
  await owned.temporal.close();
  await owned.database.destroy();
}

/** Headers of a merchant API call with a JSON body. */
export function asMerchant(apiKey: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...extra };
}
