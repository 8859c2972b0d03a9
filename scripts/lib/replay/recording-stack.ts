/**
 * Everything real that a history fixture is recorded on, in one process: a Temporal dev server, a
 * migrated database (PGlite in memory unless DATABASE_URL names a migrated Postgres), the QuickBooks
 * simulator, and the production worker wiring (`createSyncWorker`) on the production task queue.
 * Connecting a company walks the simulator's consent page and starts the workflow exactly as the API's
 * OAuth callback does (signal-with-start of `tokensIssued`, with the same search attributes).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../../../activities/index.js';
import { openDatabase, type DatabaseHandle } from '../../../db/client.js';
import { migrateDatabase } from '../../../db/migrate.js';
import { createConnection, recordConnectionRealm } from '../../../db/queries/connections.js';
import { createMerchant, type Merchant } from '../../../db/queries/merchants.js';
import { createAccountingApi } from '../../../quickbooks/accounting-api.js';
import { createIntuitOAuth, type IntuitOAuth } from '../../../quickbooks/oauth.js';
import { createRealmRateLimiter } from '../../../quickbooks/rate-limiter.js';
import { intuitEndpoints } from '../../../shared/config.js';
import { DEFAULT_TASK_QUEUE, WORKFLOW_TYPE, workflowIdForConnection } from '../../../shared/contract.js';
import { createLogger } from '../../../shared/logger.js';
import { createTokenSealer, type TokenSealer } from '../../../shared/seal.js';
import { connectionStatusKey, merchantIdKey, realmIdKey } from '../../../shared/search-attributes.js';
import { completeConsent, startSimulator, type CreateCompanyRequest, type FaultRule, type RunningSimulator } from '../../../simulator/index.js';
import { createSyncWorker } from '../../../worker/create-worker.js';
import { statusQuery, tokensIssuedSignal } from '../../../workflows/messages.js';
import type { ConnectionStatusView } from '../../../shared/workflow-payloads.js';
import type { quickBooksConnectionWorkflow } from '../../../workflows/index.js';
import type { ConnectionWorkflowInput } from '../../../shared/workflow-payloads.js';
import { findTemporalBinaries } from '../temporal-binaries.js';
import { startTemporalDevServer, type RunningDevServer } from '../temporal-dev-server.js';
import type { History } from './history-json.js';

const APP = { clientId: 'fixture-recorder', clientSecret: 'fixture-recorder-secret', redirectUri: 'http://127.0.0.1:9/oauth/quickbooks/callback' };

export interface RecordedConnection {
  connectionId: string;
  realmId: string;
  handle: WorkflowHandle<typeof quickBooksConnectionWorkflow>;
}

export interface RecordingStack {
  client: Client;
  simulator: RunningSimulator;
  database: DatabaseHandle;
  merchant: Merchant;
  connect(company: CreateCompanyRequest, workflow: Partial<ConnectionWorkflowInput>): Promise<RecordedConnection>;
  reauthorize(connection: RecordedConnection): Promise<void>;
  status(connection: RecordedConnection): Promise<ConnectionStatusView>;
  /** Polls the status query until `predicate` holds. */
  waitFor(connection: RecordedConnection, what: string, predicate: (view: ConnectionStatusView) => boolean, timeoutMs?: number): Promise<ConnectionStatusView>;
  /** Faults for one company; the simulator's rule list is the union over companies. */
  setFaults(realmId: string, rules: Omit<FaultRule, 'realmId'>[]): Promise<void>;
  /** The run's history once the workflow is at rest: no activity pending, nothing new for a while. */
  settledHistory(workflowId: string, runId?: string): Promise<History>;
  close(): Promise<void>;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

