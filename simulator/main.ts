/**
 * `npm run simulator`: the QuickBooks simulator on its own, on SIMULATOR_PORT (default 4010). It
 * registers the app named by INTUIT_CLIENT_ID / INTUIT_CLIENT_SECRET / INTUIT_REDIRECT_URI when set
 * (with the API's /quickbooks/disconnect as its Disconnect URL), keeps its state in
 * .data/simulator-standalone.json across restarts, and makes sure there is at least one company to
 * connect to.
 */
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

const simulator = await startSimulator({
  port: config.simulatorPort,
  apps,
  dataFile: join(projectRoot, '.data', 'simulator-standalone.json'),
});
const { data: companies } = await simulator.control.listCompanies();
if (companies.length === 0) companies.push(await simulator.control.getCompany((await simulator.control.createCompany({ name: 'Demo Landscaping LLC' })).realmId));

console.log(`QuickBooks simulator listening on ${simulator.url}`);
console.log(`  control API: ${simulator.url}/__simulator`);
for (const app of apps) console.log(`  app: ${app.clientId} → ${app.redirectUris.join(', ')}`);
if (apps.length === 0) console.log('  no app registered (set INTUIT_CLIENT_ID, INTUIT_CLIENT_SECRET and INTUIT_REDIRECT_URI, or POST /__simulator/apps)');
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
