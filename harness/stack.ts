/**
 * The one way to assemble the product for a test, a chaos run, a benchmark or the history-fixture
 * recorder: a migrated database, Temporal, the QuickBooks simulator with our app registered, the
 * intuit-oauth client and token sealer a merchant's callback would use, the product's own workflow
 * client (token delivery and signals), and workers — the production wiring in this process, or
 * production worker processes (`worker/main.ts`) configured like `npm run worker` against all of it —
 * and, for the production topology, API processes (`api/main.ts`) configured like `npm run api`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkerOptions } from '@temporalio/worker';
import { createMailer } from '../activities/email/mailer.js';
import type { ActivityDeps } from '../activities/index.js';
import { createConnectionWorkflows, type ConnectionWorkflows, type WorkflowOptions } from '../connections/workflow-client.js';
import { openDatabase, type Database } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { createMerchant, type Merchant } from '../db/queries/merchants.js';
import { requireTemporalBinaries } from '../local/temporal-binaries.js';
import { createAccountingApi, type AccountingApiOptions } from '../quickbooks/accounting-api.js';
import { createIntuitOAuth, type IntuitOAuth } from '../quickbooks/oauth.js';
import { createSharedRealmRateLimiter } from '../quickbooks/shared-rate-limiter.js';
import { intuitEndpoints } from '../shared/config.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { createTokenSealer, type TokenSealer } from '../shared/seal.js';
import { startSimulator, type RunningSimulator } from '../simulator/index.js';
import type { SimulatorConfig } from '../simulator/types.js';
import { createSyncWorker } from '../worker/create-worker.js';
import { spawnNodeProcess, type ManagedProcess } from './node-process.js';
import { createScratchDatabase, dropOrphanDatabases } from './postgres.js';
import { RestartableTemporalServer } from './restartable-temporal.js';

export interface StackOptions {
  /** A migrated database that outlives the stack (a test file's copy); a scratch one created and dropped with it; or PGlite in memory. */
  database: { url: string } | { scratch: string; dropOrphansWithPrefix?: string; maxConnections?: number } | 'pglite';
  /** A Temporal server that outlives the stack (the test run's); without it the stack runs a dev server of its own. */
  temporal?: { address: string; namespace: string };
  /** The stack's own dev server persists to a SQLite file in workDir, so it can be killed and restarted. */
  persistTemporal?: boolean;
  temporalDynamicConfig?: Record<string, unknown>;
  /** The QuickBooks simulator, with our app registered; `false`: none (an API test that never reaches Intuit), its endpoints then a closed port. */
  simulator?: SimulatorChoice | false;
  /** The redirect URI registered with the simulator (the API's callback when the stack serves the API). */
  redirectUri?: string;
  /** The app's Disconnect URL registered with the simulator (the API's `/quickbooks/disconnect` behind the load balancer). */
  disconnectUrl?: string;
  /** Task queue of the workers (default: a fresh one per stack). */
  taskQueue?: string;
  /** The production worker wiring in this process; without it, workers are processes (spawnWorker). */
  inProcessWorker?: { workflowBundle: WorkerOptions['workflowBundle']; api?: Partial<AccountingApiOptions> };
  /** What every workflow started through `stack.workflows` gets unless a connection says otherwise. */
  workflowDefaults?: WorkflowOptions;
  /** Worker logs (and a persisted Temporal) go here; removed by close() unless `keepWorkDir`. */
  workDir?: string;
  keepWorkDir?: boolean;
  logger?: Logger;
  /** Notice emails: the activities (in process, and of spawned workers) send them through this SMTP server, linking to `publicBaseUrl`. */
  email?: { smtpUrl: string; publicBaseUrl: string };
}

export interface SimulatorChoice {
  seed?: number;
  config?: Partial<SimulatorConfig>;
}

