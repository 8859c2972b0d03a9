/**
 * Storage of Intuit's per-realm budget, shared by the fleet (schema/realm-budgets.ts). A request's turn
 * is ONE UPDATE of the realm's row: the database decides it under the row lock (pace, minute window and
 * leases on its own clock; expired leases and starts older than a minute dropped, the lease and the start
 * added), so the lock is held for one statement, not across round
 * trips, and any number of processes take turns from it. The arithmetic is that of
 * quickbooks/realm-budget.ts (which the limiter uses to read a refusal).
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { quickbooksRealmBudgets } from '../schema/index.js';

export interface RealmBudgetSnapshot {
  nowMs: number;
  theoreticalArrivalMs: number;
  pausedUntilMs: number;
  /** Leases live at `nowMs`. */
  requestsInFlight: number;
  /** Starts within the minute before `nowMs`. */
  recentStartsMs: number[];
}

export interface RealmTurnLimits {
  /** The pace between two starts: 1 000 / requests per second. */
  intervalMs: number;
  /** Starts in any sliding minute. */
  requestsPerMinute: number;
  maxConcurrent: number;
}

export type RealmTurnTaken = { granted: true } | { granted: false; snapshot: RealmBudgetSnapshot };

const t = quickbooksRealmBudgets;
/** The database's clock in ms; volatile, so evaluated on the row as locked, not at the statement's start. */
const nowMs = sql`(extract(epoch from clock_timestamp()) * 1000)::float8`;
const liveHolds = sql`(SELECT coalesce(jsonb_object_agg(h.key, h.value), '{}'::jsonb) FROM jsonb_each(${t.holds}) AS h WHERE (h.value)::float8 > ${nowMs})`;
const liveHoldCount = sql`(SELECT count(*) FROM jsonb_each(${t.holds}) AS h WHERE (h.value)::float8 > ${nowMs})`;
const minuteStarts = sql`ARRAY(SELECT s FROM unnest(${t.recentStartsMs}) AS s WHERE s::float8 > ${nowMs} - 60000 ORDER BY s)`;

/** Takes a turn for `holdId` (a lease of `leaseMs`) if the realm's budget allows one now. */
export async function takeRealmTurn(db: Executor, params: { realmId: string; holdId: string; leaseMs: number; limits: RealmTurnLimits }): Promise<RealmTurnTaken> {
  const { limits } = params;
  const granted: SQL = sql`(${t.pausedUntilMs} <= ${nowMs} AND ${t.theoreticalArrivalMs} <= ${nowMs} AND cardinality(${minuteStarts}) < ${limits.requestsPerMinute}::int AND ${liveHoldCount} < ${limits.maxConcurrent}::int)`;
  const update = () =>
    db
      .update(t)
      .set({
        theoreticalArrivalMs: sql`CASE WHEN ${granted} THEN ceil(greatest(${t.theoreticalArrivalMs}::float8, ${nowMs}) + ${limits.intervalMs}::float8)::bigint ELSE ${t.theoreticalArrivalMs} END`,
        holds: sql`CASE WHEN ${granted} THEN ${liveHolds} || jsonb_build_object(${params.holdId}::text, ceil(${nowMs} + ${Math.ceil(params.leaseMs)}::float8)::bigint) ELSE ${liveHolds} END`,
        recentStartsMs: sql`CASE WHEN ${granted} THEN ${minuteStarts} || floor(${nowMs})::bigint ELSE ${minuteStarts} END`,
      })
      .where(eq(t.realmId, params.realmId))
      .returning({ theoreticalArrivalMs: t.theoreticalArrivalMs, pausedUntilMs: t.pausedUntilMs, holds: t.holds, recentStartsMs: t.recentStartsMs, nowMs });
  let [row] = await update();
  if (!row) {
    await db.insert(t).values({ realmId: params.realmId }).onConflictDoNothing();
    [row] = await update();
  }
  if (!row) throw new Error(`the budget row of realm ${params.realmId} vanished`);
  if (params.holdId in row.holds) return { granted: true };
  const now = Number(row.nowMs);
  return {
    granted: false,
    snapshot: {
      nowMs: now,
      theoreticalArrivalMs: Number(row.theoreticalArrivalMs),
      pausedUntilMs: Number(row.pausedUntilMs),
      requestsInFlight: Object.values(row.holds).filter((expiresMs) => Number(expiresMs) > now).length,
      recentStartsMs: row.recentStartsMs.map(Number),
    },
  };
}

/** Ends a request's lease. */
export async function releaseRealmHold(db: Executor, params: { realmId: string; holdId: string }): Promise<void> {
  await db.update(t).set({ holds: sql`${t.holds} - ${params.holdId}::text` }).where(eq(t.realmId, params.realmId));
}

/** Starts nothing for the realm, fleet-wide, for `ms` from now; a longer pause already set is kept. */
export async function pauseRealmBudget(db: Executor, params: { realmId: string; ms: number }): Promise<void> {
  const until = sql`ceil(${nowMs} + ${Math.ceil(params.ms)}::float8)::bigint`;
  await db
    .insert(t)
    .values({ realmId: params.realmId, pausedUntilMs: until })
    .onConflictDoUpdate({ target: t.realmId, set: { pausedUntilMs: sql`greatest(${t.pausedUntilMs}, ${until})` } });
}

/** The realm's leases live now (operators and tests: the fleet-wide concurrency). */
export async function countRealmHolds(db: Executor, realmId: string): Promise<number> {
  const [row] = await db.select({ count: sql<number>`${liveHoldCount}::int` }).from(t).where(eq(t.realmId, realmId));
  return Number(row?.count ?? 0);
}
