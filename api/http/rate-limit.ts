/**
 * A fixed-window, per-client-address request limit for the public endpoints, counted in Postgres so
 * that it holds for the whole API fleet: N replicas behind a load balancer allow the documented rate
 * per client, not N times it. It blunts floods and brute force; it is not a billing quota. Behind a load
 * balancer the client is the address the trusted proxies forwarded (TRUST_PROXY_HOPS, see client-ip.ts);
 * without it every merchant would share the balancer's address and one budget.
 */
import type { MiddlewareHandler } from 'hono';
import type { Database } from '../../db/client.js';
import { countClientRequest, sweepClientRateLimitWindows } from '../../db/queries/client-rate-limits.js';
import { clientIp } from './client-ip.js';
import { ApiError } from './errors.js';

const WINDOW_MS = 60_000;
/** Every this many requests a replica deletes the windows long over, so the table stays the size of the last minute's clients. */
const SWEEP_EVERY = 1_000;

/** The endpoint groups, each with a budget of its own per client. */
export type RateLimitGroup = 'oauth-callback' | 'webhooks' | 'intuit-app-urls' | 'session';

export interface RateLimitOptions {
  db: Database;
  group: RateLimitGroup;
  /** Requests allowed per client per minute, across every replica. */
  limit: number;
  trustedProxyHops: number;
  clock: () => Date;
}

export function rateLimitPerClient(options: RateLimitOptions): MiddlewareHandler {
  let requestsSinceSweep = 0;
  return async (c, next) => {
    const now = options.clock();
    const key = `${options.group}:${clientIp(c, options.trustedProxyHops)}`;
    const window = await countClientRequest(options.db, { key, now, windowMs: WINDOW_MS });
    if (++requestsSinceSweep >= SWEEP_EVERY) {
      requestsSinceSweep = 0;
      await sweepClientRateLimitWindows(options.db, new Date(now.getTime() - WINDOW_MS));
    }
    const resetSeconds = Math.max(1, Math.ceil((window.windowStartedAt.getTime() + WINDOW_MS - now.getTime()) / 1000));
    if (window.requests > options.limit) {
      throw new ApiError('rate_limited', `Too many requests from this address; try again in ${resetSeconds} s.`, {}, { 'Retry-After': String(resetSeconds) });
    }
    await next();
    c.header('RateLimit-Limit', String(options.limit));
    c.header('RateLimit-Remaining', String(Math.max(0, options.limit - window.requests)));
    c.header('RateLimit-Reset', String(resetSeconds));
  };
}