export interface Stack {
  database: { db: Database; url: string | undefined; name: string | undefined };
  temporal: { address: string; namespace: string };
  /** The stack's own dev server (absent when the stack uses an existing server). */
  temporalServer: RestartableTemporalServer | undefined;
  client: Client;
  simulator: RunningSimulator;
  oauth: IntuitOAuth;
  sealer: TokenSealer;
  /** The Intuit app the product is registered as, in the simulator. */
  app: { clientId: string; clientSecret: string; redirectUri: string };
  /** The bearer token of `POST /v1/merchants` that API processes of this stack accept. */
  adminApiKey: string;
  taskQueue: string;
  /** The product's own workflow client: token delivery (signal-with-start) and signals, as the API does them. */
  workflows: ConnectionWorkflows;
  /** What the activities of an in-process worker get (tests call activities with it too). */
  activityDeps: ActivityDeps;
  worker: Worker | undefined;
  logger: Logger;
  /** Where spawned processes write their whole output (`<workDir>/<label>.log`); removed by close() unless `keepWorkDir`. */
  workDir: string;
  /** The environment of `npm run worker` against this stack. */
  workerEnv(extra?: Record<string, string>): Record<string, string>;
  /** Starts a worker process (default entry worker/main.ts); its output goes to `<workDir>/<label>.log`. */
  spawnWorker(options: { label: string; entry?: string; env?: Record<string, string>; nodeFlags?: string[] }): ManagedProcess;
  /** The environment of `npm run api` against this stack (the settings every replica and worker share, plus PORT). */
  apiEnv(port: number, extra?: Record<string, string>): Record<string, string>;
  /** Starts an API process (api/main.ts) on `port`; ready once it prints API_READY. Its output goes to `<workDir>/<label>.log`. */
  spawnApi(options: { label: string; port: number; env?: Record<string, string> }): ManagedProcess;
  createMerchant(name?: string): Promise<Merchant>;
  close(): Promise<void>;
}

/** A stack started with `simulator: false`. */
export type StackWithoutSimulator = Omit<Stack, 'simulator'> & { simulator: undefined };

/** Nothing listens on the discard port: without a simulator, a call to Intuit fails at once. */
const NO_INTUIT_URL = 'http://127.0.0.1:9';
const APP = { clientId: 'stack-client-id', redirectUri: `${NO_INTUIT_URL}/oauth/quickbooks/callback` };

