import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { apiKeys, merchants } from '../schema/index.js';

export type Merchant = typeof merchants.$inferSelect;

/** Creates a merchant with its first API key (stored only as `keyHash`). */
export async function createMerchant(db: Executor, params: { name: string; keyHash: string; keyPrefix: string; webhookUrl?: string | null }): Promise<Merchant> {
  return db.transaction(async (tx) => {
    const [merchant] = await tx.insert(merchants).values({ name: params.name, webhookUrl: params.webhookUrl ?? null }).returning();
    await tx.insert(apiKeys).values({ merchantId: merchant!.id, keyHash: params.keyHash, keyPrefix: params.keyPrefix });
    return merchant!;
  });
}

/** The merchant that owns a live (not revoked) API key with this hash. */
export async function findMerchantByKeyHash(db: Executor, keyHash: string): Promise<Merchant | undefined> {
  const [row] = await db
    .select({ merchant: merchants })
    .from(apiKeys)
    .innerJoin(merchants, eq(apiKeys.merchantId, merchants.id))
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  return row?.merchant;
}

export async function getMerchant(db: Executor, merchantId: string): Promise<Merchant | undefined> {
  const [row] = await db.select().from(merchants).where(eq(merchants.id, merchantId)).limit(1);
  return row;
}
