/**
 * Storage of Intuit's per-realm budget, shared by the fleet (schema/realm-budgets.ts). A turn is taken
 * under the realm row's lock, so concurrent takers in any number of processes see each other's turns;
 * the decision itself is the caller's (pure) function. All times come from the database's clock.
 */
import { and, eq, gt, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { quickbooksRealmBudgets, quickbooksRealmHolds } from '../schema/index.js';

export interface RealmBudgetSnapshot {
  nowMs: number;
  theoreticalArrivalMs: number;
  pausedUntilMs: number;
  requestsInFlight: number;
}

export type RealmTurnDecision = { granted: true; theoreticalArrivalMs: number } | { granted: false };

const databaseNowMs = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::float8`;

/**
 * Locks the realm's budget row, lets `decide` judge it, and on a grant records the new TAT and a lease
 * (`holdId`, live for `leaseMs`) in the same transaction. Returns the decision as `decide` made it.
 */
export async function takeRealmTurn<D extends RealmTurnDecision>(
  db: Executor,
  params: { realmId: string; holdId: string; leaseMs: number; decide: (snapshot: RealmBudgetSnapshot) => D },
): Promise<D> {
  return db.transaction(async (tx) => {
    const [budget] = await tx
      .insert(quickbooksRealmBudgets)
      .values({ realmId: params.realmId })
      .onConflictDoUpdate({ target: quickbooksRealmBudgets.realmId, set: { realmId: sql`excluded.realm_id` } })
      .returning();
    // A statement of its own, after the lock: its snapshot sees the holds of the turn that held it before.
    const [live] = await tx
      .select({ requestsInFlight: sql<number>`count(*)::int`, nowMs: databaseNowMs })
      .from(quickbooksRealmHolds)
      .where(and(eq(quickbooksRealmHolds.realmId, params.realmId), gt(quickbooksRealmHolds.expiresAt, sql`clock_timestamp()`)));
    const decision = params.decide({
      nowMs: Number(live!.nowMs),
      theoreticalArrivalMs: budget!.theoreticalArrivalMs,
      pausedUntilMs: budget!.pausedUntilMs,
      requestsInFlight: Number(live!.requestsInFlight),
    });
    if (decision.granted) {
      await tx.update(quickbooksRealmBudgets).set({ theoreticalArrivalMs: Math.ceil(decision.theoreticalArrivalMs) }).where(eq(quickbooksRealmBudgets.realmId, params.realmId));
      await tx.insert(quickbooksRealmHolds).values({
        id: params.holdId,
        realmId: params.realmId,
        expiresAt: sql`clock_timestamp() + ${Math.ceil(params.leaseMs)}::int * interval '1 millisecond'`,
      });
    }
    return decision;
  });
}

/** Ends a request's lease, and sweeps the realm's leases that expired (their worker died mid-request). */
export async function releaseRealmHold(db: Executor, params: { realmId: string; holdId: string }): Promise<void> {
  await db
    .delete(quickbooksRealmHolds)
    .where(or(eq(quickbooksRealmHolds.id, params.holdId), and(eq(quickbooksRealmHolds.realmId, params.realmId), lte(quickbooksRealmHolds.expiresAt, sql`clock_timestamp()`))));
}

/** Starts nothing for the realm, fleet-wide, for `ms` from now; a longer pause already set is kept. */
export async function pauseRealmBudget(db: Executor, params: { realmId: string; ms: number }): Promise<void> {
  const until = sql`(${databaseNowMs} + ${Math.ceil(params.ms)}::int)::bigint`;
  await db
    .insert(quickbooksRealmBudgets)
    .values({ realmId: params.realmId, pausedUntilMs: until })
    .onConflictDoUpdate({ target: quickbooksRealmBudgets.realmId, set: { pausedUntilMs: sql`greatest(${quickbooksRealmBudgets.pausedUntilMs}, ${until})` } });
}

/** The realm's leases live now (operators and tests: the fleet-wide concurrency). */
export async function countRealmHolds(db: Executor, realmId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(quickbooksRealmHolds)
    .where(and(eq(quickbooksRealmHolds.realmId, realmId), gt(quickbooksRealmHolds.expiresAt, sql`clock_timestamp()`)));
  return Number(row!.count);
}