export async function startRecordingStack(options: { workflowBundle: { code: string }; log?: (line: string) => void }): Promise<RecordingStack> {
  const log = options.log ?? (() => {});
  const cli = findTemporalBinaries().cli;
  if (!cli) throw new Error('the Temporal CLI was not found: run `npx tsx scripts/ensure-temporal-binaries.ts` or set TEMPORAL_CLI_PATH');
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error: unknown) => log(`cleanup: ${(error as Error).message}`));
  };
  try {
    const server: RunningDevServer = await startTemporalDevServer({ cliPath: cli });
    closers.push(() => server.stop());
    log(`Temporal dev server at ${server.address}`);
    const database = await openDatabase({ url: process.env.DATABASE_URL, maxConnections: 5 });
    closers.push(() => database.close());
    if (database.driver === 'pglite') await migrateDatabase(database);
    const simulator = await startSimulator({ apps: [{ clientId: APP.clientId, clientSecret: APP.clientSecret, redirectUris: [APP.redirectUri] }], seed: 20260601 });
    closers.push(() => simulator.close());

    const sealer: TokenSealer = createTokenSealer([randomBytes(32)]);
    const logger = createLogger({ level: 'error', name: 'recorder' });
    const endpoints = intuitEndpoints('sandbox', simulator.url);
    const oauth: IntuitOAuth = createIntuitOAuth({ ...APP, environment: 'sandbox', endpoints, logger });
    const deps: ActivityDeps = {
      db: database.db,
      sealer,
      oauth,
      api: createAccountingApi({ baseUrl: endpoints.accountingApi, limiter: createRealmRateLimiter({}), logger, requestTimeoutMs: 10_000 }),
      logger,
    };
    const connection = await Connection.connect({ address: server.address });
    closers.push(() => connection.close());
    const client = new Client({ connection, namespace: server.namespace });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    closers.push(() => nativeConnection.close());
    const worker: Worker = await createSyncWorker({ connection: nativeConnection, namespace: server.namespace, taskQueue: DEFAULT_TASK_QUEUE, deps, workflowBundle: options.workflowBundle });
    const running = worker.run();
    closers.push(async () => {
      worker.shutdown();
      await running;
    });
    const merchant = await createMerchant(database.db, { name: 'Fixture Merchant', keyHash: randomBytes(16).toString('hex'), keyPrefix: 'qbk_rec' });
    const faults = new Map<string, FaultRule[]>();

    async function sealedTokensFor(realmId: string): Promise<string> {
      const state = randomUUID();
      const redirect = new URL(await completeConsent(oauth.authorizeUrl({ state }), { realmId, decision: 'connect' }));
      const code = redirect.searchParams.get('code');
      if (!code) throw new Error(`the consent did not return a code: ${redirect.toString()}`);
      return sealer.sealJson(await oauth.exchangeCode({ code, realmId, state }));
    }

    const stack: RecordingStack = {
      client,
      simulator,
      database,
      merchant,

      async connect(company, workflow) {
        const { realmId } = await simulator.control.createCompany(company);
        const row = await createConnection(database.db, { merchantId: merchant.id });
        const sealedTokens = await sealedTokensFor(realmId);
        await recordConnectionRealm(database.db, { connectionId: row.id, realmId });
        const input: ConnectionWorkflowInput = { connectionId: row.id, merchantId: merchant.id, syncIntervalMs: 60 * 60_000, ...workflow };
        const workflowId = workflowIdForConnection(row.id);
        await client.workflow.signalWithStart<typeof quickBooksConnectionWorkflow, [{ realmId: string; sealedTokens: string }]>(WORKFLOW_TYPE, {
          workflowId,
          taskQueue: DEFAULT_TASK_QUEUE,
          args: [input],
          signal: tokensIssuedSignal.name,
          signalArgs: [{ realmId, sealedTokens }],
          typedSearchAttributes: [
            { key: merchantIdKey, value: merchant.id },
            { key: realmIdKey, value: realmId },
            { key: connectionStatusKey, value: row.status },
          ],
        });
        return { connectionId: row.id, realmId, handle: client.workflow.getHandle<typeof quickBooksConnectionWorkflow>(workflowId) };
      },

      async reauthorize(recorded) {
        await recorded.handle.signal(tokensIssuedSignal, { realmId: recorded.realmId, sealedTokens: await sealedTokensFor(recorded.realmId) });
      },

      status: (recorded) => recorded.handle.query(statusQuery),

      waitFor(recorded, what, predicate, timeoutMs = 60_000) {
        return until(`${what} (${recorded.handle.workflowId})`, timeoutMs, async () => {
          const view = await stack.status(recorded);
          return predicate(view) ? view : undefined;
        });
      },

      async setFaults(realmId, rules) {
        if (rules.length > 0) faults.set(realmId, rules.map((rule) => ({ ...rule, realmId })));
        else faults.delete(realmId);
        await simulator.control.setFaults({ rules: [...faults.values()].flat() });
      },

      async settledHistory(workflowId, runId) {
        const handle = client.workflow.getHandle(workflowId, runId);
        let previous = -1;
        let steady = 0;
        return until(`${workflowId} to settle`, 60_000, async () => {
          const description = await handle.describe();
          const history = await handle.fetchHistory();
          const events = history.events?.length ?? 0;
          const atRest = (description.raw.pendingActivities?.length ?? 0) === 0 && !description.raw.pendingWorkflowTask;
          steady = atRest && events === previous ? steady + 1 : 0;
          previous = events;
          return steady >= 3 ? history : undefined;
        });
      },

      close,
    };
    return stack;
  } catch (error) {
    await close();
    throw error;
  }
}
