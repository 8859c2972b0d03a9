import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideRealmTurn, DEFAULT_REALM_BUDGET, mostStartsInWindow, startsInWindow, type RealmBudgetLimits } from '../../quickbooks/realm-budget.js';

/** The realm's budget as the database keeps it: the pace, the last minute's starts. */
function createRealm(limits: RealmBudgetLimits) {
  let theoreticalArrivalMs = 0;
  let recentStartsMs: number[] = [];
  const starts: number[] = [];
  return {
    starts,
    /** Takes a turn at `nowMs`; the wait until the next try when refused. */
    ask(nowMs: number): number | 'started' {
      const turn = decideRealmTurn({ nowMs, theoreticalArrivalMs, pausedUntilMs: 0, requestsInFlight: 0, recentStartsMs }, limits);
      if (!turn.granted) return turn.retryInMs!;
      theoreticalArrivalMs = turn.theoreticalArrivalMs;
      recentStartsMs = [...startsInWindow(recentStartsMs, nowMs), nowMs];
      starts.push(nowMs);
      return 'started';
    },
  };
}

/** Grants turns to a client that asks at the given times (retrying when told to), returns the start times. */
function simulate(limits: RealmBudgetLimits, askTimes: number[], untilMs: number): number[] {
  const realm = createRealm(limits);
  const pending = [...askTimes].sort((a, b) => a - b);
  while (pending.length > 0) {
    const now = pending.shift()!;
    if (now > untilMs) break;
    const answer = realm.ask(now);
    if (answer === 'started') continue;
    const retryAt = now + answer;
    const at = pending.findIndex((time) => time > retryAt);
    pending.splice(at < 0 ? pending.length : at, 0, retryAt);
  }
  return realm.starts;
}

/** The worst case for the window bounds: a caller that asks again at the earliest moment it may. */
function greedy(limits: RealmBudgetLimits, untilMs: number): number[] {
  const realm = createRealm(limits);
  for (let now = 0; now < untilMs; ) {
    const answer = realm.ask(now);
    if (answer !== 'started') now += answer;
  }
  return realm.starts;
}

function busiestWindow(starts: number[], windowMs: number): number {
  let best = 0;
  for (let first = 0, last = 0; last < starts.length; last++) {
    while (starts[last]! - starts[first]! >= windowMs) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

describe('the realm budget (9.5 a second, paced; 490 in any minute)', () => {
  it('goes at 9.5 a second from the first request, never past Intuit’s 10 in a second or 490 in any 60 s', () => {
    const starts = greedy(DEFAULT_REALM_BUDGET, 300_000);
    // A backfill shorter than a minute is not held to the minute's average: 49 pages in its first 5.1 s.
    expect(starts.filter((at) => at < 5_100)).toHaveLength(49);
    expect(busiestWindow(starts, 1_000)).toBeLessThanOrEqual(10);
    expect(busiestWindow(starts, 60_000)).toBeLessThanOrEqual(490);
    expect(mostStartsInWindow(DEFAULT_REALM_BUDGET, 60_000)).toBe(490);
    // …and a long one spends the minute's budget: 490 a minute.
    const lastFourMinutes = starts.filter((at) => at >= 60_000 && at < 300_000).length;
    expect(lastFourMinutes).toBe(4 * 490);
  });

  it('never admits more than its bound in any window, whatever the arrival pattern', () => {
    fc.assert(
      fc.property(
        fc.record({ requestsPerMinute: fc.integer({ min: 1, max: 1_000 }), requestsPerSecond: fc.integer({ min: 1, max: 20 }), maxConcurrent: fc.constant(10) }),
        fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1_000, max: 60_000 }),
        (limits, asks, windowMs) => {
          const starts = simulate(limits, asks, 120_000);
          expect(busiestWindow(starts, windowMs)).toBeLessThanOrEqual(mostStartsInWindow(limits, windowMs));
          expect(busiestWindow(starts, 60_000)).toBeLessThanOrEqual(limits.requestsPerMinute);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('says how long to wait: until the next start is on pace, a start leaves the minute, a pause ends, or a release', () => {
    const limits = { requestsPerMinute: 3, requestsPerSecond: 10, maxConcurrent: 3 }; // one every 100 ms, three a minute
    const state = { nowMs: 1_000, theoreticalArrivalMs: 0, pausedUntilMs: 0, requestsInFlight: 0, recentStartsMs: [] };
    expect(decideRealmTurn(state, limits)).toEqual({ granted: true, theoreticalArrivalMs: 1_100 });
    expect(decideRealmTurn({ ...state, theoreticalArrivalMs: 1_050 }, limits)).toEqual({ granted: false, reason: 'rate', retryInMs: 50 });
    // Three starts in the last minute: the turn comes when the oldest leaves it.
    expect(decideRealmTurn({ ...state, nowMs: 61_000, recentStartsMs: [500, 1_500, 2_500, 3_000] }, limits)).toEqual({ granted: false, reason: 'minute', retryInMs: 500 });
    expect(decideRealmTurn({ ...state, nowMs: 61_600, recentStartsMs: [500, 1_500, 2_500, 3_000] }, limits)).toMatchObject({ granted: true });
    expect(decideRealmTurn({ ...state, pausedUntilMs: 61_000 }, limits)).toEqual({ granted: false, reason: 'paused', retryInMs: 60_000 });
    expect(decideRealmTurn({ ...state, requestsInFlight: 3 }, limits)).toEqual({ granted: false, reason: 'concurrency', retryInMs: null });
  });
});
