/**
 * Intuit's per-company limits (500 requests/min, 10/s, 10 concurrent per realm and app) kept for the whole
 * fleet: every worker and API process takes each request's turn from the realm's row in Postgres
 * (db/queries/realm-budgets.ts; the arithmetic and the margin are in realm-budget.ts), so three workers
 * backfilling one company spend one budget between them. No new server: the database is already shared.
 *
 * In a process, one realm's callers wait in one FIFO queue and a single loop takes turns for its head,
 * so the database sees one taker per realm per process, and every caller — a backfill lane or an
 * incremental cycle, each with one request outstanding — gets its turn in order: an incremental cycle
 * waits behind at most one request per busy lane, never behind a whole backfill. Across processes the
 * takers meet at the row lock, each as likely as the next to win the turn that comes due.
 *
 * A 429 still pauses the realm, now fleet-wide (`pause` writes the pause to the row).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../db/client.js';
import { pauseRealmBudget, releaseRealmHold, takeRealmTurn } from '../db/queries/realm-budgets.js';
import type { Logger } from '../shared/logger.js';
import { TransientQuickBooksError } from './errors.js';
import { decideRealmTurn, DEFAULT_REALM_BUDGET, paceIntervalMs, validateRealmBudgetLimits, type RealmBudgetLimits } from './realm-budget.js';
import type { RealmLimiterStats, RealmRateLimiter } from './rate-limiter.js';
import { enqueueRealmCall, type RealmWaiter } from './realm-waiters.js';

export interface SharedRealmRateLimiterOptions extends Partial<RealmBudgetLimits> {
  db: Database;
  logger?: Logger;
  /**
   * How long a request's concurrency lease lives if its process dies before ending it. Longer than any
   * request may take (the Accounting API client aborts at 30 s by default). Default 60 000 ms.
   */
  leaseMs?: number;
  /** How often a realm at its concurrency limit looks for a lease another process ended. Default 50 ms. */
  concurrencyPollMs?: number;
}

interface RealmQueue {
  waiters: RealmWaiter<string>[];
  active: number;
  peakConcurrent: number;
  /** Start times in this process within the last minute (stats only). */
  starts: number[];
  pausedUntil: number;
  taking: boolean;
}

