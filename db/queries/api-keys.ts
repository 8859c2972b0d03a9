import { and, count, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { apiKeys, merchants } from '../schema/index.js';

export type ApiKey = typeof apiKeys.$inferSelect;
type Merchant = typeof merchants.$inferSelect;

/** What a live API key authenticates: its merchant, and the key itself (for last-use tracking). */
export interface AuthenticatedKey {
  merchant: Merchant;
  apiKey: Pick<ApiKey, 'id' | 'lastUsedAt'>;
}

/** The merchant and key of a live (not revoked) API key with this hash. Read on every request: no cache, so a revocation counts at once everywhere. */
export async function findLiveApiKey(db: Executor, params: { keyHash: string }): Promise<AuthenticatedKey | undefined> {
  const [row] = await db
    .select({ merchant: merchants, apiKey: { id: apiKeys.id, lastUsedAt: apiKeys.lastUsedAt } })
    .from(apiKeys)
    .innerJoin(merchants, eq(apiKeys.merchantId, merchants.id))
    .where(and(eq(apiKeys.keyHash, params.keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  return row;
}

/**
 * Records a use of the key, unless one at or after `unlessUsedSince` is already recorded: one conditional
 * UPDATE, so concurrent requests (on any replica) write the row at most once per interval.
 */
export async function recordApiKeyUse(db: Executor, params: { apiKeyId: string; now: Date; unlessUsedSince: Date }): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: params.now })
    .where(and(eq(apiKeys.id, params.apiKeyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, params.unlessUsedSince))));
}

/**
 * Locks the merchant's row until the transaction ends, so that key changes of one merchant (creating
 * under the cap, revoking all but the last) happen one at a time. False when there is no such merchant.
 */
export async function lockMerchantForKeyChanges(tx: Executor, params: { merchantId: string }): Promise<boolean> {
  const [row] = await tx.select({ id: merchants.id }).from(merchants).where(eq(merchants.id, params.merchantId)).for('update');
  return row !== undefined;
}

export async function countActiveApiKeys(db: Executor, params: { merchantId: string }): Promise<number> {
  const [row] = await db
    .select({ active: count() })
    .from(apiKeys)
    .where(and(eq(apiKeys.merchantId, params.merchantId), isNull(apiKeys.revokedAt)));
  return row?.active ?? 0;
}

export async function insertApiKey(db: Executor, params: { merchantId: string; keyHash: string; keyPrefix: string }): Promise<ApiKey> {
  const [row] = await db.insert(apiKeys).values(params).returning();
  return row!;
}

/** The merchant's key with this id; another merchant's answers undefined, exactly like a missing one. */
export async function getMerchantApiKey(db: Executor, params: { merchantId: string; apiKeyId: string }): Promise<ApiKey | undefined> {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, params.apiKeyId), eq(apiKeys.merchantId, params.merchantId)))
    .limit(1);
  return row;
}

/** Revokes a live key; a key already revoked keeps its first revocation time. */
export async function revokeApiKey(db: Executor, params: { apiKeyId: string; now: Date }): Promise<void> {
  await db
    .update(apiKeys)
    .set({ revokedAt: params.now })
    .where(and(eq(apiKeys.id, params.apiKeyId), isNull(apiKeys.revokedAt)));
}

/**
 * The merchant's keys, newest first, keyset-paginated after the key `after` (the last of the previous
 * page). The position is read from that key's own row, so timestamps never travel through a cursor.
 */
export async function listMerchantApiKeys(db: Executor, params: { merchantId: string; limit: number; after?: string | undefined }): Promise<ApiKey[]> {
  const conditions = [eq(apiKeys.merchantId, params.merchantId)];
  if (params.after) {
    conditions.push(
      sql`(${apiKeys.createdAt}, ${apiKeys.id}) < (select previous.created_at, previous.id from ${apiKeys} previous where previous.id = ${params.after} and previous.merchant_id = ${params.merchantId})`,
    );
  }
  return db
    .select()
    .from(apiKeys)
    .where(and(...conditions))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(params.limit);
}
