/**
 * The only code that writes a connection's tokens after authorization. The workflow calls these one at
 * a time, so two refreshes of one connection never race (the cause of most `invalid_grant` surprises).
 */
import { lockConnection, markConnectionActive, markDisconnected } from '../db/queries/connections.js';
import { deleteCredentials, loadCredentials, saveCredentials, saveSealedCredentials } from '../db/queries/credentials.js';
import { resolveNotifications } from '../db/queries/notifications.js';
import { GrantInvalidError } from '../quickbooks/errors.js';
import type { QuickBooksTokenSet } from '../shared/tokens.js';
import type { AcceptTokensInput, TokenTimes } from '../shared/workflow-payloads.js';
import type { ActivityDeps } from './deps.js';
import { ConnectionGoneError, CredentialsMissingError, failureTypeOf, RealmMismatchError, withFailureContext } from './failures.js';

function timesOf(tokens: QuickBooksTokenSet): TokenTimes {
  return {
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
    refreshTokenHardExpiresAt: tokens.refreshTokenHardExpiresAt,
  };
}

/** Seconds-rounded answers put the same hard limit a second or so apart: closer than this is the same limit. */
const SAME_HARD_LIMIT_MS = 60 * 60_000;

/**
 * Intuit's five-year limit is counted from the original consent, so a refresh cannot move it; but each
 * answer gives it as seconds from now, and the instant computed from that wobbles by a second. Keeps the
 * limit already stored for the grant when the fresh answer names the same one, so the warning before it
 * (one per limit: workflows/notices.ts) is given once, not after every refresh.
 */
export function keepHardLimit(stored: QuickBooksTokenSet, fresh: QuickBooksTokenSet): QuickBooksTokenSet {
  const before = stored.refreshTokenHardExpiresAt;
  const after = fresh.refreshTokenHardExpiresAt;
  if (!before || !after || Math.abs(Date.parse(before) - Date.parse(after)) >= SAME_HARD_LIMIT_MS) return fresh;
  return { ...fresh, refreshTokenHardExpiresAt: before };
}

export function createTokenActivities(deps: ActivityDeps) {
  const { db, sealer, oauth, logger } = deps;

  /**
   * Stores tokens delivered by the OAuth callback (first connect or re-authorization) and makes the
   * connection active again, in one transaction. Tokens for another QuickBooks company are refused:
   * storing them would mix two companies' books in one connection.
   */
  async function acceptTokens(input: AcceptTokensInput): Promise<TokenTimes> {
    return withFailureContext({ connectionId: input.connectionId, operation: 'accept tokens' }, async () => {
      const tokens = sealer.unsealJson<QuickBooksTokenSet>(input.sealedTokens);
      if (tokens.realmId !== input.realmId) throw new RealmMismatchError(`tokens are for company ${tokens.realmId}, the signal says ${input.realmId}`);
      await db.transaction(async (tx) => {
        const connection = await lockConnection(tx, input.connectionId);
        if (!connection || connection.status === 'disconnected') throw new ConnectionGoneError('the connection was removed');
        if (connection.realmId && connection.realmId !== input.realmId) {
          throw new RealmMismatchError(`re-authorization for company ${input.realmId} refused: this connection syncs company ${connection.realmId}`);
        }
        await saveSealedCredentials(tx, { connectionId: input.connectionId, sealedTokens: input.sealedTokens, sealer });
        await markConnectionActive(tx, { connectionId: input.connectionId, realmId: input.realmId });
        await resolveNotifications(tx, { connectionId: input.connectionId, kinds: ['needs_reauthorization', 'reauthorization_reminder'] });
      });
      logger.info({ connectionId: input.connectionId, realmId: input.realmId }, 'tokens accepted; connection active');
      return timesOf(tokens);
    });
  }

  /**
   * Refreshes the access token and persists whatever Intuit answered before anything else happens (a
   * rotated refresh token that is not saved is a grant lost). On `invalid_grant` it re-reads the stored
   * tokens once: if newer ones arrived meanwhile, it refreshes with those instead of giving up.
   */
  async function refreshAccessToken(input: { connectionId: string }): Promise<TokenTimes> {
    try {
      const times = await refresh(input);
      deps.metrics?.tokenRefreshes.inc({ outcome: 'succeeded' });
      return times;
    } catch (error) {
      deps.metrics?.tokenRefreshes.inc({ outcome: failureTypeOf(error) });
      throw error;
    }
  }

  async function refresh(input: { connectionId: string }): Promise<TokenTimes> {
    return withFailureContext({ connectionId: input.connectionId, operation: 'refresh access token' }, async () => {
      const stored = await loadCredentials(db, { connectionId: input.connectionId, sealer });
      if (!stored) throw new CredentialsMissingError('no stored tokens');
      let tokens: QuickBooksTokenSet;
      try {
        tokens = await oauth.refresh({ refreshToken: stored.tokens.refreshToken, realmId: stored.tokens.realmId });
      } catch (error) {
        if (!(error instanceof GrantInvalidError)) throw error;
        const reread = await loadCredentials(db, { connectionId: input.connectionId, sealer });
        if (!reread || reread.version === stored.version) throw error;
        logger.warn({ connectionId: input.connectionId }, 'refresh rejected, but newer tokens were stored meanwhile: retrying with those');
        tokens = await oauth.refresh({ refreshToken: reread.tokens.refreshToken, realmId: reread.tokens.realmId });
      }
      tokens = keepHardLimit(stored.tokens, tokens);
      await saveCredentials(db, { connectionId: input.connectionId, tokens, sealer });
      return timesOf(tokens);
    });
  }

  /** The merchant removed the integration: revoke at Intuit (best effort), forget the tokens, mark it disconnected. */
  async function disconnectConnection(input: { connectionId: string }): Promise<{ revoked: boolean }> {
    return withFailureContext({ connectionId: input.connectionId, operation: 'disconnect' }, async () => {
      let revoked = false;
      const stored = await loadCredentials(db, { connectionId: input.connectionId, sealer }).catch(() => undefined);
      if (stored) {
        try {
          await oauth.revoke({ token: stored.tokens.refreshToken });
          revoked = true;
        } catch (error) {
          // Intuit may answer 400 for a grant that is already gone; the local disconnect goes ahead regardless.
          logger.warn({ connectionId: input.connectionId, errorType: (error as Error).name }, 'revoking at Intuit failed; disconnecting locally anyway');
        }
      }
      await db.transaction(async (tx) => {
        await deleteCredentials(tx, input.connectionId);
        await markDisconnected(tx, { connectionId: input.connectionId, at: new Date() });
        await resolveNotifications(tx, { connectionId: input.connectionId, kinds: ['needs_reauthorization', 'reauthorization_reminder', 'refresh_token_expiring'] });
      });
      return { revoked };
    });
  }

  return { acceptTokens, refreshAccessToken, disconnectConnection };
}

/** The access token for a QuickBooks call; activities that call QuickBooks only read tokens. */
export async function readAccessToken(deps: Pick<ActivityDeps, 'db' | 'sealer'>, connectionId: string): Promise<{ accessToken: string; realmId: string }> {
  const stored = await loadCredentials(deps.db, { connectionId, sealer: deps.sealer });
  if (!stored) throw new CredentialsMissingError('no stored tokens');
  return { accessToken: stored.tokens.accessToken, realmId: stored.tokens.realmId };
}
