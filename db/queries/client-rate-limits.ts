/**
 * The public endpoints' per-client windows (schema/client-rate-limits.ts), counted in one atomic
 * statement so that any number of API replicas count one client's requests together.
 */
import { lt, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { clientRateLimitWindows } from '../schema/index.js';

/**
 * Counts one request against `key`'s fixed window: a window older than `windowMs` at `now` starts over.
 * Returns the requests counted in the current window (this one included) and when it started.
 */
export async function countClientRequest(db: Executor, params: { key: string; now: Date; windowMs: number }): Promise<{ requests: number; windowStartedAt: Date }> {
  const now = sql`${params.now.toISOString()}::timestamptz`;
  const windowOver = sql`${clientRateLimitWindows.windowStartedAt} <= ${now} - ${params.windowMs}::int * interval '1 millisecond'`;
  const [row] = await db
    .insert(clientRateLimitWindows)
    .values({ key: params.key, windowStartedAt: params.now, requests: 1 })
    .onConflictDoUpdate({
      target: clientRateLimitWindows.key,
      set: {
        windowStartedAt: sql`CASE WHEN ${windowOver} THEN ${now} ELSE ${clientRateLimitWindows.windowStartedAt} END`,
        requests: sql`CASE WHEN ${windowOver} THEN 1 ELSE ${clientRateLimitWindows.requests} + 1 END`,
      },
    })
    .returning({ requests: clientRateLimitWindows.requests, windowStartedAt: clientRateLimitWindows.windowStartedAt });
  return row!;
}

/** Deletes the windows that ended before `before` (their clients would start a fresh one anyway). */
export async function sweepClientRateLimitWindows(db: Executor, before: Date): Promise<number> {
  const deleted = await db.delete(clientRateLimitWindows).where(lt(clientRateLimitWindows.windowStartedAt, before)).returning({ key: clientRateLimitWindows.key });
  return deleted.length;
}