export function createSharedRealmRateLimiter(options: SharedRealmRateLimiterOptions): RealmRateLimiter {
  const limits: RealmBudgetLimits = {
    requestsPerMinute: options.requestsPerMinute ?? DEFAULT_REALM_BUDGET.requestsPerMinute,
    requestsPerSecond: options.requestsPerSecond ?? DEFAULT_REALM_BUDGET.requestsPerSecond,
    maxConcurrent: options.maxConcurrent ?? DEFAULT_REALM_BUDGET.maxConcurrent,
  };
  validateRealmBudgetLimits(limits);
  const turnLimits = { intervalMs: paceIntervalMs(limits), requestsPerMinute: limits.requestsPerMinute, maxConcurrent: limits.maxConcurrent };
  const leaseMs = options.leaseMs ?? 60_000;
  const concurrencyPollMs = options.concurrencyPollMs ?? 50;
  const { db, logger } = options;
  const realms = new Map<string, RealmQueue>();

  function queueOf(realmId: string): RealmQueue {
    let queue = realms.get(realmId);
    if (!queue) {
      queue = { waiters: [], active: 0, peakConcurrent: 0, starts: [], pausedUntil: 0, taking: false };
      realms.set(realmId, queue);
    }
    return queue;
  }

  /** Takes turns from the database for the head of the realm's queue until the queue is empty. */
  async function takeTurns(realmId: string, queue: RealmQueue): Promise<void> {
    if (queue.taking) return;
    queue.taking = true;
    try {
      while (queue.waiters.length > 0) {
        if (queue.active >= limits.maxConcurrent) return; // a finishing request starts the loop again
        const holdId = randomUUID();
        let taken: Awaited<ReturnType<typeof takeRealmTurn>>;
        const askedAt = performance.now();
        try {
          taken = await takeRealmTurn(db, { realmId, holdId, leaseMs, limits: turnLimits });
        } catch (error) {
          // The database is unreachable: fail the head (the activity retries) rather than run unbudgeted.
          logger?.warn({ err: error, realmId }, 'could not take a QuickBooks request turn from the database');
          queue.waiters.shift()?.fail(new TransientQuickBooksError(`could not take realm ${realmId}'s rate-limit turn from the database`, { cause: error }));
          await sleep(concurrencyPollMs);
          continue;
        }
        if (!taken.granted) {
          // The database refused; the same arithmetic says how long until the turn it will grant. The next
          // ask reaches the database half a round trip after it leaves and the refusal took the other half
          // to come back: asking a round trip early keeps the pace, not the pace minus our latency.
          const turn = decideRealmTurn(taken.snapshot, limits);
          const retryInMs = turn.granted ? 1 : (turn.retryInMs ?? concurrencyPollMs);
          if (!turn.granted && turn.reason === 'paused') queue.pausedUntil = Date.now() + retryInMs;
          await sleep(Math.max(1, Math.floor(retryInMs - (performance.now() - askedAt))));
          continue;
        }
        const waiter = queue.waiters.shift();
        if (!waiter) {
          // Everyone waiting gave up while the turn was taken: hand the lease back.
          void release(realmId, holdId);
          break;
        }
        const now = Date.now();
        queue.active += 1;
        queue.peakConcurrent = Math.max(queue.peakConcurrent, queue.active);
        queue.starts.push(now);
        while (queue.starts.length > 0 && queue.starts[0]! <= now - 60_000) queue.starts.shift();
        waiter.start(holdId);
      }
    } finally {
      queue.taking = false;
      forgetIfIdle(realmId, queue);
    }
  }

  async function release(realmId: string, holdId: string): Promise<void> {
    try {
      await releaseRealmHold(db, { realmId, holdId });
    } catch (error) {
      // The lease expires by itself; until then the realm has one slot fewer.
      logger?.warn({ err: error, realmId }, 'could not end a QuickBooks request lease; it expires by itself');
    }
  }

  function forgetIfIdle(realmId: string, queue: RealmQueue): void {
    if (queue.waiters.length === 0 && queue.active === 0 && !queue.taking && queue.pausedUntil <= Date.now()) realms.delete(realmId);
  }

  return {
    schedule<T>(realmId: string, fn: () => Promise<T>, scheduleOptions: { signal?: AbortSignal } = {}): Promise<T> {
      const queue = queueOf(realmId);
      return enqueueRealmCall(fn, {
        realmId,
        waiters: queue.waiters,
        signal: scheduleOptions.signal,
        // The lease ends before the caller hears back, so what it does next already counts the slot free.
        finish: async (holdId: string) => {
          await release(realmId, holdId);
          queue.active -= 1;
          if (queue.waiters.length > 0) void takeTurns(realmId, queue);
          else forgetIfIdle(realmId, queue);
        },
        pump: () => void takeTurns(realmId, queue),
      });
    },

    pause(realmId: string, ms: number): void {
      const queue = queueOf(realmId);
      queue.pausedUntil = Math.max(queue.pausedUntil, Date.now() + ms);
      pauseRealmBudget(db, { realmId, ms }).catch((error: unknown) => logger?.warn({ err: error, realmId }, 'could not record a QuickBooks throttle pause in the database'));
    },

    stats(realmId: string): RealmLimiterStats {
      const queue = realms.get(realmId);
      const now = Date.now();
      if (!queue) return { active: 0, queued: 0, startedInWindow: 0, pausedUntil: null, peakConcurrent: 0 };
      return {
        active: queue.active,
        queued: queue.waiters.length,
        startedInWindow: queue.starts.filter((start) => start > now - 60_000).length,
        pausedUntil: queue.pausedUntil > now ? new Date(queue.pausedUntil) : null,
        peakConcurrent: queue.peakConcurrent,
      };
    },
  };
}
