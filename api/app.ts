/**
 * The HTTP API: `createApp(deps)` wires the route modules (one per resource) behind request ids, access
 * logging and metrics, security headers (a strict Content-Security-Policy), body limits and one error handler.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { AppDeps } from './deps.js';
import type { AppEnv } from './env.js';
import { createErrorHandler, notFoundHandler } from './http/error-handler.js';
import { ApiError } from './http/errors.js';
import { observeRequests } from './http/observe.js';
import { securityHeaders } from './http/security-headers.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { assetRoutes } from './routes/assets.js';
import { connectionActionRoutes } from './routes/connection-actions.js';
import { connectionRecordRoutes } from './routes/connection-records.js';
import { connectionRoutes } from './routes/connections.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { docsRoutes, registerSecuritySchemes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { homeRoutes } from './routes/home.js';
import { intuitAppUrlRoutes } from './routes/intuit-app-urls.js';
import { merchantApiKeyRoutes } from './routes/merchant-api-keys.js';
import { merchantRoutes } from './routes/merchants.js';
import { notificationRoutes } from './routes/notifications.js';
import { oauthCallbackRoutes } from './routes/oauth-callback.js';
import { sessionRoutes } from './routes/session.js';
import { webhookRoutes } from './routes/webhooks.js';
import { resolveServices, type AppServices } from './services.js';

export const BODY_LIMIT_BYTES = 64 * 1024;
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;
const WEBHOOK_PATH = '/webhooks/quickbooks';

export type App = OpenAPIHono<AppEnv>;

export function createApp(deps: AppDeps): App {
  const services = resolveServices(deps);
  const app = new OpenAPIHono<AppEnv>();

  app.use(requestId());
  app.use(observeRequests(services));
  app.use(securityHeaders(services));
  app.use(limitBodies());

  registerSecuritySchemes(app);
  for (const routes of routeModules(services)) app.route('/', routes);
  app.route('/', docsRoutes(app, services));
  app.route('/', assetRoutes());
  app.route('/', homeRoutes(services));
  app.route('/', dashboardRoutes(services));

  app.onError(createErrorHandler(services));
  app.notFound(notFoundHandler);
  return app;
}

function routeModules(services: AppServices) {
  return [
    healthRoutes(services),
    merchantRoutes(services),
    merchantApiKeyRoutes(services),
    apiKeyRoutes(services),
    sessionRoutes(services),
    connectionRoutes(services),
    connectionActionRoutes(services),
    connectionRecordRoutes(services),
    notificationRoutes(services),
    oauthCallbackRoutes(services),
    webhookRoutes(services),
    intuitAppUrlRoutes(services),
  ];
}

/** 64 KB for every body, 1 MB for Intuit's webhook batches. */
function limitBodies(): MiddlewareHandler<AppEnv> {
  const tooLarge = () => {
    throw new ApiError('payload_too_large', 'The request body is too large.');
  };
  const standard = bodyLimit({ maxSize: BODY_LIMIT_BYTES, onError: tooLarge });
  const webhooks = bodyLimit({ maxSize: WEBHOOK_BODY_LIMIT_BYTES, onError: tooLarge });
  return (c, next) => (c.req.path === WEBHOOK_PATH ? webhooks(c, next) : standard(c, next));
}
