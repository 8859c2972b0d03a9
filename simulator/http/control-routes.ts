/**
 * The control API under `/__simulator`: what tests and scripts use to shape the simulated Intuit
 * (companies, changes, clock, configuration, faults, apps, webhooks) and to inspect it (snapshots,
 * grants, the request log, webhook deliveries). Bodies are validated; bad input gets a 4xx JSON error
 * `{"error":{"code","message","issues"?}}`, never a 500.
 */
import { Hono } from 'hono';
import { configPatchSchema } from '../engine/config.js';
import { SimulatorInputError } from '../engine/errors.js';
import { parseClockDuration } from '../engine/iso-duration.js';
import type { Grant } from '../engine/oauth/grants.js';
import type { SimulatorEngine } from '../engine/simulator-engine.js';
import type { GrantSummary } from '../types.js';
import {
  appSchema, changeRequestSchema, clockSchema, createCompanySchema, faultSettingsSchema, grantFilterSchema,
  issuedSecretFilterSchema, requestLogQuerySchema, webhookSchema,
} from './control-schemas.js';
import { body, parse } from './control-input.js';
import { disconnectRoutes } from './disconnect-routes.js';
import type { SimulatorEnv } from './env.js';

export { ControlInputError } from './control-input.js';

export const CONTROL_PREFIX = '/__simulator';
const MAX_CLOCK_ADVANCE_MS = 100 * 365 * 86_400_000;

export function controlRoutes(engine: SimulatorEngine): Hono<SimulatorEnv> {
  const control = new Hono<SimulatorEnv>();
  const iso = (ms: number) => new Date(ms).toISOString();

  control.get('/', (c) => c.json({ simulator: 'QuickBooks Online', now: iso(engine.clock.now()), companies: engine.listCompanies().length, apps: engine.apps.list().length }));

  control.post('/companies', async (c) => {
    const request = await body(c, createCompanySchema, true);
    const company = engine.createCompany(request);
    return c.json({ realmId: company.realmId, name: company.definition.name }, 201);
  });
  control.get('/companies', (c) => c.json({ data: engine.listCompanies().map((company) => company.summary()) }));
  control.get('/companies/:realmId', (c) => c.json(engine.company(c.req.param('realmId')).summary()));
  control.post('/companies/:realmId/changes', async (c) => {
    const request = await body(c, changeRequestSchema, false);
    return c.json({ changed: engine.applyChanges(c.req.param('realmId'), request) });
  });
  control.get('/companies/:realmId/snapshot', (c) => c.json(engine.company(c.req.param('realmId')).snapshot()));
  control.route('/', disconnectRoutes(engine));

  control.get('/clock', (c) => c.json({ now: iso(engine.clock.now()) }));
  control.post('/clock', async (c) => {
    const { advance } = await body(c, clockSchema, false);
    const ms = parseClockDuration(advance);
    if (ms === undefined) throw new SimulatorInputError(`advance: "${advance}" is not a positive ISO-8601 duration such as P31D or PT2H (or 90m, 12h, 7d)`);
    if (ms > MAX_CLOCK_ADVANCE_MS) throw new SimulatorInputError(`advance: "${advance}" is more than 100 years`);
    return c.json({ now: iso(engine.advanceClock(ms)) });
  });

  control.get('/config', (c) => c.json(engine.config));
  control.post('/config', async (c) => c.json(engine.setConfig(await body(c, configPatchSchema, false))));

  control.get('/faults', (c) => c.json({ rules: engine.faults.list() }));
  control.post('/faults', async (c) => {
    engine.faults.set(await body(c, faultSettingsSchema, false));
    return c.json({ rules: engine.faults.list() });
  });
  control.delete('/faults', (c) => {
    engine.faults.clear();
    return c.json({ rules: [] });
  });

  control.get('/apps', (c) => c.json({ data: engine.apps.list().map(({ clientSecret: _secret, ...app }) => app) }));
  control.post('/apps', async (c) => {
    const app = await body(c, appSchema, false);
    engine.registerApp(app);
    return c.json({ clientId: app.clientId }, 201);
  });

  control.get('/grants', (c) => {
    const filter = parse(grantFilterSchema, c.req.query());
    const grants = engine.oauth.listGrants().filter(
      (grant) => (filter.realmId === undefined || grant.realmId === filter.realmId) && (filter.clientId === undefined || grant.clientId === filter.clientId),
    );
    return c.json({ data: grants.map((grant) => grantSummary(engine, grant)) });
  });

  // Test-facing: every secret value handed out, so that a test can prove none of them leaked anywhere.
  control.get('/tokens', (c) => {
    const filter = parse(issuedSecretFilterSchema, c.req.query());
    const secrets = engine.oauth.issuedSecrets().filter(
      (secret) =>
        (filter.realmId === undefined || secret.realmId === filter.realmId) &&
        (filter.clientId === undefined || secret.clientId === filter.clientId) &&
        (filter.kind === undefined || secret.kind === filter.kind),
    );
    return c.json({ data: secrets });
  });

  control.get('/webhooks', (c) => c.json({ data: engine.webhooks.list() }));
  control.post('/webhooks', async (c) => {
    const subscription = engine.webhooks.register(await body(c, webhookSchema, false));
    engine.mutated();
    return c.json(subscription, 201);
  });
  control.delete('/webhooks', (c) => {
    engine.webhooks.clear();
    engine.mutated();
    return c.json({ data: [] });
  });
  control.get('/webhooks/deliveries', (c) => c.json({ data: engine.webhooks.deliveries() }));
  control.delete('/webhooks/deliveries', (c) => {
    engine.webhooks.clearDeliveries();
    return c.json({ data: [] });
  });

  control.get('/requests', (c) => c.json({ data: engine.requestLog.query(parse(requestLogQuerySchema, c.req.query())) }));
  control.delete('/requests', (c) => {
    engine.requestLog.clear();
    return c.json({ data: [] });
  });

  control.notFound((c) => c.json({ error: { code: 'not_found', message: `no control route ${c.req.method} ${new URL(c.req.url).pathname}` } }, 404));
  return control;
}

function grantSummary(engine: SimulatorEngine, grant: Grant): GrantSummary {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: grant.id,
    clientId: grant.clientId,
    realmId: grant.realmId,
    status: engine.oauth.grantStatus(grant),
    createdAt: iso(grant.createdAt),
    refreshTokenExpiresAt: iso(grant.refreshTokenExpiresAt),
    hardExpiresAt: iso(grant.hardExpiresAt),
    refreshes: grant.refreshes,
  };
}
