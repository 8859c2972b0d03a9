import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { dashboardSessions, merchants } from '../schema/index.js';

export type DashboardSession = typeof dashboardSessions.$inferSelect;
type Merchant = typeof merchants.$inferSelect;

export async function createDashboardSession(db: Executor, params: { tokenHash: string; merchantId: string; expiresAt: Date }): Promise<DashboardSession> {
  const [row] = await db.insert(dashboardSessions).values(params).returning();
  return row!;
}

/** The merchant of a live (not expired, not revoked) session with this token hash. */
export async function findMerchantBySessionHash(db: Executor, params: { tokenHash: string; now: Date }): Promise<Merchant | undefined> {
  const [row] = await db
    .select({ merchant: merchants })
    .from(dashboardSessions)
    .innerJoin(merchants, eq(dashboardSessions.merchantId, merchants.id))
    .where(and(eq(dashboardSessions.tokenHash, params.tokenHash), isNull(dashboardSessions.revokedAt), gt(dashboardSessions.expiresAt, params.now)))
    .limit(1);
  return row?.merchant;
}

export async function revokeDashboardSession(db: Executor, params: { tokenHash: string; now: Date }): Promise<void> {
  await db.update(dashboardSessions).set({ revokedAt: params.now }).where(and(eq(dashboardSessions.tokenHash, params.tokenHash), isNull(dashboardSessions.revokedAt)));
}
