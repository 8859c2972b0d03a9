/**
 * Everything a connection-workflow test needs, all real: a migrated Postgres database, the run's
 * Temporal dev server with a worker on the file's own task queue, the QuickBooks simulator, and the
 * real intuit-oauth client. `connect()` walks the OAuth consent like a merchant and starts the
 * workflow exactly as the API's callback does (signal-with-start of `tokensIssued`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { expect } from 'vitest';
import type { ActivityDeps } from '../../activities/index.js';
import { createConnection, getConnection, recordConnectionRealm } from '../../db/queries/connections.js';
import { createMerchant, type Merchant } from '../../db/queries/merchants.js';
import { createAccountingApi, type AccountingApiOptions } from '../../quickbooks/accounting-api.js';
import { createIntuitOAuth, type IntuitOAuth } from '../../quickbooks/oauth.js';
import { createRealmRateLimiter } from '../../quickbooks/rate-limiter.js';
import { compareWithSnapshot, type RecordComparison } from '../../harness/verify-records.js';
import { completeConsent } from '../../simulator/consent-client.js';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import type { CreateCompanyRequest, SimulatorConfig } from '../../simulator/types.js';
import { intuitEndpoints } from '../../shared/config.js';
import { workflowIdForConnection } from '../../shared/contract.js';
import { createLogger } from '../../shared/logger.js';
import { createTokenSealer, type TokenSealer } from '../../shared/seal.js';
import type { QuickBooksTokenSet } from '../../shared/tokens.js';
import { createSyncWorker } from '../../worker/create-worker.js';
import { quickBooksConnectionWorkflow } from '../../workflows/index.js';
import { statusQuery, tokensIssuedSignal } from '../../workflows/messages.js';
import type { ConnectionStatusView } from '../../shared/workflow-payloads.js';
import type { ConnectionWorkflowInput } from '../../shared/workflow-payloads.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { connectTestTemporal, type TestTemporal } from './temporal.js';

export const TEST_APP = { clientId: 'test-client-id', clientSecret: 'test-client-secret', redirectUri: 'http://127.0.0.1:9/oauth/quickbooks/callback' };

export interface SyncFixtureOptions {
  simulatorConfig?: Partial<SimulatorConfig>;
  /** Options of the accounting API client (e.g. a shorter request timeout for fault tests). */
  api?: Partial<AccountingApiOptions>;
  /** Defaults for every connection's workflow input. */
  workflow?: Partial<Omit<ConnectionWorkflowInput, 'connectionId' | 'merchantId'>>;
  /** `false`: no worker in this process (the test runs `npm run worker` processes itself, see workerEnv). */
  inProcessWorker?: boolean;
}

export interface ConnectedCompany {
  connectionId: string;
  realmId: string;
  handle: WorkflowHandle<typeof quickBooksConnectionWorkflow>;
  /** The workflow's input, for starting it again (signal-with-start) as the API's callback does. */
  input: ConnectionWorkflowInput;
}

export interface SyncFixture {
  db: TestDatabase;
  temporal: TestTemporal;
  simulator: RunningSimulator;
  sealer: TokenSealer;
  oauth: IntuitOAuth;
  merchant: Merchant;
  deps: ActivityDeps;
  /** Every log line the worker's activities wrote (to check that no token is ever logged). */
  logLines: string[];
  /** Every token the simulator handed us through OAuth in this file. */
  issuedTokens: Set<string>;
  worker: Worker | undefined;
  /** The environment of a production worker process (`worker/main.ts`) serving this fixture's task queue. */
  workerEnv(): Record<string, string>;
  createCompany(request?: CreateCompanyRequest): Promise<string>;
  /** Consent in the simulator, exchange the code, deliver the sealed tokens: what the API callback does. */
  connect(options?: { realmId?: string; company?: CreateCompanyRequest; workflow?: Partial<ConnectionWorkflowInput> }): Promise<ConnectedCompany>;
  /** Re-authorize an existing connection (consent again, deliver fresh tokens with signal-with-start). */
  reauthorize(connection: ConnectedCompany, options?: { realmId?: string }): Promise<void>;
  status(connection: ConnectedCompany): Promise<ConnectionStatusView>;
  waitFor(connection: ConnectedCompany, predicate: (status: ConnectionStatusView) => boolean, timeoutMs?: number): Promise<ConnectionStatusView>;
  /** Waits until our records equal the simulator's snapshot, then returns the comparison. */
  waitForSnapshotMatch(connection: ConnectedCompany, timeoutMs?: number): Promise<RecordComparison>;
  compare(connection: ConnectedCompany): Promise<RecordComparison>;
  close(): Promise<void>;
}

