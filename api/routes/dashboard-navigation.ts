/** What every dashboard action shares: the session it needs, and the way back to the dashboard with a message. */
import type { Context, MiddlewareHandler } from 'hono';
import { isSameOrigin } from '../auth/merchant-auth.js';
import { currentSession } from '../auth/sessions.js';
import type { AppEnv } from '../env.js';
import { ApiError } from '../http/errors.js';
import type { AppServices } from '../services.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DashboardReturn {
  result?: string;
  error?: string;
  /** Scrolls to the connection's card. */
  connectionId?: string;
  /** Scrolls to a section (e.g. `api-keys`) when no connection is named. */
  section?: string;
}

/** Back to the dashboard, scrolled to the connection or section, with a message chosen by code. */
export function backToDashboard(c: Context<AppEnv>, params: DashboardReturn) {
  const query = new URLSearchParams();
  if (params.result) query.set('result', params.result);
  if (params.error) query.set('error', params.error);
  if (params.connectionId) query.set('connection', params.connectionId);
  const anchor = params.connectionId ? `#connection-${params.connectionId}` : params.section ? `#${params.section}` : '';
  return c.redirect(`/?${query.toString()}${anchor}`, 303);
}

/** Session only (the dashboard never sees an API key); changes only from our own pages. */
export function requireDashboardSession(services: AppServices): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = await currentSession(c, services);
    if (!session) return backToDashboard(c, { error: 'session_expired' });
    if (c.req.method !== 'GET' && !isSameOrigin(c.req.header('origin'), c.req.header('sec-fetch-site'), services.config.publicOrigin)) {
      throw new ApiError('cross_origin_request', 'Dashboard actions must come from the dashboard itself.');
    }
    c.set('merchant', session.merchant);
    c.set('authMethod', 'session');
    c.set('apiKeyId', session.apiKeyId);
    await next();
  };
}
