/**
 * `npm start`: the whole product in one process, with nothing to configure. A Temporal dev server with
 * its Web UI (a child process), PGlite in the data folder, the QuickBooks simulator, the worker and the
 * API with the dashboard; secrets generated once and kept; a demo merchant whose API key is printed.
 * TEMPORAL_ADDRESS, DATABASE_URL and INTUIT_CLIENT_ID (or QBO_SIMULATOR_URL) replace the embedded
 * pieces. Ctrl-C stops everything in order and exits 0; the next start carries on where this one was.
 */
import { ConfigError, loadConfig, type Config } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { createMetricsRegistry, startApiServer } from '../local/api-server.js';
import { formatBanner, startUrls } from '../local/banner.js';
import { prepareDataDir } from '../local/data-dir.js';
import { openMigratedDatabase } from '../local/database.js';
import { ensureDemoMerchant } from '../local/demo-merchant.js';
import { acquireInstanceLock } from '../local/instance-lock.js';
import { effectiveConfig, planStart, type StartPlan } from '../local/plan.js';
import { assertPortsFree, type NeededPort } from '../local/ports.js';
import { startPgliteWireServer } from '../local/pglite-wire-server.js';
import { writeRunningStack } from '../local/running-stack.js';
import { loadOrCreateSecrets } from '../local/secrets.js';
import { Shutdown, STOP_ORDER } from '../local/shutdown.js';
import { externalSimulator, prepareSimulator, startEmbeddedSimulator, type LocalSimulator } from '../local/simulator.js';
import { startEmbeddedTemporal } from '../local/temporal.js';
import { installTemporalRuntime } from '../local/temporal-runtime.js';
import { startWorker } from '../local/worker.js';
import { startMailSink } from '../local/mail-sink.js';
import { startMailSinkPage } from '../local/mail-sink-page.js';
import { loadWorkflowBundle } from '../local/workflow-bundle.js';
import { PROJECT_ROOT } from '../shared/paths.js';

/** After this long, a shutdown that has not finished gives up and exits non-zero. */
const SHUTDOWN_DEADLINE_MS = 60_000;
/** A repeated signal within this window is the same Ctrl-C delivered twice (terminal + npm/tsx relay). */
const DUPLICATE_SIGNAL_MS = 1_000;

const startedAt = Date.now();
let config: Config;
try {
  config = loadConfig('start');
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
// Synchronous: the launcher ends with process.exit(), and its last lines (the shutdown steps) must all
// come out, in order.
const logger = createLogger({ level: config.logLevel, name: 'start', sync: true });
const log = (name: string) => createLogger({ level: config.logLevel, name, sync: true });
const shutdown = new Shutdown(logger);
let stopRequested = false;

/** Between start-up phases: a Ctrl-C during start-up stops before the next piece starts. */
function continueStarting(): void {
  if (stopRequested) throw new Error('stopped during start-up');
}

async function stop(reason: string, exitCode: number): Promise<never> {
  if (!stopRequested) logger.info({ reason }, 'stopping');
  stopRequested = true;
  setTimeout(() => {
    logger.error({ ms: SHUTDOWN_DEADLINE_MS }, 'shutdown took too long; exiting');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
  // Whatever is still starting registers its stop step first, so nothing is left running.
  await startup.catch(() => {});
  const clean = await shutdown.run();
  logger.info({ clean }, 'stopped');
  process.exit(clean ? exitCode : 1);
}

let firstSignalAt: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (firstSignalAt === undefined) {
      firstSignalAt = Date.now();
      void stop(signal, 0);
    } else if (Date.now() - firstSignalAt > DUPLICATE_SIGNAL_MS) {
      logger.warn({ signal }, 'second signal: exiting without finishing the shutdown');
      process.exit(1);
    }
  });
}

function neededPorts(plan: StartPlan): NeededPort[] {
  const ports: NeededPort[] = [{ port: config.port, variable: 'PORT', what: 'the API and dashboard' }];
  if (plan.intuit.kind === 'embedded-simulator') ports.push({ port: plan.intuit.port, variable: 'SIMULATOR_PORT', what: 'the QuickBooks simulator' });
  if (plan.database.kind === 'pglite') ports.push({ port: plan.database.port, variable: 'PGLITE_PORT', what: 'the embedded database (Postgres protocol)' });
  if (plan.temporal.kind === 'embedded') {
    ports.push({ port: plan.temporal.port, variable: 'TEMPORAL_DEV_SERVER_PORT', what: 'the Temporal dev server' });
    ports.push({ port: plan.temporal.uiPort, variable: 'TEMPORAL_DEV_SERVER_UI_PORT', what: 'the Temporal Web UI' });
  }
  if (!config.email.smtpUrl) {
    ports.push({ port: config.mailSinkPort, variable: 'MAIL_SINK_PORT', what: 'the local mail sink (SMTP)' });
    if (config.mailSinkPort !== 0) ports.push({ port: config.mailSinkPort + 1, variable: 'MAIL_SINK_PORT', what: 'the page of the local mail sink (MAIL_SINK_PORT + 1)' });
  }
  return ports;
}

