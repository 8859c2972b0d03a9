/**
 * One access-log line and the HTTP metrics per request. Only the route pattern and the path are
 * logged, never the query string: the OAuth callback's query carries a code and a state.
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../env.js';
import type { AppServices } from '../services.js';

export function observeRequests(services: AppServices): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const matched = routePath(c);
      // Unmatched paths all share one label, so random URLs cannot blow up the metric's cardinality.
      const route = c.res.status === 404 && (matched === '*' || matched === '/*') ? 'unmatched' : matched;
      const method = c.req.method;
      const status = c.res.status;
      services.metrics.httpRequests.inc({ method, route, status: String(status) });
      services.metrics.httpRequestDuration.observe({ method, route }, seconds);
      const level = status >= 500 ? 'error' : 'info';
      services.logger[level]({ requestId: c.get('requestId'), method, route, status, ms: Math.round(seconds * 1000) }, 'request');
    }
  };
}
