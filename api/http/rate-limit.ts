/**
 * A fixed-window, per-client-IP request limit for the public endpoints. In memory and per process: it
 * blunts floods and brute force against one API instance; it is not a global quota.
 */
import type { MiddlewareHandler } from 'hono';
import { clientIp } from './client-ip.js';
import { ApiError } from './errors.js';

const WINDOW_MS = 60_000;
/** Bounds the memory an attacker can make us spend on distinct addresses. */
const MAX_TRACKED_CLIENTS = 50_000;

export interface RateLimitOptions {
  /** Requests allowed per client per minute. */
  limit: number;
  trustedProxyHops: number;
  clock: () => Date;
}

export function rateLimitPerClient(options: RateLimitOptions): MiddlewareHandler {
  const windows = new Map<string, { startedAt: number; count: number }>();

  function forget(now: number) {
    for (const [key, window] of windows) if (now - window.startedAt >= WINDOW_MS) windows.delete(key);
    if (windows.size >= MAX_TRACKED_CLIENTS) windows.clear();
  }

  return async (c, next) => {
    const now = options.clock().getTime();
    const key = clientIp(c, options.trustedProxyHops);
    let window = windows.get(key);
    if (!window || now - window.startedAt >= WINDOW_MS) {
      if (!window && windows.size >= MAX_TRACKED_CLIENTS) forget(now);
      window = { startedAt: now, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    const resetSeconds = Math.max(1, Math.ceil((window.startedAt + WINDOW_MS - now) / 1000));
    if (window.count > options.limit) {
      throw new ApiError('rate_limited', `Too many requests from this address; try again in ${resetSeconds} s.`, {}, { 'Retry-After': String(resetSeconds) });
    }
    await next();
    c.header('RateLimit-Limit', String(options.limit));
    c.header('RateLimit-Remaining', String(Math.max(0, options.limit - window.count)));
    c.header('RateLimit-Reset', String(resetSeconds));
  };
}
