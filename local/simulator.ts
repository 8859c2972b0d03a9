/**
 * The QuickBooks simulator for `npm start`: embedded (its state in `<data dir>/simulator.json`) or an
 * external one at QBO_SIMULATOR_URL. Either way it is set up the same: our app registered with the
 * API's redirect URI and Disconnect URL, a demo company when it has none, and its webhooks pointed at
 * the API's `/webhooks/quickbooks` with our verifier token.
 */
import type { Logger } from '../shared/logger.js';
import { createSimulatorControl, startSimulator, type SimulatorControl } from '../simulator/index.js';

export const DEMO_COMPANY = { name: 'Demo Landscaping LLC', seed: 2024 } as const;

export interface LocalSimulator {
  url: string;
  control: SimulatorControl;
  /** Persists the state and stops (embedded only; an external simulator is left running). */
  close(): Promise<void>;
}

export async function startEmbeddedSimulator(options: { port: number; dataFile: string; logger: Logger }): Promise<LocalSimulator> {
  const started = Date.now();
  const simulator = await startSimulator({ port: options.port, dataFile: options.dataFile });
  options.logger.info({ url: simulator.url, ms: Date.now() - started }, 'quickbooks simulator running');
  return simulator;
}

export function externalSimulator(url: string): LocalSimulator {
  return { url, control: createSimulatorControl(url), close: async () => {} };
}

export interface SimulatorSetup {
  app: { clientId: string; clientSecret: string; redirectUri: string; disconnectUrl: string };
  webhook: { url: string; verifierToken: string };
  /** Embedded: ours alone, so stale subscriptions (an old port or token) are replaced. */
  ownsSimulator: boolean;
}

export async function prepareSimulator(simulator: LocalSimulator, setup: SimulatorSetup, logger: Logger): Promise<{ companies: { realmId: string; name: string }[] }> {
  const { control } = simulator;
  await control.registerApp({
    clientId: setup.app.clientId,
    clientSecret: setup.app.clientSecret,
    redirectUris: [setup.app.redirectUri],
    disconnectUrl: setup.app.disconnectUrl,
  });

  let { data: companies } = await control.listCompanies();
  if (companies.length === 0) {
    const created = await control.createCompany(DEMO_COMPANY);
    logger.info({ realmId: created.realmId, name: created.name }, 'demo company created in the simulator');
    companies = [await control.getCompany(created.realmId)];
  }

  if (setup.ownsSimulator) {
    await control.clearWebhooks();
    await control.registerWebhook({ url: setup.webhook.url, verifierToken: setup.webhook.verifierToken, format: 'cloudevents' });
  } else if (!(await control.listWebhooks()).data.some((subscription) => subscription.url === setup.webhook.url)) {
    await control.registerWebhook({ url: setup.webhook.url, verifierToken: setup.webhook.verifierToken, format: 'cloudevents' });
  }
  return { companies: companies.map(({ realmId, name }) => ({ realmId, name })) };
}
