/**
 * Authenticates merchant routes: `Authorization: Bearer <API key>`, or the dashboard session cookie.
 * Writes authenticated by the cookie must come from our own origin (SameSite=Lax already keeps the
 * cookie off cross-site POSTs; this is the second lock).
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';
import { ApiError } from '../http/errors.js';
import type { AppServices } from '../services.js';
import { authenticateApiKey } from './api-key-use.js';
import { bearerToken } from './api-keys.js';
import { currentSession } from './sessions.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function requireMerchant(services: AppServices): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const authenticated = await authenticateApiKey(services, bearerToken(authorization));
      if (!authenticated) throw new ApiError('unauthorized', 'The API key is missing, malformed or not valid.', {}, { 'WWW-Authenticate': 'Bearer' });
      c.set('merchant', authenticated.merchant);
      c.set('authMethod', 'api_key');
      c.set('apiKeyId', authenticated.apiKey.id);
      return next();
    }
    const session = await currentSession(c, services);
    if (!session) throw new ApiError('unauthorized', 'Send `Authorization: Bearer <API key>` or sign in to the dashboard.', {}, { 'WWW-Authenticate': 'Bearer' });
    if (!SAFE_METHODS.has(c.req.method) && !isSameOrigin(c.req.header('origin'), c.req.header('sec-fetch-site'), services.config.publicOrigin)) {
      throw new ApiError('cross_origin_request', 'Cookie-authenticated changes must come from the dashboard itself.');
    }
    c.set('merchant', session.merchant);
    c.set('authMethod', 'session');
    c.set('apiKeyId', session.apiKeyId);
    return next();
  };
}

/** Same-origin when the browser says so (Sec-Fetch-Site) or the Origin header is ours. */
export function isSameOrigin(origin: string | undefined, fetchSite: string | undefined, publicOrigin: string): boolean {
  if (fetchSite !== undefined) return fetchSite === 'same-origin';
  return origin === publicOrigin;
}
