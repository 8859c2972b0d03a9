import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';
import { ApiError } from '../http/errors.js';
import type { AppServices } from '../services.js';
import { bearerToken } from './api-keys.js';
import { constantTimeEqual } from './secrets.js';

/** Operator routes: `Authorization: Bearer <ADMIN_API_KEY>`, compared in constant time. */
export function requireAdmin(services: AppServices): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token || !constantTimeEqual(token, services.config.adminApiKey)) {
      throw new ApiError('unauthorized', 'This call needs the admin API key.', {}, { 'WWW-Authenticate': 'Bearer' });
    }
    return next();
  };
}
