import { bigint, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';

/**
 * Intuit's per-company budget, shared by every worker and API process (quickbooks/shared-rate-limiter.ts).
 * One row per QuickBooks company (realm): the GCRA's theoretical arrival time and the pause a 429 asked
 * for. Every request takes its turn under this row's lock, so the fleet spends one budget, not one each.
 * Times are milliseconds of the database's clock: workers' clocks never have to agree.
 */
export const quickbooksRealmBudgets = pgTable('quickbooks_realm_budgets', {
  realmId: text().primaryKey(),
  /** GCRA: when the next request would be on schedule (ms since the epoch, database clock). */
  theoreticalArrivalMs: bigint({ mode: 'number' }).notNull().default(0),
  /** No request starts before this (ms since the epoch): set from a 429's Retry-After. */
  pausedUntilMs: bigint({ mode: 'number' }).notNull().default(0),
});

/**
 * Requests in flight to a realm, fleet-wide: one row per request while it runs, deleted when it ends.
 * A worker that dies mid-request cannot delete its rows; they stop counting at `expiresAt` (longer than
 * any request may take), so a crash costs the realm a slot for a bounded time, never for good.
 */
export const quickbooksRealmHolds = pgTable(
  'quickbooks_realm_holds',
  {
    id: uuid().primaryKey(),
    realmId: text().notNull(),
    expiresAt: instant().notNull(),
  },
  (t) => [index().on(t.realmId, t.expiresAt)],
);
