import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { apiKeys, dashboardSessions, merchants } from '../schema/index.js';

export type DashboardSession = typeof dashboardSessions.$inferSelect;
type Merchant = typeof merchants.$inferSelect;

export async function createDashboardSession(
  db: Executor,
  params: { tokenHash: string; merchantId: string; apiKeyId: string; expiresAt: Date },
): Promise<DashboardSession> {
  const [row] = await db.insert(dashboardSessions).values(params).returning();
  return row!;
}

export interface LiveSession {
  merchant: Merchant;
  /** The API key the session was started with (null for sessions older than that record). */
  apiKeyId: string | null;
}

/**
 * The merchant of a live session with this token hash: not expired, not revoked, and started with a key
 * that is still live (revoking a key ends its sessions at once, on every replica).
 */
export async function findLiveDashboardSession(db: Executor, params: { tokenHash: string; now: Date }): Promise<LiveSession | undefined> {
  const [row] = await db
    .select({ merchant: merchants, apiKeyId: dashboardSessions.apiKeyId })
    .from(dashboardSessions)
    .innerJoin(merchants, eq(dashboardSessions.merchantId, merchants.id))
    .leftJoin(apiKeys, eq(dashboardSessions.apiKeyId, apiKeys.id))
    .where(
      and(
        eq(dashboardSessions.tokenHash, params.tokenHash),
        isNull(dashboardSessions.revokedAt),
        gt(dashboardSessions.expiresAt, params.now),
        or(isNull(dashboardSessions.apiKeyId), isNull(apiKeys.revokedAt)),
      ),
    )
    .limit(1);
  return row;
}

export async function revokeDashboardSession(db: Executor, params: { tokenHash: string; now: Date }): Promise<void> {
  await db.update(dashboardSessions).set({ revokedAt: params.now }).where(and(eq(dashboardSessions.tokenHash, params.tokenHash), isNull(dashboardSessions.revokedAt)));
}