async function main(): Promise<void> {
  const dataDir = prepareDataDir(config.dataDir);
  const lock = acquireInstanceLock(dataDir);
  shutdown.add('instance lock', STOP_ORDER.lock, () => lock.release());
  const plan = planStart(config, dataDir);
  const { secrets, created } = loadOrCreateSecrets(dataDir);
  if (created.length > 0) logger.info({ generated: created, file: `${dataDir}/secrets.json` }, 'secrets generated and kept');
  await assertPortsFree(neededPorts(plan));
  installTemporalRuntime(log('temporal-sdk'));

  // The slow parts start together; each registers its stop step as soon as it runs.
  const [temporal, database, simulator, bundle] = await allStarted([
    plan.temporal.kind === 'embedded'
      ? startEmbeddedTemporal({ ...plan.temporal, cliPath: config.temporal.cliPath, namespace: config.temporal.namespace, dataDir, logger: log('temporal') }).then((server) => {
          shutdown.add('temporal dev server', STOP_ORDER.temporal, () => server.stop());
          return { address: server.address, uiUrl: server.uiUrl as string | undefined };
        })
      : Promise.resolve({ address: plan.temporal.address, uiUrl: undefined }),
    openMigratedDatabase(plan.database, log('database')).then(async (handle) => {
      shutdown.add(`database (${handle.driver})`, STOP_ORDER.database, () => handle.close());
      if (plan.database.kind !== 'pglite') return { ...handle, url: plan.database.url };
      // Other processes (ops, replay, psql) reach the embedded PGlite through this server.
      const served = await startPgliteWireServer({ db: handle.pglite!, port: plan.database.port, password: secrets.databasePassword, logger: log('database') });
      shutdown.add('database server', STOP_ORDER.databaseServer, () => served.stop());
      return { ...handle, url: served.url };
    }),
    plan.intuit.kind === 'embedded-simulator'
      ? startEmbeddedSimulator({ port: plan.intuit.port, dataFile: plan.simulatorDataFile, logger: log('simulator') }).then((running): LocalSimulator => {
          shutdown.add('quickbooks simulator', STOP_ORDER.simulator, () => running.close());
          return running;
        })
      : Promise.resolve(plan.intuit.kind === 'external-simulator' ? externalSimulator(plan.intuit.url) : undefined),
    loadWorkflowBundle(dataDir, log('worker')),
  ] as const);
  continueStarting();

  // No SMTP server configured: notice emails go to a sink in this process, shown on a page of their own.
  const mail = config.email.smtpUrl ? undefined : await startMailSink({ port: config.mailSinkPort });
  if (mail) shutdown.add('mail sink', STOP_ORDER.simulator, () => mail.close());
  const mailPage = mail ? await startMailSinkPage({ sink: mail, port: config.mailSinkPort === 0 ? 0 : config.mailSinkPort + 1 }) : undefined;
  if (mailPage) shutdown.add('mail sink page', STOP_ORDER.simulator, () => mailPage.stop());
  const resolved = effectiveConfig(config, secrets, { temporalAddress: temporal.address, simulatorUrl: simulator?.url });
  const effective = mail ? { ...resolved, email: { ...resolved.email, smtpUrl: mail.url } } : resolved;
  const localApi = `http://127.0.0.1:${config.port}`;
  const setup = simulator
    ? await prepareSimulator(
        simulator,
        {
          app: {
            clientId: effective.intuit.clientId!,
            clientSecret: effective.intuit.clientSecret!,
            redirectUri: effective.intuit.redirectUri,
            disconnectUrl: `${localApi}/quickbooks/disconnect`,
          },
          webhook: { url: `${localApi}/webhooks/quickbooks`, verifierToken: effective.intuit.webhookVerifierToken! },
          ownsSimulator: plan.intuit.kind === 'embedded-simulator',
        },
        log('simulator'),
      )
    : { companies: [] };
  const merchant = await ensureDemoMerchant(database.db, dataDir, logger);
  continueStarting();

  const metricsRegistry = createMetricsRegistry();
  const worker = await startWorker({
    config: effective,
    db: database.db,
    bundle,
    metricsRegistry,
    logger: log('worker'),
    onFatal: (error) => {
      logger.fatal({ err: error }, 'the worker failed');
      void stop('worker failed', 1);
    },
  });
  shutdown.add('worker (drain)', STOP_ORDER.worker, () => worker.stop());
  continueStarting();

  const api = await startApiServer({ config: effective, db: database.db, logger: log('api'), metricsRegistry });
  shutdown.add('api server', STOP_ORDER.api, () => api.stop());
  shutdown.add('api temporal client', STOP_ORDER.temporalClients, () => api.closeTemporal());

  const urls = { ...startUrls(effective.publicBaseUrl, temporal, simulator?.url), mail: mailPage?.url };
  // Operator commands (ops, replay) started without DATABASE_URL / TEMPORAL_ADDRESS find this stack here.
  const stackFile = writeRunningStack(dataDir, {
    pid: process.pid,
    databaseUrl: database.url,
    temporalAddress: temporal.address,
    temporalNamespace: config.temporal.namespace,
    temporalUiUrl: temporal.uiUrl ?? null,
    apiUrl: localApi,
  });
  shutdown.add('stack file', STOP_ORDER.stackFile, () => stackFile.remove());
  const readyMs = Date.now() - startedAt;
  logger.info({ urls, merchantId: merchant.id, intuit: plan.intuit.kind, temporal: plan.temporal.kind, database: plan.database.kind, ms: readyMs }, 'ready');
  process.stdout.write(
    formatBanner({
      urls,
      merchant,
      companies: setup.companies,
      dataDir,
      projectRoot: PROJECT_ROOT,
      database: plan.database.kind === 'pglite' ? { kind: 'pglite', url: database.url, dataDir: plan.database.dataDir } : { kind: 'postgres' },
      readyMs,
    }),
  );
}

/** Like Promise.all, but waits for every piece to settle, so that each one that did start can be stopped. */
async function allStarted<T extends readonly unknown[]>(pieces: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(pieces);
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

const startup = main();
startup.catch(async (error: unknown) => {
  if (stopRequested) return;
  if (error instanceof ConfigError) console.error(error.message);
  logger.fatal({ err: error }, 'npm start failed');
  await stop('start-up failed', 1);
});
