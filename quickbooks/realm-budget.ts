/**
 * The arithmetic of one realm's budget (pure; the state lives in Postgres, see shared-rate-limiter.ts).
 *
 * Rate: GCRA (the generic cell rate algorithm). Each request moves the realm's theoretical arrival time
 * (TAT) one emission interval (60 000 / requestsPerMinute ms) past max(TAT, now); a request may start
 * while TAT − now ≤ burst × interval. In any 60-second window that admits at most
 * requestsPerMinute + burst + 1 starts, and over a long run exactly requestsPerMinute a minute.
 *
 * The default, 480/min with a burst of 9: at most 480 + 9 + 1 = 490 starts in any 60 s window, the figure
 * the per-process limiter measured safe against a sliding 500/min (0.98 of the bound, no 429); the 10
 * left over absorb requests that reach Intuit closer together than we started them (several workers'
 * network paths). Sustained, 480/min is 0.96 of Intuit's 500, above the 0.95 we promise.
 *
 * Concurrency: at most maxConcurrent requests hold a lease at once; a full realm waits for a release.
 */

export interface RealmBudgetLimits {
  requestsPerMinute: number;
  /** Requests that may start at once on top of the steady rate (GCRA's tolerance, in intervals). */
  burst: number;
  maxConcurrent: number;
}

export interface RealmBudgetState {
  nowMs: number;
  theoreticalArrivalMs: number;
  pausedUntilMs: number;
  /** Leases still live (not released, not expired). */
  requestsInFlight: number;
}

export type RealmTurn =
  | { granted: true; theoreticalArrivalMs: number }
  /** `retryInMs` null: the realm is at its concurrency limit; try again when a request ends. */
  | { granted: false; reason: 'paused' | 'rate' | 'concurrency'; retryInMs: number | null };

export const DEFAULT_REALM_BUDGET: RealmBudgetLimits = { requestsPerMinute: 480, burst: 9, maxConcurrent: 10 };

export function emissionIntervalMs(limits: RealmBudgetLimits): number {
  return 60_000 / limits.requestsPerMinute;
}

/** Whether one more request may start now, and the realm's TAT if it does. */
export function decideRealmTurn(state: RealmBudgetState, limits: RealmBudgetLimits): RealmTurn {
  const { nowMs } = state;
  if (state.pausedUntilMs > nowMs) return { granted: false, reason: 'paused', retryInMs: state.pausedUntilMs - nowMs };
  const interval = emissionIntervalMs(limits);
  const tolerance = limits.burst * interval;
  const earliest = state.theoreticalArrivalMs - tolerance;
  if (earliest > nowMs) return { granted: false, reason: 'rate', retryInMs: earliest - nowMs };
  if (state.requestsInFlight >= limits.maxConcurrent) return { granted: false, reason: 'concurrency', retryInMs: null };
  return { granted: true, theoreticalArrivalMs: Math.max(state.theoreticalArrivalMs, nowMs) + interval };
}

/** The most starts GCRA admits in any window of `windowMs` (the bound the margin above is built on). */
export function mostStartsInWindow(limits: RealmBudgetLimits, windowMs: number): number {
  const interval = emissionIntervalMs(limits);
  return Math.floor((windowMs + limits.burst * interval) / interval) + 1;
}

export function validateRealmBudgetLimits(limits: RealmBudgetLimits): void {
  if (!(limits.requestsPerMinute >= 1 && limits.maxConcurrent >= 1 && Number.isInteger(limits.burst) && limits.burst >= 0)) {
    throw new RangeError('realm budget: requestsPerMinute and maxConcurrent must be at least 1, burst a whole number ≥ 0');
  }
}
