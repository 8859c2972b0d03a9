/**
 * Intuit redirects the merchant's browser here after the consent page. Browsers are sent on to the
 * dashboard; API clients (`Accept: application/json`) get `{ connection, result }`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { sessionMerchant } from '../auth/sessions.js';
import { ApiError, errorBody } from '../http/errors.js';
import { isBrowserNavigation, wantsJson } from '../http/negotiation.js';
import { rateLimitPerClient } from '../http/rate-limit.js';
import { createRouter } from '../http/router.js';
import { completeAuthorization } from '../oauth/complete-authorization.js';
import type { AppServices } from '../services.js';
import { ConnectionSchema, loadConnectionView } from '../views/connection.js';
import { errorResponses } from '../views/error.js';

const CallbackQuery = z.object({
  state: z.string().max(512).optional().openapi({ param: { name: 'state', in: 'query' } }),
  code: z.string().max(2048).optional().openapi({ param: { name: 'code', in: 'query' } }),
  realmId: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/).optional().openapi({ param: { name: 'realmId', in: 'query' } }),
  error: z.string().max(200).optional().openapi({ param: { name: 'error', in: 'query' }, description: 'e.g. access_denied when the merchant clicked Cancel' }),
  error_description: z.string().max(1000).optional().openapi({ param: { name: 'error_description', in: 'query' } }),
});
const CallbackResult = z
  .object({ result: z.enum(['connected', 'reauthorized', 'access_denied', 'authorization_failed']), connection: ConnectionSchema })
  .openapi('AuthorizationResult');

export function oauthCallbackRoutes(services: AppServices) {
  const router = createRouter();
  const limit = rateLimitPerClient({ db: services.db, group: 'oauth-callback', limit: services.config.rateLimits.oauthCallback, trustedProxyHops: services.config.trustedProxyHops, clock: services.clock });

  router.openapi(
    createRoute({
      method: 'get',
      path: '/oauth/quickbooks/callback',
      tags: ['QuickBooks'],
      summary: 'OAuth redirect target: completes an authorization exactly once',
      middleware: [limit],
      request: { query: CallbackQuery },
      responses: {
        200: { description: 'Completed (JSON clients)', content: { 'application/json': { schema: CallbackResult } } },
        303: { description: 'Browsers: redirect to the dashboard with ?connection=&result= (or ?error= when the callback was refused)' },
        ...errorResponses(400, 409, 429, 502, 503),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const session = await sessionMerchant(c, services);
      let outcome;
      try {
        outcome = await completeAuthorization(services, query, session?.id);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        services.metrics.oauthCallbacks.inc({ outcome: error.code });
        // A merchant's browser lands on the dashboard with the reason, not on a JSON error.
        if (error.status < 500 && isBrowserNavigation(c)) return c.redirect(dashboardUrl(services, { error: error.code }), 303);
        throw error;
      }
      const { result, connection } = outcome;
      services.metrics.oauthCallbacks.inc({ outcome: result });
      services.logger.info({ merchantId: connection.merchantId, connectionId: connection.id, result }, 'oauth callback');
      if (!wantsJson(c)) return c.redirect(dashboardUrl(services, { connection: connection.id, result }), 303);
      const view = await loadConnectionView(services.db, connection);
      if (result === 'already_completed') {
        const message = 'This authorization was already completed; the connection is shown as it is now.';
        return c.json(errorBody('authorization_already_completed', message, c.get('requestId'), { connection: view }), 409);
      }
      return c.json({ result, connection: view }, 200);
    },
  );

  return router;
}

function dashboardUrl(services: AppServices, params: Record<string, string>): string {
  const target = new URL(services.config.dashboardPath, `${services.config.publicBaseUrl}/`);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  return target.toString();
}
