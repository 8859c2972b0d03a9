/**
 * Everything a connection-workflow test needs, all real: the harness stack (harness/stack.ts) over a
 * migrated copy of the run's template database and the run's Temporal dev server, with a worker on the
 * file's own task queue and the QuickBooks simulator. `connect()` walks the OAuth consent like a
 * merchant and hands the tokens to the workflow exactly as the API's callback does (harness/connect.ts).
 */
import { Writable } from 'node:stream';
import type { WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { expect } from 'vitest';
import type { ActivityDeps } from '../../activities/index.js';
import type { WorkflowOptions } from '../../connections/workflow-client.js';
import { getConnection } from '../../db/queries/connections.js';
import type { Merchant } from '../../db/queries/merchants.js';
import { connectCompany, reauthorizeConnection, type StackConnection } from '../../harness/connect.js';
import type { ManagedProcess } from '../../harness/node-process.js';
import { startStack, type Stack } from '../../harness/stack.js';
import { compareWithSnapshot, type RecordComparison } from '../../harness/verify-records.js';
import type { AccountingApiOptions } from '../../quickbooks/accounting-api.js';
import type { IntuitOAuth } from '../../quickbooks/oauth.js';
import { createLogger } from '../../shared/logger.js';
import type { TokenSealer } from '../../shared/seal.js';
import type { QuickBooksTokenSet } from '../../shared/tokens.js';
import type { ConnectionStatusView, ConnectionWorkflowInput } from '../../shared/workflow-payloads.js';
import type { RunningSimulator } from '../../simulator/index.js';
import type { CreateCompanyRequest, SimulatorConfig } from '../../simulator/types.js';
import type { quickBooksConnectionWorkflow } from '../../workflows/index.js';
import { statusQuery } from '../../workflows/messages.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { connectTestTemporal, type TestTemporal } from './temporal.js';

export interface SyncFixtureOptions {
  simulatorConfig?: Partial<SimulatorConfig>;
  /** Options of the accounting API client (e.g. a shorter request timeout for fault tests). */
  api?: Partial<AccountingApiOptions>;
  /** Defaults for every connection's workflow input. */
  workflow?: WorkflowOptions;
  /** `false`: no worker in this process (the test runs `npm run worker` processes itself, see workerEnv). */
  inProcessWorker?: boolean;
  /** Notice emails go through this SMTP server (see ./smtp-inbox.ts), linking to `publicBaseUrl`. */
  email?: { smtpUrl: string; publicBaseUrl: string };
}

export interface ConnectedCompany extends StackConnection {
  handle: WorkflowHandle<typeof quickBooksConnectionWorkflow>;
  /** The workflow options it was started with, for starting it again as the API's callback does. */
  workflow: WorkflowOptions;
}

export interface SyncFixture {
  db: TestDatabase;
  temporal: TestTemporal;
  stack: Stack;
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
  /** The environment of a production worker process (`worker/main.ts`) serving this fixture's task queue, on the run's prebuilt workflow bundle (as in the image). */
  workerEnv(): Record<string, string>;
  /** A production worker process (`worker/main.ts`) with that environment, through the stack (its whole output in `<workDir>/<label>.log`). */
  spawnWorker(label: string): ManagedProcess;
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
  const [db, temporal] = await Promise.all([createTestDatabase(), connectTestTemporal()]);
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (chunk, _encoding, done) => void (logLines.push(String(chunk)), done()) }) });
  // Worker processes load the run's prebuilt workflow bundle, as in the image (no webpack run each).
  const processWorkerEnv = { LOG_LEVEL: 'warn', WORKFLOW_BUNDLE_PATH: temporal.workflowBundle.codePath };
  const stack = await startStack({
    database: { url: db.url },
    temporal: { address: temporal.address, namespace: temporal.namespace },
    taskQueue: temporal.taskQueue,
    simulator: { config: options.simulatorConfig },
    inProcessWorker: options.inProcessWorker === false ? undefined : { workflowBundle: temporal.workflowBundle, api: options.api },
    logger,
    ...(options.email ? { email: options.email } : {}),
  });
  const merchant = await stack.createMerchant('Fixture Merchant');
  const issuedTokens = new Set<string>();
  const remember = (tokens: QuickBooksTokenSet) => {
    issuedTokens.add(tokens.accessToken);
    issuedTokens.add(tokens.refreshToken);
  };
  const withHandle = (connection: StackConnection, workflow: WorkflowOptions): ConnectedCompany => ({
    ...connection,
    workflow,
    handle: stack.client.workflow.getHandle<typeof quickBooksConnectionWorkflow>(connection.workflowId),
  });

  const fixture: SyncFixture = {
    db,
    temporal,
    stack,
    simulator: stack.simulator,
    sealer: stack.sealer,
    oauth: stack.oauth,
    merchant,
    deps: stack.activityDeps,
    logLines,
    issuedTokens,
    worker: stack.worker,
    workerEnv: () => stack.workerEnv(processWorkerEnv),
    spawnWorker: (label) => stack.spawnWorker({ label, env: processWorkerEnv }),

    async createCompany(request = {}) {
      return (await stack.simulator.control.createCompany(request)).realmId;
    },

    async connect(connectOptions = {}) {
      const realmId = connectOptions.realmId ?? (await fixture.createCompany(connectOptions.company));
      const workflow = { syncIntervalMs: 60 * 60_000, ...options.workflow, ...connectOptions.workflow };
      return withHandle(await connectCompany(stack, { merchantId: merchant.id, realmId, workflow, onTokens: remember }), workflow);
    },

    async reauthorize(connection, reauthorizeOptions = {}) {
      await reauthorizeConnection(stack, connection, { realmId: reauthorizeOptions.realmId, workflow: connection.workflow, onTokens: remember });
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
      return compareWithSnapshot(db.db, connection.connectionId, await stack.simulator.control.snapshot(connection.realmId));
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
      await stack.close();
      await temporal.close();
      await db.destroy();
    },
  };
  return fixture;
}

/** The connection row as the API would read it. */
export async function connectionRow(fixture: SyncFixture, connection: ConnectedCompany) {
  return getConnection(fixture.db.db, connection.connectionId);
}
