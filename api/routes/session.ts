/**
 * Dashboard sign-in: a merchant trades its API key for a session cookie once (`POST /session`, from the
 * login form or as JSON); the browser then acts as the merchant without ever holding the key.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { html } from 'hono/html';
import { findMerchantByKeyHash } from '../../db/queries/merchants.js';
import { API_KEY_PATTERN } from '../auth/api-keys.js';
import { isSameOrigin } from '../auth/merchant-auth.js';
import { hashSecret } from '../auth/secrets.js';
import { endSession, startSession } from '../auth/sessions.js';
import { ApiError } from '../http/errors.js';
import { safeLocalPath } from '../http/negotiation.js';
import { rateLimitPerClient } from '../http/rate-limit.js';
import { createRouter, describeIssues } from '../http/router.js';
import { page } from '../pages/layout.js';
import type { AppServices } from '../services.js';
import { errorResponses } from '../views/error.js';

const SessionBody = z
  .object({
    apiKey: z.string().max(200).openapi({ description: 'The merchant API key' }),
    next: z.string().max(2048).optional().openapi({ description: 'Same-site path to go to afterwards (form posts)' }),
  })
  .openapi('CreateSession');
const SessionCreated = z.object({ merchant: z.object({ id: z.uuid(), name: z.string() }), expiresAt: z.string() }).openapi('Session');
const LoginQuery = z.object({ next: z.string().max(2048).optional().openapi({ param: { name: 'next', in: 'query' } }) });

export function sessionRoutes(services: AppServices) {
  const router = createRouter();
  const limit = rateLimitPerClient({ limit: services.config.rateLimits.session, trustProxy: services.config.trustProxy, clock: services.clock });

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
        303: { description: 'Signed in (form posts): redirect to `next`' },
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
      const merchant = API_KEY_PATTERN.test(body.apiKey) ? await findMerchantByKeyHash(services.db, hashSecret(body.apiKey)) : undefined;
      if (!merchant) throw new ApiError('unauthorized', 'That API key is not valid.');
      const { expiresAt } = await startSession(c, services, merchant.id);
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
      const next = safeLocalPath(c.req.valid('query').next, services.config.dashboardPath);
      const body = await page(
        'Sign in',
        html`<h1>Sign in</h1>
          <form method="post" action="/session">
            <label for="apiKey">Your API key</label>
            <input id="apiKey" name="apiKey" type="password" autocomplete="current-password" required />
            <input type="hidden" name="next" value="${next}" />
            <button type="submit">Sign in</button>
          </form>`,
      );
      return c.html(body, 200);
    },
  );

  return router;
}
