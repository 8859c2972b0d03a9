/**
 * Dashboard sign-in: a merchant trades its API key for a session cookie once (`POST /session`, from the
 * login form or as JSON); the browser then acts as the merchant without ever holding the key.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { authenticateApiKey } from '../auth/api-key-use.js';
import { isSameOrigin } from '../auth/merchant-auth.js';
import { endSession, startSession } from '../auth/sessions.js';
import { ApiError } from '../http/errors.js';
import { isBrowserNavigation, safeLocalPath } from '../http/negotiation.js';
import { rateLimitPerClient } from '../http/rate-limit.js';
import { createRouter, describeIssues } from '../http/router.js';
import { SignInPage } from '../views/dashboard/sign-in.js';
import { flashFor } from '../views/dashboard/wording.js';
import type { AppServices } from '../services.js';
import { errorResponses } from '../views/error.js';

const SessionBody = z
  .object({
    apiKey: z.string().max(200).openapi({ description: 'The merchant API key' }),
    next: z.string().max(2048).optional().openapi({ description: 'Same-site path to go to afterwards (form posts)' }),
  })
  .openapi('CreateSession');
const SessionCreated = z.object({ merchant: z.object({ id: z.uuid(), name: z.string() }), expiresAt: z.string() }).openapi('Session');
const LoginQuery = z.object({
  next: z.string().max(2048).optional().openapi({ param: { name: 'next', in: 'query' } }),
  error: z.string().max(100).optional().openapi({ param: { name: 'error', in: 'query' }, description: 'Why the last sign-in failed' }),
});

export function sessionRoutes(services: AppServices) {
  const router = createRouter();
  const limit = rateLimitPerClient({ db: services.db, group: 'session', limit: services.config.rateLimits.session, trustedProxyHops: services.config.trustedProxyHops, clock: services.clock });

  router.openapi(
    createRoute({
      method: 'post',
      path: '/session',
      tags: ['Dashboard session'],
      summary: 'Sign in to the dashboard with an API key (sets an HttpOnly session cookie)',
      middleware: [limit],
      request: {
        // Not `required`: with two media types zod-openapi would then run both validators on every body.
        body: {
          content: { 'application/json': { schema: SessionBody }, 'application/x-www-form-urlencoded': { schema: SessionBody } },
        },
      },
      responses: {
        201: { description: 'Signed in (JSON clients)', content: { 'application/json': { schema: SessionCreated } } },
        303: { description: 'Form posts: redirect to `next` when signed in, back to /login with the reason otherwise' },
        ...errorResponses(400, 401, 403, 413, 415, 429),
      },
    }),
    async (c) => {
      const origin = c.req.header('origin');
      // Login CSRF: a form on another site must not sign a browser into some other merchant's account.
      if (origin !== undefined && !isSameOrigin(origin, c.req.header('sec-fetch-site'), services.config.publicOrigin)) {
        throw new ApiError('cross_origin_request', 'Sign in from the dashboard itself.');
      }
      const isForm = !/json/i.test(c.req.header('content-type') ?? '');
      const parsed = SessionBody.safeParse(isForm ? c.req.valid('form') : c.req.valid('json'));
      if (!parsed.success) throw new ApiError('validation_failed', describeIssues(isForm ? 'form' : 'json', parsed.error));
      const body = parsed.data;
      const authenticated = await authenticateApiKey(services, body.apiKey);
      if (!authenticated) {
        // A browser's form comes back to the sign-in page saying so; API clients get the envelope.
        if (isForm && isBrowserNavigation(c)) {
          const next = safeLocalPath(body.next, services.config.dashboardPath);
          return c.redirect(`/login?${new URLSearchParams({ error: 'invalid_api_key', next }).toString()}`, 303);
        }
        throw new ApiError('unauthorized', 'That API key is not valid.');
      }
      const { merchant, apiKey } = authenticated;
      const { expiresAt } = await startSession(c, services, { merchantId: merchant.id, apiKeyId: apiKey.id });
      services.logger.info({ merchantId: merchant.id }, 'dashboard session started');
      if (isForm) return c.redirect(safeLocalPath(body.next, services.config.dashboardPath), 303);
      return c.json({ merchant: { id: merchant.id, name: merchant.name }, expiresAt: expiresAt.toISOString() }, 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/session',
      tags: ['Dashboard session'],
      summary: 'Sign out (ends the session server-side and clears the cookie)',
      responses: { 204: { description: 'Signed out' } },
    }),
    async (c) => {
      await endSession(c, services);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/login',
      tags: ['Dashboard session'],
      summary: 'The sign-in page (Intuit’s Reconnect URL sends signed-out merchants here)',
      request: { query: LoginQuery },
      responses: { 200: { description: 'HTML form', content: { 'text/html': { schema: z.string() } } }, ...errorResponses(400) },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const next = safeLocalPath(query.next, services.config.dashboardPath);
      return c.html(SignInPage({ flash: flashFor({ error: query.error }), next }), 200);
    },
  );

  return router;
}
