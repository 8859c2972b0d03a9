/** The simulator's HTTP surface: Intuit's OAuth and Accounting API paths, and the control API. */
import { Hono } from 'hono';
import { SimulatorInputError } from '../engine/errors.js';
import type { SimulatorEngine } from '../engine/simulator-engine.js';
import { accountingRoutes } from './accounting-routes.js';
import { CONTROL_PREFIX, ControlInputError, controlRoutes } from './control-routes.js';
import type { SimulatorEnv } from './env.js';
import type { FaultHandoff } from './fault-handoff.js';
import { intuitMiddleware } from './intuit-middleware.js';
import { oauthRoutes } from './oauth-routes.js';
import { AUTHORIZE_PATH, REVOKE_PATH, TOKEN_PATH } from './request-kind.js';

export function createSimulatorApp(engine: SimulatorEngine, handoff: FaultHandoff, closing: AbortSignal): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>();
  const oauth = intuitMiddleware(engine, handoff, 'oauth', closing);
  // `/connect/oauth2/*` also matches `/connect/oauth2` itself.
  for (const path of [`${AUTHORIZE_PATH}/*`, TOKEN_PATH, REVOKE_PATH]) app.use(path, oauth);
  app.use('/v3/*', intuitMiddleware(engine, handoff, 'api', closing));

  app.route(CONTROL_PREFIX, controlRoutes(engine));
  app.route('/', oauthRoutes(engine));
  app.route('/', accountingRoutes(engine, closing));

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `the QuickBooks simulator has no route ${c.req.method} ${new URL(c.req.url).pathname}` } }, 404));
  app.onError((error, c) => {
    if (error instanceof SimulatorInputError) {
      const code = error instanceof ControlInputError ? error.code : error.status === 404 ? 'not_found' : 'invalid_request';
      const issues = error instanceof ControlInputError && error.issues ? { issues: error.issues } : {};
      return c.json({ error: { code, message: error.message, ...issues } }, error.status);
    }
    console.error('[qbo-simulator] unexpected error', error);
    return c.json({ error: { code: 'internal_error', message: 'the simulator failed unexpectedly; see its log' } }, 500);
  });
  return app;
}
