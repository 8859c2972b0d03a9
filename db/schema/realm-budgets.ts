import { sql } from 'drizzle-orm';
import { bigint, jsonb, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * Intuit's per-company budget, shared by every worker and API process (quickbooks/shared-rate-limiter.ts).
 * One row per QuickBooks company (realm): when the next request is on pace, the starts of the last
 * minute, the pause a 429 asked for, and the requests in flight. A request's turn is ONE UPDATE of this row (db/queries/realm-budgets.ts),
 * so the row lock is held for a statement, never across round trips, and the fleet spends one budget.
 * Times are milliseconds of the database's clock: workers' clocks never have to agree.
 */
export const quickbooksRealmBudgets = pgTable('quickbooks_realm_budgets', {
  realmId: text().primaryKey(),
  /** When the next request is on pace (ms since the epoch, database clock): starts are 1000 / (requests a second) ms apart. */
  theoreticalArrivalMs: bigint({ mode: 'number' }).notNull().default(0),
  /** The start times (ms, database clock) of the last 60 s, oldest first: the per-minute sliding window. */
  recentStartsMs: bigint({ mode: 'number' }).array().notNull().default(sql`'{}'::bigint[]`),
  /** No request starts before this (ms since the epoch): set from a 429's Retry-After. */
  pausedUntilMs: bigint({ mode: 'number' }).notNull().default(0),
  /**
   * Requests in flight, fleet-wide: `{ "<hold id>": <expires, ms> }`, an entry per request while it runs.
   * A worker that dies mid-request cannot remove its entries; they stop counting when they expire (later
   * than any request may take), so a crash costs the company a slot for a bounded time, never for good.
   */
  holds: jsonb().$type<Record<string, number>>().notNull().default({}),
});
