import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideRealmTurn, DEFAULT_REALM_BUDGET, mostStartsInWindow, type RealmBudgetLimits } from '../../quickbooks/realm-budget.js';

/** Grants turns to a client that asks at the given times (retrying when told to), returns the start times. */
function simulate(limits: RealmBudgetLimits, askTimes: number[], untilMs: number): number[] {
  let tat = 0;
  const starts: number[] = [];
  const pending = [...askTimes].sort((a, b) => a - b);
  while (pending.length > 0) {
    const now = pending.shift()!;
    if (now > untilMs) break;
    const turn = decideRealmTurn({ nowMs: now, theoreticalArrivalMs: tat, pausedUntilMs: 0, requestsInFlight: 0 }, limits);
    if (turn.granted) {
      tat = turn.theoreticalArrivalMs;
      starts.push(now);
    } else {
      const retryAt = now + turn.retryInMs!;
      const at = pending.findIndex((time) => time > retryAt);
      pending.splice(at < 0 ? pending.length : at, 0, retryAt);
    }
  }
  return starts;
}

/** The worst case for the window bound: a caller that asks again at the earliest moment it may. */
function greedy(limits: RealmBudgetLimits, untilMs: number): number[] {
  let tat = 0;
  let now = 0;
  const starts: number[] = [];
  while (now < untilMs) {
    const turn = decideRealmTurn({ nowMs: now, theoreticalArrivalMs: tat, pausedUntilMs: 0, requestsInFlight: 0 }, limits);
    if (turn.granted) {
      tat = turn.theoreticalArrivalMs;
      starts.push(now);
    } else {
      now += turn.retryInMs!;
    }
  }
  return starts;
}

function busiestWindow(starts: number[], windowMs: number): number {
  let best = 0;
  for (let first = 0, last = 0; last < starts.length; last++) {
    while (starts[last]! - starts[first]! >= windowMs) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

describe('the realm budget (GCRA)', () => {
  it('admits at most 490 requests in any 60 s window by default, under Intuit’s 500', () => {
    expect(mostStartsInWindow(DEFAULT_REALM_BUDGET, 60_000)).toBe(490);
    // A greedy fleet: asks again the moment it may, for five minutes.
    const starts = greedy(DEFAULT_REALM_BUDGET, 300_000);
    expect(busiestWindow(starts, 60_000)).toBeLessThanOrEqual(490);
    // …and spends the budget: 480 a minute over the long run (plus the opening burst).
    const lastFourMinutes = starts.filter((at) => at >= 60_000 && at < 300_000).length;
    expect(lastFourMinutes).toBeGreaterThanOrEqual(4 * 480 - 1);
    expect(lastFourMinutes).toBeLessThanOrEqual(4 * 480 + 1);
  });

  it('never admits more than the GCRA bound in any window, whatever the arrival pattern', () => {
    fc.assert(
      fc.property(
        fc.record({ requestsPerMinute: fc.integer({ min: 1, max: 1_000 }), burst: fc.integer({ min: 0, max: 20 }), maxConcurrent: fc.constant(10) }),
        fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1_000, max: 60_000 }),
        (limits, asks, windowMs) => {
          const starts = simulate(limits, asks, 120_000);
          expect(busiestWindow(starts, windowMs)).toBeLessThanOrEqual(mostStartsInWindow(limits, windowMs));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('says how long to wait: until the TAT is within the burst, until a pause ends, or for a release', () => {
    const limits = { requestsPerMinute: 600, burst: 2, maxConcurrent: 3 }; // one every 100 ms
    expect(decideRealmTurn({ nowMs: 1_000, theoreticalArrivalMs: 0, pausedUntilMs: 0, requestsInFlight: 0 }, limits)).toEqual({ granted: true, theoreticalArrivalMs: 1_100 });
    expect(decideRealmTurn({ nowMs: 1_000, theoreticalArrivalMs: 1_200, pausedUntilMs: 0, requestsInFlight: 0 }, limits)).toEqual({ granted: true, theoreticalArrivalMs: 1_300 });
    expect(decideRealmTurn({ nowMs: 1_000, theoreticalArrivalMs: 1_250, pausedUntilMs: 0, requestsInFlight: 0 }, limits)).toEqual({ granted: false, reason: 'rate', retryInMs: 50 });
    expect(decideRealmTurn({ nowMs: 1_000, theoreticalArrivalMs: 0, pausedUntilMs: 61_000, requestsInFlight: 0 }, limits)).toEqual({ granted: false, reason: 'paused', retryInMs: 60_000 });
    expect(decideRealmTurn({ nowMs: 1_000, theoreticalArrivalMs: 0, pausedUntilMs: 0, requestsInFlight: 3 }, limits)).toEqual({ granted: false, reason: 'concurrency', retryInMs: null });
  });
});