export async function startSyncFixture(options: SyncFixtureOptions = {}): Promise<SyncFixture> {
  const [db, temporal, simulator] = await Promise.all([
    createTestDatabase(),
    connectTestTemporal(),
    startSimulator({ apps: [{ clientId: TEST_APP.clientId, clientSecret: TEST_APP.clientSecret, redirectUris: [TEST_APP.redirectUri] }], config: options.simulatorConfig }),
  ]);
  const encryptionKey = randomBytes(32);
  const sealer = createTokenSealer([encryptionKey]);
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (chunk, _encoding, done) => void (logLines.push(String(chunk)), done()) }) });
  const endpoints = intuitEndpoints('sandbox', simulator.url);
  const oauth = createIntuitOAuth({ clientId: TEST_APP.clientId, clientSecret: TEST_APP.clientSecret, redirectUri: TEST_APP.redirectUri, environment: 'sandbox', endpoints, logger });
  const api = createAccountingApi({ baseUrl: endpoints.accountingApi, limiter: createRealmRateLimiter({}), logger, requestTimeoutMs: 10_000, ...options.api });
  const deps: ActivityDeps = { db: db.db, sealer, oauth, api, logger };
  const worker =
    options.inProcessWorker === false
      ? undefined
      : await createSyncWorker({ connection: temporal.nativeConnection, namespace: temporal.namespace, taskQueue: temporal.taskQueue, deps, workflowBundle: temporal.workflowBundle });
  const running = worker?.run();
  const merchant = await createMerchant(db.db, { name: 'Fixture Merchant', keyHash: randomBytes(16).toString('hex'), keyPrefix: 'qbk_fix' });
  const issuedTokens = new Set<string>();

  async function authorize(realmId: string): Promise<QuickBooksTokenSet> {
    const state = randomUUID();
    const redirect = new URL(await completeConsent(oauth.authorizeUrl({ state }), { realmId, decision: 'connect' }));
    const code = redirect.searchParams.get('code');
    if (!code) throw new Error(`consent did not return a code: ${redirect.toString()}`);
    const tokens = await oauth.exchangeCode({ code, realmId: redirect.searchParams.get('realmId') ?? realmId, state });
    issuedTokens.add(tokens.accessToken);
    issuedTokens.add(tokens.refreshToken);
    return tokens;
  }

  const fixture: SyncFixture = {
    db,
    temporal,
    simulator,
    sealer,
    oauth,
    merchant,
    deps,
    logLines,
    issuedTokens,
    worker,

    workerEnv: () => ({
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TEMPORAL_TASK_QUEUE: temporal.taskQueue,
      INTUIT_CLIENT_ID: TEST_APP.clientId,
      INTUIT_CLIENT_SECRET: TEST_APP.clientSecret,
      INTUIT_REDIRECT_URI: TEST_APP.redirectUri,
      QBO_SIMULATOR_URL: simulator.url,
      TOKEN_ENCRYPTION_KEYS: encryptionKey.toString('base64'),
      LOG_LEVEL: 'warn',
    }),

    async createCompany(request = {}) {
      return (await simulator.control.createCompany(request)).realmId;
    },

    async connect(connectOptions = {}) {
      const realmId = connectOptions.realmId ?? (await fixture.createCompany(connectOptions.company));
      const connection = await createConnection(db.db, { merchantId: merchant.id });
      const tokens = await authorize(realmId);
      await recordConnectionRealm(db.db, { connectionId: connection.id, realmId });
      const input: ConnectionWorkflowInput = { connectionId: connection.id, merchantId: merchant.id, syncIntervalMs: 60 * 60_000, ...options.workflow, ...connectOptions.workflow };
      const handle = await temporal.client.workflow.signalWithStart(quickBooksConnectionWorkflow, {
        workflowId: workflowIdForConnection(connection.id),
        taskQueue: temporal.taskQueue,
        args: [input],
        signal: tokensIssuedSignal,
        signalArgs: [{ realmId, sealedTokens: sealer.sealJson(tokens) }],
      });
      return { connectionId: connection.id, realmId, input, handle: temporal.client.workflow.getHandle(handle.workflowId) };
    },

    async reauthorize(connection, reauthorizeOptions = {}) {
      const realmId = reauthorizeOptions.realmId ?? connection.realmId;
      const tokens = await authorize(realmId);
      // Signal-with-start, like the callback: it also starts the workflow again if it is gone.
      await temporal.client.workflow.signalWithStart(quickBooksConnectionWorkflow, {
        workflowId: connection.handle.workflowId,
        taskQueue: temporal.taskQueue,
        args: [connection.input],
        signal: tokensIssuedSignal,
        signalArgs: [{ realmId, sealedTokens: sealer.sealJson(tokens) }],
      });
    },

    status: (connection) => connection.handle.query(statusQuery),

    async waitFor(connection, predicate, timeoutMs = 30_000) {
      let last: ConnectionStatusView | undefined;
      await expect
        .poll(async () => predicate((last = await fixture.status(connection))), { timeout: timeoutMs, interval: 100 })
        .toBe(true);
      return last!;
    },

    async compare(connection) {
      return compareWithSnapshot(db.db, connection.connectionId, await simulator.control.snapshot(connection.realmId));
    },

    async waitForSnapshotMatch(connection, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const comparison = await fixture.compare(connection);
        if (comparison.lost + comparison.mismatched + comparison.duplicated === 0 && comparison.live > 0) return comparison;
        if (Date.now() > deadline) {
          const status = await fixture.status(connection).catch((error: unknown) => String(error));
          const pending = (await connection.handle.describe()).raw.pendingActivities?.map((activity) => ({
            type: activity.activityType?.name,
            state: activity.state,
            attempt: activity.attempt,
            lastFailure: activity.lastFailure?.message,
          }));
          throw new Error(`records never matched the simulator's snapshot: ${JSON.stringify({ ...comparison, status, pending }, null, 2)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },

    async close() {
      worker?.shutdown();
      await running;
      await Promise.all([simulator.close(), temporal.close()]);
      await db.destroy();
    },
  };
  return fixture;
}

/** The connection row as the API would read it. */
export async function connectionRow(fixture: SyncFixture, connection: ConnectedCompany) {
  return getConnection(fixture.db.db, connection.connectionId);
}
