import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { apiKeys, merchants } from '../schema/index.js';

export type Merchant = typeof merchants.$inferSelect;

/** Creates a merchant with its first API key (stored only as `keyHash`). */
export async function createMerchant(
  db: Executor,
  params: { name: string; email?: string | null; keyHash: string; keyPrefix: string; webhookUrl?: string | null },
): Promise<Merchant> {
  return db.transaction(async (tx) => {
    const [merchant] = await tx.insert(merchants).values({ name: params.name, email: params.email ?? null, webhookUrl: params.webhookUrl ?? null }).returning();
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

export interface MerchantContactChanges {
  /** A new address, or null to remove it. */
  email?: string | null;
  notificationEmails?: boolean;
}

/** Changes where and whether notices are emailed; undefined fields stay as they are. */
export async function updateMerchantContact(db: Executor, merchantId: string, changes: MerchantContactChanges): Promise<Merchant | undefined> {
  const set: Partial<typeof merchants.$inferInsert> = {};
  if (changes.email !== undefined) set.email = changes.email;
  if (changes.notificationEmails !== undefined) set.notificationEmails = changes.notificationEmails;
  if (Object.keys(set).length === 0) return getMerchant(db, merchantId);
  const [row] = await db.update(merchants).set(set).where(eq(merchants.id, merchantId)).returning();
  return row;
}
