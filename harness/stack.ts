/**
 * The whole product stack for one chaos run or benchmark, started by the script itself: a migrated
 * Postgres database (dropped at the end), a Temporal dev server (optionally on a SQLite file, so it can be
 * SIGKILLed and restarted), the QuickBooks simulator (in this process), and production worker processes
 * (`node --import tsx worker/main.ts`) configured like `npm run worker` against all of that. The
 * orchestrator holds the Temporal client, the intuit-oauth client and the token sealer a merchant's
 * callback would use.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createMerchant, type Merchant } from '../db/queries/merchants.js';
import { createIntuitOAuth, type IntuitOAuth } from '../quickbooks/oauth.js';
import { intuitEndpoints } from '../shared/config.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { createTokenSealer, type TokenSealer } from '../shared/seal.js';
import { startSimulator, type RunningSimulator } from '../simulator/index.js';
import type { SimulatorConfig } from '../simulator/types.js';
import { requireTemporalBinaries } from '../local/temporal-binaries.js';
import { spawnNodeProcess, type ManagedProcess } from './node-process.js';
import { createScratchDatabase, dropOrphanDatabases, type ScratchDatabase } from './scratch-database.js';
import { RestartableTemporalServer } from './restartable-temporal.js';

/** The Intuit app the product is registered as, in the simulator. */
export const STACK_APP = { clientId: 'stack-client-id', clientSecret: 'stack-client-secret', redirectUri: 'http://127.0.0.1:9/oauth/quickbooks/callback' };

export interface StackOptions {
  /** Database names are `<databasePrefix><pid>_<suffix>`; orphans of dead pids with this prefix are dropped first. */
  databasePrefix: string;
  databaseSuffix: string;
  /** Where the Temporal SQLite file and process logs go; created, and removed by close() unless `keepWorkDir`. */
  workDir: string;
  keepWorkDir?: boolean;
  /** Persist Temporal to a SQLite file in workDir (needed to restart it); in memory otherwise. */
  persistTemporal?: boolean;
  temporalDynamicConfig?: Record<string, unknown>;
  simulatorSeed?: number;
  simulatorConfig?: Partial<SimulatorConfig>;
  /** The redirect URI registered with the simulator (the API's callback when a test runs the API). */
  redirectUri?: string;
  /** Task queue of the workers (default: a fresh one per stack). */
  taskQueue?: string;
  orchestratorDbConnections?: number;
}

export interface SyncStack {
  database: ScratchDatabase;
  temporal: RestartableTemporalServer;
  client: Client;
  simulator: RunningSimulator;
  oauth: IntuitOAuth;
  sealer: TokenSealer;
  app: typeof STACK_APP;
  taskQueue: string;
  workDir: string;
  /** Quiet by default; the chaos run logs its own events. */
  logger: Logger;
  /** The environment of `npm run worker` against this stack. */
  workerEnv(extra?: Record<string, string>): Record<string, string>;
  /** Starts a worker process (default entry worker/main.ts); its output goes to `<workDir>/<label>.log`. */
  spawnWorker(options: { label: string; entry?: string; env?: Record<string, string>; nodeFlags?: string[] }): ManagedProcess;
  createMerchant(name?: string): Promise<Merchant>;
  close(): Promise<void>;
}

export async function startSyncStack(options: StackOptions): Promise<SyncStack> {
  mkdirSync(options.workDir, { recursive: true });
  const binaries = requireTemporalBinaries();
  await dropOrphanDatabases(options.databasePrefix).catch(() => []);
  const redirectUri = options.redirectUri ?? STACK_APP.redirectUri;
  const app = { ...STACK_APP, redirectUri };
  const encryptionKey = randomBytes(32);
  const taskQueue = options.taskQueue ?? `stack-${randomUUID()}`;
  const cleanups: (() => Promise<unknown>)[] = [];
  const processes = new Set<ManagedProcess>();

  const cleanUp = async () => {
    // Nothing of a finished run needs a graceful drain.
    await Promise.allSettled([...processes].map((child) => child.stop('SIGKILL')));
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (!options.keepWorkDir) rmSync(options.workDir, { recursive: true, force: true });
  };

  try {
    const [database, temporal, simulator] = await Promise.all([
      createScratchDatabase(`${options.databasePrefix}${process.pid}_${options.databaseSuffix}`, { maxConnections: options.orchestratorDbConnections }).then((db) => {
        cleanups.push(() => db.drop());
        return db;
      }),
      RestartableTemporalServer.start({
        cliPath: binaries.cli,
        dbFilename: options.persistTemporal ? join(options.workDir, 'temporal.sqlite') : undefined,
        dynamicConfig: options.temporalDynamicConfig,
      }).then((server) => {
        cleanups.push(() => server.stop());
        return server;
      }),
      startSimulator({
        seed: options.simulatorSeed,
        apps: [{ clientId: app.clientId, clientSecret: app.clientSecret, redirectUris: [redirectUri] }],
        config: options.simulatorConfig,
      }).then((simulator) => {
        cleanups.push(() => simulator.close());
        return simulator;
      }),
    ]);
    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: temporal.namespace });
    const logger = createLogger({ level: 'silent' });
    const oauth = createIntuitOAuth({
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUri,
      environment: 'sandbox',
      endpoints: intuitEndpoints('sandbox', simulator.url),
      logger,
      requestTimeoutMs: 10_000,
    });

    const workerEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      INTUIT_CLIENT_ID: app.clientId,
      INTUIT_CLIENT_SECRET: app.clientSecret,
      INTUIT_REDIRECT_URI: redirectUri,
      QBO_SIMULATOR_URL: simulator.url,
      TOKEN_ENCRYPTION_KEYS: encryptionKey.toString('base64'),
      // Several workers on one host: each takes a free port for its /metrics.
      WORKER_METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      ...extra,
    });

    return {
      database,
      temporal,
      client,
      simulator,
      oauth,
      sealer: createTokenSealer([encryptionKey]),
      app,
      taskQueue,
      workDir: options.workDir,
      logger,
      workerEnv,
      spawnWorker(spawnOptions) {
        const child = spawnNodeProcess({
          label: spawnOptions.label,
          entry: spawnOptions.entry ?? 'worker/main.ts',
          env: workerEnv(spawnOptions.env),
          nodeFlags: spawnOptions.nodeFlags,
          logFile: join(options.workDir, `${spawnOptions.label}.log`),
        });
        processes.add(child);
        void child.exited.then(() => processes.delete(child));
        return child;
      },
      createMerchant: (name = `Merchant ${randomBytes(3).toString('hex')}`) =>
        createMerchant(database.db, { name, keyHash: randomBytes(32).toString('hex'), keyPrefix: 'qbk_stk' }),
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