export function startStack(options: StackOptions & { simulator: false }): Promise<StackWithoutSimulator>;
export function startStack(options: StackOptions & { simulator?: SimulatorChoice }): Promise<Stack>;
export function startStack(options: StackOptions): Promise<Stack | StackWithoutSimulator>;
export async function startStack(options: StackOptions): Promise<Stack | StackWithoutSimulator> {
  const workDir = options.workDir ?? join(process.cwd(), '.cache', 'stacks', `${process.pid}-${randomUUID()}`);
  mkdirSync(workDir, { recursive: true });
  // A secret of its own per stack, so a leak scan can look for it.
  const app = { ...APP, clientSecret: `stack-client-secret-${randomBytes(12).toString('hex')}`, redirectUri: options.redirectUri ?? APP.redirectUri };
  const encryptionKey = randomBytes(32);
  const adminApiKey = `stack-admin-${randomBytes(16).toString('hex')}`;
  const sealer = createTokenSealer([encryptionKey]);
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const taskQueue = options.taskQueue ?? `stack-${randomUUID()}`;
  const cleanups: (() => Promise<unknown>)[] = [];
  const processes = new Set<ManagedProcess>();
  const cleanUp = async () => {
    // Nothing of a finished run needs a graceful drain.
    await Promise.allSettled([...processes].map((child) => child.stop('SIGKILL')));
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (!options.keepWorkDir) rmSync(workDir, { recursive: true, force: true });
  };

  try {
    const [database, temporalServer, simulator] = await Promise.all([
      openStackDatabase(options.database, cleanups),
      options.temporal
        ? undefined
        : RestartableTemporalServer.start({
            cliPath: requireTemporalBinaries().cli,
            dbFilename: options.persistTemporal ? join(workDir, 'temporal.sqlite') : undefined,
            dynamicConfig: options.temporalDynamicConfig,
          }).then((server) => (cleanups.push(() => server.stop()), server)),
      options.simulator === false
        ? undefined
        : startSimulator({ seed: options.simulator?.seed, config: options.simulator?.config, apps: [{ clientId: app.clientId, clientSecret: app.clientSecret, redirectUris: [app.redirectUri], ...(options.disconnectUrl ? { disconnectUrl: options.disconnectUrl } : {}) }] }).then(
            (running) => (cleanups.push(() => running.close()), running),
          ),
    ]);
    const temporal = options.temporal ?? { address: temporalServer!.address, namespace: temporalServer!.namespace };
    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: temporal.namespace });
    const intuitUrl = simulator?.url ?? NO_INTUIT_URL;
    const endpoints = intuitEndpoints('sandbox', intuitUrl);
    const oauth = createIntuitOAuth({ ...app, environment: 'sandbox', endpoints, logger, requestTimeoutMs: 10_000 });
    const activityDeps: ActivityDeps = {
      db: database.db,
      sealer,
      oauth,
      api: createAccountingApi({ baseUrl: endpoints.accountingApi, limiter: createSharedRealmRateLimiter({ db: database.db, logger }), logger, requestTimeoutMs: 10_000, ...options.inProcessWorker?.api }),
      logger,
      ...(options.email ? { email: { mailer: createMailer({ smtpUrl: options.email.smtpUrl, from: 'QuickBooks sync <notices@localhost>', timeoutMs: 5_000 }), publicBaseUrl: options.email.publicBaseUrl } } : {}),
    };
    if (activityDeps.email) {
      const { mailer } = activityDeps.email;
      cleanups.push(async () => mailer.close());
    }
    const worker = options.inProcessWorker ? await startInProcessWorker(temporal, taskQueue, activityDeps, options.inProcessWorker.workflowBundle, cleanups) : undefined;

    const workerEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      INTUIT_CLIENT_ID: app.clientId,
      INTUIT_CLIENT_SECRET: app.clientSecret,
      INTUIT_REDIRECT_URI: app.redirectUri,
      QBO_SIMULATOR_URL: intuitUrl,
      TOKEN_ENCRYPTION_KEYS: encryptionKey.toString('base64'),
      // Several workers on one host: each takes a free port for its /metrics.
      WORKER_METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      ...(options.email ? { SMTP_URL: options.email.smtpUrl, PUBLIC_BASE_URL: options.email.publicBaseUrl } : {}),
      ...extra,
    });
    const apiEnv = (port: number, extra: Record<string, string> = {}): Record<string, string> => {
      const { WORKER_METRICS_PORT: _workerOnly, ...shared } = workerEnv();
      return { ...shared, ADMIN_API_KEY: adminApiKey, PORT: String(port), ...extra };
    };
    const spawnChild = (label: string, entry: string, env: Record<string, string>, nodeFlags?: string[]) => {
      const child = spawnNodeProcess({ label, entry, env, nodeFlags, logFile: join(workDir, `${label}.log`) });
      processes.add(child);
      void child.exited.then(() => processes.delete(child));
      return child;
    };

    return {
      database,
      temporal,
      temporalServer,
      client,
      simulator,
      oauth,
      sealer,
      app,
      adminApiKey,
      taskQueue,
      workflows: createConnectionWorkflows({ client, taskQueue, logger, syncIntervalMs: 60 * 60_000 }),
      activityDeps,
      worker,
      logger,
      workDir,
      workerEnv,
      spawnWorker: (spawnOptions) => spawnChild(spawnOptions.label, spawnOptions.entry ?? 'worker/main.ts', workerEnv(spawnOptions.env), spawnOptions.nodeFlags),
      apiEnv,
      spawnApi(spawnOptions) {
        if (!database.url) throw new Error('API processes need a Postgres database (PGlite is one process’s)');
        return spawnChild(spawnOptions.label, 'api/main.ts', apiEnv(spawnOptions.port, spawnOptions.env));
      },
      createMerchant: (name = `Merchant ${randomBytes(3).toString('hex')}`) => createMerchant(database.db, { name, keyHash: randomBytes(32).toString('hex'), keyPrefix: 'qbk_stk' }),
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

async function openStackDatabase(choice: StackOptions['database'], cleanups: (() => Promise<unknown>)[]): Promise<Stack['database']> {
  if (choice === 'pglite') {
    const handle = await openDatabase({ url: undefined });
    cleanups.push(() => handle.close());
    await migrateDatabase(handle);
    return { db: handle.db, url: undefined, name: undefined };
  }
  if ('url' in choice) {
    const handle = await openDatabase({ url: choice.url, maxConnections: 5 });
    cleanups.push(() => handle.close());
    return { db: handle.db, url: choice.url, name: new URL(choice.url).pathname.slice(1) };
  }
  if (choice.dropOrphansWithPrefix) await dropOrphanDatabases(choice.dropOrphansWithPrefix).catch(() => []);
  const scratch = await createScratchDatabase(choice.scratch, { maxConnections: choice.maxConnections });
  cleanups.push(() => scratch.drop());
  return { db: scratch.db, url: scratch.url, name: scratch.name };
}

async function startInProcessWorker(
  temporal: { address: string; namespace: string },
  taskQueue: string,
  deps: ActivityDeps,
  workflowBundle: WorkerOptions['workflowBundle'],
  cleanups: (() => Promise<unknown>)[],
): Promise<Worker> {
  const connection = await NativeConnection.connect({ address: temporal.address });
  cleanups.push(() => connection.close());
  const worker = await createSyncWorker({ connection, namespace: temporal.namespace, taskQueue, deps, workflowBundle });
  const running = worker.run();
  cleanups.push(async () => {
    worker.shutdown();
    await running;
  });
  return worker;
}
