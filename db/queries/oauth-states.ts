import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { oauthStates } from '../schema/index.js';

export type OAuthState = typeof oauthStates.$inferSelect;
export type OAuthStatePurpose = OAuthState['purpose'];

/** Stores a freshly issued `state` (its hash only), bound to the merchant, the connection and the purpose. */
export async function createOAuthState(
  db: Executor,
  params: { stateHash: string; merchantId: string; connectionId: string; purpose: OAuthStatePurpose; expiresAt: Date },
): Promise<OAuthState> {
  const [row] = await db.insert(oauthStates).values(params).returning();
  return row!;
}

export async function findOAuthState(db: Executor, stateHash: string): Promise<OAuthState | undefined> {
  const [row] = await db.select().from(oauthStates).where(eq(oauthStates.stateHash, stateHash)).limit(1);
  return row;
}

/**
 * Consumes a state atomically: of any number of concurrent callers, exactly one gets the row back.
 * Records the hash of the authorization code exchanged with it (unique across states, so the same
 * code can never be exchanged through a second state either: that insert fails with 23505).
 */
export async function consumeOAuthState(db: Executor, params: { id: string; codeHash: string | null; now: Date }): Promise<OAuthState | undefined> {
  const [row] = await db
    .update(oauthStates)
    .set({ consumedAt: params.now, codeHash: params.codeHash })
    .where(and(eq(oauthStates.id, params.id), isNull(oauthStates.consumedAt), gt(oauthStates.expiresAt, params.now)))
    .returning();
  return row;
}

/** Whether an authorization code (by hash) was already taken by some state. */
export async function isCodeHashRecorded(db: Executor, codeHash: string): Promise<boolean> {
  const [row] = await db.select({ id: oauthStates.id }).from(oauthStates).where(eq(oauthStates.codeHash, codeHash)).limit(1);
  return row !== undefined;
}
