/**
 * One real API per test file: `createApp` over a fresh Postgres database, the run's Temporal server
 * (on the file's own task queue) and, where a test needs Intuit, the QuickBooks simulator.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { createApp, type App } from '../../../api/app.js';
import type { AppDeps, PublicRateLimits } from '../../../api/deps.js';
import { createAccountingApi } from '../../../quickbooks/accounting-api.js';
import { createIntuitOAuth, type IntuitOAuth } from '../../../quickbooks/oauth.js';
import { intuitEndpoints } from '../../../shared/config.js';
import { createLogger } from '../../../shared/logger.js';
import { createTokenSealer, type TokenSealer } from '../../../shared/seal.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { connectTestTemporal, type TestTemporal } from '../../support/temporal.js';

export const ADMIN_API_KEY = 'test-admin-key-0123456789abcdef';
export const WEBHOOK_VERIFIER_TOKEN = 'test-webhook-verifier-token';
export const PUBLIC_BASE_URL = 'http://api.test';
export const REDIRECT_URI = `${PUBLIC_BASE_URL}/oauth/quickbooks/callback`;
export const INTUIT_APP = { clientId: 'test-client-id', clientSecret: 'test-client-secret', redirectUris: [REDIRECT_URI] };

export interface HarnessOptions {
  /** The simulator's base URL; without it Intuit endpoints point nowhere (fine for tests that never exchange a code). */
  simulatorUrl?: string;
  rateLimits?: Partial<PublicRateLimits>;
  trustedProxyHops?: number;
  clock?: () => Date;
  /** Temporal task queue the API starts workflows on (default: the file's own). */
  taskQueue?: string;
  webhookVerifierToken?: string | undefined;
  /** Reuse an existing database/temporal (a second app over the same state). */
  database?: TestDatabase;
  temporal?: TestTemporal;
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
  database: TestDatabase;
  temporal: TestTemporal;
  sealer: TokenSealer;
  /** The real intuit-oauth client the app uses (a worker in the same test can share it). */
  oauth: IntuitOAuth;
  deps: AppDeps;
  request(path: string, init?: RequestInit): Promise<Response>;
  createMerchant(name?: string): Promise<{ id: string; name: string; apiKey: string }>;
  close(): Promise<void>;
}

export async function createApiHarness(options: HarnessOptions = {}): Promise<ApiHarness> {
  const database = options.database ?? (await createTestDatabase());
  const temporal = options.temporal ?? (await connectTestTemporal());
  const sealer = createTokenSealer([randomBytes(32)]);
  const { logLines } = options;
  const logger = logLines
    ? createLogger({ level: 'debug', name: 'api-test', destination: new Writable({ write: (chunk, _encoding, done) => void (logLines.push(String(chunk)), done()) }) })
    : createLogger({ level: process.env.API_TEST_LOG_LEVEL ?? 'silent', name: 'api-test' });
  const simulatorUrl = options.simulatorUrl ?? 'http://127.0.0.1:9';
  const oauth = createIntuitOAuth({
    clientId: INTUIT_APP.clientId,
    clientSecret: INTUIT_APP.clientSecret,
    redirectUri: REDIRECT_URI,
    environment: 'sandbox',
    endpoints: intuitEndpoints('sandbox', simulatorUrl),
    logger,
    requestTimeoutMs: 10_000,
  });
  const deps: AppDeps = {
    db: database.db,
    temporal: { client: temporal.client, taskQueue: options.taskQueue ?? temporal.taskQueue },
    sealer,
    oauth,
    config: {
      publicBaseUrl: PUBLIC_BASE_URL,
      adminApiKey: ADMIN_API_KEY,
      webhookVerifierToken: 'webhookVerifierToken' in options ? options.webhookVerifierToken : WEBHOOK_VERIFIER_TOKEN,
      syncIntervalMs: 60_000,
      dashboardPath: '/',
      trustedProxyHops: options.trustedProxyHops ?? 0,
      ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    },
    logger,
    metricsRegistry: new Registry(),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.proveRealms ? { realmProof: createAccountingApi({ baseUrl: intuitEndpoints('sandbox', simulatorUrl).accountingApi, logger, requestTimeoutMs: 10_000 }) } : {}),
  };
  const app = createApp(deps);
  const request = async (path: string, init?: RequestInit) => app.request(path, init);
  return {
    app,
    database,
    temporal,
    sealer,
    oauth,
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
    async close() {
      if (!options.temporal) await temporal.close();
      if (!options.database) await database.destroy();
    },
  };
}

/** Headers of a merchant API call with a JSON body. */
export function asMerchant(apiKey: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...extra };
}
