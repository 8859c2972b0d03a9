import { eq, sql } from 'drizzle-orm';
import type { TokenSealer } from '../../shared/seal.js';
import type { QuickBooksTokenSet } from '../../shared/tokens.js';
import type { Executor } from '../client.js';
import { connectionCredentials } from '../schema/index.js';

export interface StoredCredentials {
  tokens: QuickBooksTokenSet;
  /** Increases with every write; lets a reader tell whether someone stored newer tokens meanwhile. */
  version: number;
  updatedAt: Date;
}

/**
 * Stores a connection's tokens, already sealed (the workflow hands them over sealed). Only the
 * connection's own workflow activities call this after the first authorization.
 */
export async function saveSealedCredentials(db: Executor, params: { connectionId: string; sealedTokens: string; sealer: TokenSealer }): Promise<number> {
  const tokens = params.sealer.unsealJson<QuickBooksTokenSet>(params.sealedTokens);
  // Re-seal under the primary key when the value came sealed with an older one (key rotation).
  const sealedTokens = params.sealer.isSealedWithOldKey(params.sealedTokens) ? params.sealer.sealJson(tokens) : params.sealedTokens;
  const values = {
    sealedTokens,
    keyId: params.sealer.primaryKeyId,
    accessTokenExpiresAt: new Date(tokens.accessTokenExpiresAt),
    refreshTokenExpiresAt: new Date(tokens.refreshTokenExpiresAt),
    refreshTokenHardExpiresAt: tokens.refreshTokenHardExpiresAt ? new Date(tokens.refreshTokenHardExpiresAt) : null,
    updatedAt: new Date(),
  };
  const [row] = await db
    .insert(connectionCredentials)
    .values({ connectionId: params.connectionId, ...values })
    .onConflictDoUpdate({ target: connectionCredentials.connectionId, set: { ...values, version: sql`${connectionCredentials.version} + 1` } })
    .returning({ version: connectionCredentials.version });
  return row!.version;
}

export async function saveCredentials(db: Executor, params: { connectionId: string; tokens: QuickBooksTokenSet; sealer: TokenSealer }): Promise<number> {
  return saveSealedCredentials(db, { connectionId: params.connectionId, sealedTokens: params.sealer.sealJson(params.tokens), sealer: params.sealer });
}

export async function loadCredentials(db: Executor, params: { connectionId: string; sealer: TokenSealer }): Promise<StoredCredentials | undefined> {
  const [row] = await db.select().from(connectionCredentials).where(eq(connectionCredentials.connectionId, params.connectionId)).limit(1);
  if (!row) return undefined;
  return { tokens: params.sealer.unsealJson<QuickBooksTokenSet>(row.sealedTokens), version: row.version, updatedAt: row.updatedAt };
}

export async function deleteCredentials(db: Executor, connectionId: string): Promise<void> {
  await db.delete(connectionCredentials).where(eq(connectionCredentials.connectionId, connectionId));
}
