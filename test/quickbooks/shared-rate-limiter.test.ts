/**
 * The fleet-wide realm budget against real Postgres: several limiter instances, each on its own pool as
 * separate worker processes would be, share one realm's rate and concurrency; a crashed worker's lease
 * expires; a 429's pause reaches every instance.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client.js';
import { migrateDatabase } from '../../db/migrate.js';
import { countRealmHolds, takeRealmTurn } from '../../db/queries/realm-budgets.js';
import { mostStartsInWindow } from '../../quickbooks/realm-budget.js';
import { createSharedRealmRateLimiter } from '../../quickbooks/shared-rate-limiter.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase;
const processes: DatabaseHandle[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  for (let n = 0; n < 3; n++) processes.push(await openDatabase({ url: database.url, maxConnections: 3 }));
});

afterAll(async () => {
  for (const handle of processes) await handle.close();
  await database?.destroy();
});

function busiestWindow(starts: number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let best = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

describe('the shared realm rate limiter', () => {
  it('keeps three processes’ backfill lanes and an incremental cycle within one rate and one concurrency, sharing fairly', async () => {
    const limits = { requestsPerMinute: 6_000, requestsPerSecond: 20, maxConcurrent: 4 }; // one start every 50 ms
    const limiters = processes.map(({ db }) => createSharedRealmRateLimiter({ db, ...limits }));
    const realmId = 'realm-fleet';
    const starts: number[] = [];
    const startsBy = new Map<string, number>();
    let inFlight = 0;
    let peakInFlight = 0;
    const request = (caller: string) => async () => {
      starts.push(Date.now());
      startsBy.set(caller, (startsBy.get(caller) ?? 0) + 1);
      inFlight += 1;
      peakInFlight = Math.max(peakInFlight, inFlight);
      await sleep(60 + Math.random() * 200); // slow enough that concurrency binds too
      inFlight -= 1;
    };
    const deadline = Date.now() + 4_000;
    const caller = async (limiterIndex: number, name: string) => {
      while (Date.now() < deadline) await limiters[limiterIndex]!.schedule(realmId, request(name));
    };
    // Three lanes of one backfill on each "worker"; worker 0 also runs a connection's incremental cycle.
    await Promise.all([
      ...[0, 1, 2].flatMap((worker) => [0, 1, 2].map((lane) => caller(worker, `backfill-w${worker}-lane${lane}`))),
      caller(0, 'incremental'),
    ]);

    expect(peakInFlight).toBeLessThanOrEqual(limits.maxConcurrent);
    expect(peakInFlight).toBeGreaterThan(1);
    // The pace's bound over any 2 s window; +1 for the moment between the database granting a turn and the
    // process starting it (a start can land a few ms later than its grant, never earlier).
    expect(busiestWindow(starts, 2_000)).toBeLessThanOrEqual(mostStartsInWindow(limits, 2_000) + 1);
    expect(await countRealmHolds(database.db, realmId)).toBe(0);
    // Every caller got turns, the incremental cycle included: no lane, and no process, starves another.
    const fairShare = starts.length / startsBy.size;
    for (const [name, count] of startsBy) expect(count, name).toBeGreaterThanOrEqual(fairShare / 4);
  });

  it('starts no more than the minute allows, whichever process asks, until the first start is a minute old', async () => {
    const limits = { requestsPerMinute: 5, requestsPerSecond: 100, maxConcurrent: 10 };
    const limiters = processes.map(({ db }) => createSharedRealmRateLimiter({ db, ...limits }));
    let started = 0;
    // Twelve callers over the three processes; those still waiting after 5 s give up their place.
    const signal = AbortSignal.timeout(5_000);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, n) => limiters[n % 3]!.schedule('realm-minute', async () => void (started += 1), { signal })),
    );
    expect(started).toBe(limits.requestsPerMinute);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(12 - limits.requestsPerMinute);
  });

  it('gives a crashed worker’s slots back when their leases expire', async () => {
    const realmId = 'realm-crash';
    const limits = { requestsPerMinute: 6_000, requestsPerSecond: 100, maxConcurrent: 2 };
    // A worker takes both slots and dies without ending them.
    for (const holdId of ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002']) {
      expect(await takeRealmTurn(processes[0]!.db, { realmId, holdId, leaseMs: 700, limits: { intervalMs: 1, requestsPerMinute: 6_000, maxConcurrent: 2 } })).toEqual({ granted: true });
    }
    expect(await countRealmHolds(database.db, realmId)).toBe(2);
    const survivor = createSharedRealmRateLimiter({ db: processes[1]!.db, ...limits });
    const askedAt = Date.now();
    const startedAt = await survivor.schedule(realmId, async () => Date.now());
    expect(startedAt - askedAt).toBeGreaterThanOrEqual(500);
    // The survivor got its slot once the first dead lease expired; the second (taken a moment later, more on a
    // loaded machine) expires on its own, and the survivor's own lease ended before it heard back.
    await expect.poll(() => countRealmHolds(database.db, realmId), { timeout: 5_000, interval: 50 }).toBe(0);
  });

  it('pauses the realm for every process after one of them is throttled', async () => {
    const realmId = 'realm-throttled';
    const [throttled, other] = processes.map(({ db }) => createSharedRealmRateLimiter({ db }));
    throttled!.pause(realmId, 800);
    await sleep(100); // the pause is written in the background
    const askedAt = Date.now();
    const startedAt = await other!.schedule(realmId, async () => Date.now());
    expect(startedAt - askedAt).toBeGreaterThanOrEqual(500);
    expect(other!.stats(realmId).pausedUntil).toBeNull();
  });

  it('abandons a call still waiting for its turn when its signal aborts', async () => {
    const realmId = 'realm-abandoned';
    const limiter = createSharedRealmRateLimiter({ db: processes[2]!.db });
    limiter.pause(realmId, 5_000);
    await sleep(100);
    let ran = false;
    const call = limiter.schedule(realmId, async () => void (ran = true), { signal: AbortSignal.timeout(200) });
    await expect(call).rejects.toThrow(/cancelled while waiting/);
    expect(ran).toBe(false);
  });

  it('works on PGlite too (`npm start`: the worker and the API share one embedded session)', async () => {
    const pglite = await openDatabase({});
    try {
      await migrateDatabase(pglite);
      const limiter = createSharedRealmRateLimiter({ db: pglite.db, requestsPerMinute: 6_000, requestsPerSecond: 100, maxConcurrent: 2 });
      let inFlight = 0;
      let peak = 0;
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, n) =>
          limiter.schedule('realm-pglite', async () => {
            peak = Math.max(peak, ++inFlight);
            await sleep(20);
            inFlight -= 1;
            return n;
          }),
        ),
      );
      expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(peak).toBeLessThanOrEqual(2);
      expect(await countRealmHolds(pglite.db, 'realm-pglite')).toBe(0);
    } finally {
      await pglite.close();
    }
  });
});
