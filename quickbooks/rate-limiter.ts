/**
 * The realm rate limiter's interface, and an in-memory implementation for ONE process: Intuit's
 * Accounting API limits (500 requests per minute and 10 concurrent per realm and app) kept in a sliding
 * window at 490/min (2 % margin; `npm run bench` throttled measured 0.98 of the bound with no 429).
 *
 * The product's workers and API do not use it: several processes would each spend a budget of their own
 * on the same realm. They use the fleet-wide limiter in Postgres (shared-rate-limiter.ts). This one is
 * for what runs without a database: the Accounting API client's own tests and the bench's client-only
 * drive. Either way a 429 is still handled: the client throws ThrottledError and calls `pause()`.
 */
import { enqueueRealmCall, type RealmWaiter } from './realm-waiters.js';

export interface RealmRateLimiterOptions {
  /** Requests started per realm in any sliding 60-second window. Default 490 (DEFAULT_REQUESTS_PER_MINUTE). */
  requestsPerMinute?: number;
  /** Requests in flight per realm. Default 10. */
  maxConcurrent?: number;
  /** Length of the sliding window; only tests shorten it. Default 60 000 ms. */
  windowMs?: number;
}

export interface RealmLimiterStats {
  active: number;
  queued: number;
  startedInWindow: number;
  pausedUntil: Date | null;
  /** The highest number of requests ever in flight at once for this realm in this process. */
  peakConcurrent: number;
}

export interface RealmRateLimiter {
  /** Runs `fn` once the realm has budget; `signal` abandons a call that is still waiting its turn. */
  schedule<T>(realmId: string, fn: () => Promise<T>, options?: { signal?: AbortSignal }): Promise<T>;
  /** Starts nothing for this realm for `ms` (after a 429). A longer pause already in place is kept. */
  pause(realmId: string, ms: number): void;
  stats(realmId: string): RealmLimiterStats;
}

interface RealmState {
  active: number;
  queue: RealmWaiter<void>[];
  /** Start times (ms) of the requests in the current window, oldest first. */
  starts: number[];
  pausedUntil: number;
  peakConcurrent: number;
  timer: NodeJS.Timeout | undefined;
}

export const DEFAULT_REQUESTS_PER_MINUTE = 490;

export function createRealmRateLimiter(options: RealmRateLimiterOptions = {}): RealmRateLimiter {
  const requestsPerMinute = options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE;
  const maxConcurrent = options.maxConcurrent ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  if (!(requestsPerMinute >= 1 && maxConcurrent >= 1 && windowMs >= 1)) {
    throw new RangeError('createRealmRateLimiter: requestsPerMinute, maxConcurrent and windowMs must be at least 1');
  }
  const realms = new Map<string, RealmState>();

  function stateOf(realmId: string): RealmState {
    let state = realms.get(realmId);
    if (!state) {
      state = { active: 0, queue: [], starts: [], pausedUntil: 0, peakConcurrent: 0, timer: undefined };
      realms.set(realmId, state);
    }
    return state;
  }

  /** Starts as many waiting calls as the realm's budget allows, and arms a timer for the rest. */
  function pump(realmId: string, state: RealmState): void {
    const now = Date.now();
    while (state.starts.length > 0 && state.starts[0]! <= now - windowMs) state.starts.shift();

    while (state.queue.length > 0 && state.active < maxConcurrent && now >= state.pausedUntil && state.starts.length < requestsPerMinute) {
      const waiter = state.queue.shift()!;
      state.active += 1;
      state.peakConcurrent = Math.max(state.peakConcurrent, state.active);
      state.starts.push(now);
      waiter.start();
    }

    if (state.queue.length === 0 && state.timer !== undefined) {
      // Nobody is waiting any more (the last waiter gave up): don't hold the process open for a wake-up.
      clearTimeout(state.timer);
      state.timer = undefined;
    }
    if (state.queue.length > 0 && state.active < maxConcurrent && state.timer === undefined) {
      // Blocked by the window or a pause, not by concurrency (a finishing call pumps again).
      const windowFreesAt = state.starts.length >= requestsPerMinute ? state.starts[0]! + windowMs : now;
      const wakeAt = Math.max(windowFreesAt, state.pausedUntil);
      state.timer = setTimeout(() => {
        state.timer = undefined;
        pump(realmId, state);
      }, Math.max(1, wakeAt - now));
    }

    if (state.active === 0 && state.queue.length === 0 && state.starts.length === 0 && state.pausedUntil <= now && state.timer === undefined) {
      realms.delete(realmId);
    }
  }

  return {
    schedule<T>(realmId: string, fn: () => Promise<T>, scheduleOptions: { signal?: AbortSignal } = {}): Promise<T> {
      const state = stateOf(realmId);
      return enqueueRealmCall(fn, {
        realmId,
        waiters: state.queue,
        signal: scheduleOptions.signal,
        finish: () => {
          state.active -= 1;
          pump(realmId, state);
        },
        pump: () => pump(realmId, state),
      });
    },

    pause(realmId: string, ms: number): void {
      const state = stateOf(realmId);
      state.pausedUntil = Math.max(state.pausedUntil, Date.now() + ms);
      if (state.timer !== undefined) {
        clearTimeout(state.timer);
        state.timer = undefined;
      }
      pump(realmId, state);
    },

    stats(realmId: string): RealmLimiterStats {
      const state = realms.get(realmId);
      const now = Date.now();
      if (!state) return { active: 0, queued: 0, startedInWindow: 0, pausedUntil: null, peakConcurrent: 0 };
      return {
        active: state.active,
        queued: state.queue.length,
        startedInWindow: state.starts.filter((start) => start > now - windowMs).length,
        pausedUntil: state.pausedUntil > now ? new Date(state.pausedUntil) : null,
        peakConcurrent: state.peakConcurrent,
      };
    },
  };
}
