/**
 * `npm run simulator`: the QuickBooks simulator on its own, on SIMULATOR_PORT (default 4010), on every
 * interface like the API (so that it also works as a container behind a published port). It registers
 * the app named by INTUIT_CLIENT_ID / INTUIT_CLIENT_SECRET / INTUIT_REDIRECT_URI when set (with the
 * API's /quickbooks/disconnect as its Disconnect URL), subscribes the API's /webhooks/quickbooks to its
 * webhooks when INTUIT_WEBHOOK_VERIFIER_TOKEN is set (both at PUBLIC_BASE_URL: the address the simulator
 * reaches the API at), keeps its state in DATA_DIR/simulator-standalone.json (default .data) across
 * restarts (when that folder is writable), and makes sure there is at least one company to connect to.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../shared/config.js';
import { startSimulator, type SimulatorApp } from './index.js';

const config = loadConfig('simulator');
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const apps: SimulatorApp[] = [];
if (config.intuit.clientId && config.intuit.clientSecret) {
  apps.push({
    clientId: config.intuit.clientId,
    clientSecret: config.intuit.clientSecret,
    redirectUris: [config.intuit.redirectUri],
    disconnectUrl: `${config.publicBaseUrl}/quickbooks/disconnect`,
  });
}

/** The state file, or undefined (with a warning) where the folder cannot be written, e.g. a read-only image. */
function writableDataFile(file: string): string | undefined {
  try {
    mkdirSync(dirname(file), { recursive: true });
    accessSync(dirname(file), constants.W_OK);
    return file;
  } catch (error) {
    console.warn(`QuickBooks simulator: cannot write ${dirname(file)} (${(error as Error).message}); its state will not survive a restart`);
    return undefined;
  }
}

const simulator = await startSimulator({
  port: config.simulatorPort,
  host: '::',
  apps,
  dataFile: writableDataFile(join(config.dataDir ?? join(projectRoot, '.data'), 'simulator-standalone.json')),
});
if (config.intuit.webhookVerifierToken) {
  const url = `${config.publicBaseUrl}/webhooks/quickbooks`;
  // Kept across restarts in the state file: subscribe once, not once per start.
  if (!(await simulator.control.listWebhooks()).data.some((subscription) => subscription.url === url)) {
    await simulator.control.registerWebhook({ url, verifierToken: config.intuit.webhookVerifierToken, format: 'cloudevents' });
  }
}
const { data: companies } = await simulator.control.listCompanies();
if (companies.length === 0) companies.push(await simulator.control.getCompany((await simulator.control.createCompany({ name: 'Demo Landscaping LLC' })).realmId));

console.log(`QuickBooks simulator listening on ${simulator.url}`);
console.log(`  control API: ${simulator.url}/__simulator`);
const { data: registered } = await simulator.control.listApps();
for (const app of registered) console.log(`  app: ${app.clientId} → ${app.redirectUris.join(', ')}`);
if (registered.length === 0) console.log('  no app registered (set INTUIT_CLIENT_ID, INTUIT_CLIENT_SECRET and INTUIT_REDIRECT_URI, or POST /__simulator/apps)');
for (const { url } of (await simulator.control.listWebhooks()).data) console.log(`  webhooks → ${url}`);
for (const company of companies) console.log(`  company: ${company.name} (realmId ${company.realmId})`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
