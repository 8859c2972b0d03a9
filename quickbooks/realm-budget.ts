/**
 * The arithmetic of one realm's budget (pure; the state lives in Postgres, see shared-rate-limiter.ts).
 *
 * Intuit documents three limits per company and app: 500 requests a minute, 10 a second, 10 in flight.
 * - Minute: a sliding window. At most `requestsPerMinute` starts in any 60 s, so a short backfill may go
 *   at the per-second pace from its first request (it never needs the whole minute), and a long one
 *   settles at exactly `requestsPerMinute` a minute.
 * - Second: starts are paced one `1000 / requestsPerSecond` ms apart (GCRA without burst tolerance), so any
 *   second holds at most `requestsPerSecond` of them. Paced, not windowed: a burst of ten at once would put
 *   ten starts in one instant, and any requests that reach Intuit a little out of step with our clock
 *   would then count in the neighbouring second too.
 * - Concurrency: at most maxConcurrent requests hold a lease at once; a full realm waits for a release.
 *
 * The default, 490 a minute and 9.5 a second (a start every 105 ms). Intuit counts a request when it
 * arrives, we count it when it starts, and the two drift apart by a few ms to tens of ms (several workers'
 * network paths, a paused event loop, a busy gateway):
 * - a minute: requests up to a second out of step can move at most the ten starts of one second into a
 *   minute that was full, so 490 + 10 never exceeds Intuit's 500. Sustained, 490/min is 0.98 of the bound.
 * - a second: paced exactly at 100 ms, any start that reaches Intuit later than the one ten before it
 *   puts eleven in some second. At 105 ms, ten starts span 945 ms, so a second holds an eleventh only if
 *   one request is delayed 50 ms more than the one ten before it. Measured: at 10 a second, three workers
 *   sharing one company got a 429 (a minute's pause) every few hundred requests from a simulator that
 *   counts a rolling second; at 9.5, one worker got none (`npm run bench -- --only backfill`).
 */

export interface RealmBudgetLimits {
  /** Starts in any sliding 60-second window. */
  requestsPerMinute: number;
  /** Starts are paced 1000 / requestsPerSecond ms apart. */
  requestsPerSecond: number;
  maxConcurrent: number;
}

export interface RealmBudgetState {
  nowMs: number;
  /** The earliest time the next start is on pace (ms). */
  theoreticalArrivalMs: number;
  pausedUntilMs: number;
  /** Leases still live (not released, not expired). */
  requestsInFlight: number;
  /** Start times within the last minute, ascending (older ones may be present and are ignored). */
  recentStartsMs: readonly number[];
}

export type RealmTurn =
  | { granted: true; theoreticalArrivalMs: number }
  /** `retryInMs` null: the realm is at its concurrency limit; try again when a request ends. */
  | { granted: false; reason: 'paused' | 'rate' | 'minute' | 'concurrency'; retryInMs: number | null };

export const MINUTE_MS = 60_000;

export const DEFAULT_REALM_BUDGET: RealmBudgetLimits = { requestsPerMinute: 490, requestsPerSecond: 9.5, maxConcurrent: 10 };

/** The pace between two starts. */
export function paceIntervalMs(limits: RealmBudgetLimits): number {
  return 1_000 / limits.requestsPerSecond;
}

/** The starts that still count at `nowMs` (within the last minute). */
export function startsInWindow(startsMs: readonly number[], nowMs: number): number[] {
  return startsMs.filter((start) => start > nowMs - MINUTE_MS);
}

/** Whether one more request may start now, and the realm's next on-pace time if it does. */
export function decideRealmTurn(state: RealmBudgetState, limits: RealmBudgetLimits): RealmTurn {
  const { nowMs } = state;
  if (state.pausedUntilMs > nowMs) return { granted: false, reason: 'paused', retryInMs: state.pausedUntilMs - nowMs };
  if (state.theoreticalArrivalMs > nowMs) return { granted: false, reason: 'rate', retryInMs: state.theoreticalArrivalMs - nowMs };
  const counted = startsInWindow(state.recentStartsMs, nowMs).sort((a, b) => a - b);
  if (counted.length >= limits.requestsPerMinute) {
    // The turn comes when enough of the oldest starts have left the window.
    const leaving = counted[counted.length - limits.requestsPerMinute]!;
    return { granted: false, reason: 'minute', retryInMs: Math.max(1, leaving + MINUTE_MS - nowMs) };
  }
  if (state.requestsInFlight >= limits.maxConcurrent) return { granted: false, reason: 'concurrency', retryInMs: null };
  return { granted: true, theoreticalArrivalMs: Math.max(state.theoreticalArrivalMs, nowMs) + paceIntervalMs(limits) };
}

/** The most starts the budget admits in any window of `windowMs` (the bound the margin above is built on). */
export function mostStartsInWindow(limits: RealmBudgetLimits, windowMs: number): number {
  const paced = Math.ceil(windowMs / paceIntervalMs(limits));
  return Math.min(paced, Math.ceil(windowMs / MINUTE_MS) * limits.requestsPerMinute);
}

export function validateRealmBudgetLimits(limits: RealmBudgetLimits): void {
  if (!(limits.requestsPerMinute >= 1 && limits.requestsPerSecond > 0 && limits.maxConcurrent >= 1)) {
    throw new RangeError('realm budget: requestsPerMinute and maxConcurrent must be at least 1, requestsPerSecond above 0');
  }
}
