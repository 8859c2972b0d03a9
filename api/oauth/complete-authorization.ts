/**
 * The OAuth callback's decision procedure. Intuit's authorization codes are single-use and a second
 * exchange of the same code can invalidate the grant (oauth-jsclient#173), so:
 *  - every check that can refuse the callback runs before anything is written (a refused callback
 *    leaves the state, the connection and the workflow as they were);
 *  - the state is then consumed atomically together with the code's hash (unique), so of any number of
 *    repeated or concurrent callbacks exactly one reaches `exchangeCode`; the others learn that the
 *    authorization already completed;
 *  - a first connect records its realm only once the tokens are proven to reach it (./prove-realm.ts).
 */
import { findMerchantConnectionForRealm, getConnection, recordConnectionRealm, type Connection } from '../../db/queries/connections.js';
import { getMerchant } from '../../db/queries/merchants.js';
import { consumeOAuthState, findOAuthState, type OAuthState } from '../../db/queries/oauth-states.js';
import { ClientAuthError, GrantInvalidError, isQuickBooksError } from '../../quickbooks/errors.js';
import { ConnectionCommandError } from '../../connections/errors.js';
import type { QuickBooksTokenSet } from '../../shared/tokens.js';
import { hashSecret } from '../auth/secrets.js';
import { ApiError } from '../http/errors.js';
import { isUniqueViolation } from '../http/postgres-errors.js';
import type { AppServices } from '../services.js';
import { learnCompany } from './company-profile.js';
import { proveRealm } from './prove-realm.js';

export interface CallbackParams {
  state?: string | undefined;
  code?: string | undefined;
  realmId?: string | undefined;
  error?: string | undefined;
}

export type CallbackResult = 'connected' | 'reauthorized' | 'access_denied' | 'authorization_failed' | 'already_completed';

export interface CallbackOutcome {
  result: CallbackResult;
  connection: Connection;
}

export async function completeAuthorization(services: AppServices, params: CallbackParams, sessionMerchantId: string | undefined): Promise<CallbackOutcome> {
  const { db, clock } = services;
  if (!params.state) throw new ApiError('state_missing', 'The callback carries no `state`; start the connection again from the dashboard.');
  const stateRow = await findOAuthState(db, hashSecret(params.state));
  if (!stateRow) throw new ApiError('state_invalid', 'The `state` is unknown or was altered; start the connection again from the dashboard.');
  // A browser signed in as another merchant must not complete this merchant's authorization.
  if (sessionMerchantId !== undefined && sessionMerchantId !== stateRow.merchantId) {
    throw new ApiError('state_not_for_this_session', 'This authorization was started by another account than the one signed in here.');
  }
  const connection = (await getConnection(db, stateRow.connectionId))!;
  const codeHash = params.code ? hashSecret(params.code) : null;

  if (stateRow.consumedAt) return alreadyUsed(stateRow, codeHash, connection);
  if (stateRow.expiresAt.getTime() <= clock().getTime()) throw new ApiError('state_expired', 'The authorization took longer than 10 minutes; start it again.');

  if (params.error !== undefined) {
    // The merchant declined (or Intuit refused): nothing about the connection changes, the state is spent.
    if (!(await consumeOAuthState(db, { id: stateRow.id, codeHash: null, now: clock() }))) return reread(services, stateRow, codeHash);
    return { result: params.error === 'access_denied' ? 'access_denied' : 'authorization_failed', connection };
  }
  if (!params.code || !params.realmId) throw new ApiError('callback_incomplete', 'The callback needs `code` and `realmId` (or `error`).');
  assertRealmAcceptable(connection, params.realmId);
  const other = await findMerchantConnectionForRealm(db, { merchantId: connection.merchantId, realmId: params.realmId, excludeConnectionId: connection.id });
  if (other) throw realmAlreadyConnected(other);

  let consumed: OAuthState | undefined;
  try {
    consumed = await consumeOAuthState(db, { id: stateRow.id, codeHash: codeHash!, now: clock() });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiError('code_already_used', 'This authorization code was already used; start the connection again.');
    throw error;
  }
  if (!consumed) return reread(services, stateRow, codeHash);

  const tokens = await exchange(services, { code: params.code, realmId: params.realmId, state: params.state, connectionId: connection.id });
  const firstConnect = connection.realmId === null;
  let companyInfo: Awaited<ReturnType<typeof proveRealm>>;
  if (firstConnect) {
    companyInfo = await proveRealm(services, { connectionId: connection.id, realmId: params.realmId, tokens });
    await recordRealm(services, connection, params.realmId);
  }
  // The workflow's summary, the card, notices and emails then name the company as the merchant knows it.
  const named = await learnCompany(services, { connectionId: connection.id, realmId: params.realmId, accessToken: tokens.accessToken, companyInfo, sizeBackfill: firstConnect });
  try {
    const merchantName = (await getMerchant(db, connection.merchantId))?.name;
    await services.workflows.deliverTokens({ connection: { ...(named ?? connection), merchantName }, realmId: params.realmId, sealedTokens: services.sealer.sealJson(tokens) });
  } catch (error) {
    if (!(error instanceof ConnectionCommandError)) throw error;
    throw new ApiError('temporal_unavailable', 'QuickBooks authorized the connection, but we could not hand it to the sync engine; please authorize again in a minute.');
  }
  return { result: firstConnect ? 'connected' : 'reauthorized', connection: (await getConnection(db, connection.id))! };
}

function alreadyUsed(stateRow: OAuthState, codeHash: string | null, connection: Connection): CallbackOutcome {
  if (codeHash !== null && stateRow.codeHash === codeHash) return { result: 'already_completed', connection };
  throw new ApiError('state_consumed', 'This authorization link was already used; start it again from the dashboard.');
}

/** Another request consumed the state between our read and our update: report what it did. */
async function reread(services: AppServices, stateRow: OAuthState, codeHash: string | null): Promise<CallbackOutcome> {
  const current = (await findOAuthState(services.db, stateRow.stateHash))!;
  if (!current.consumedAt) throw new ApiError('state_expired', 'The authorization took longer than 10 minutes; start it again.');
  return alreadyUsed(current, codeHash, (await getConnection(services.db, stateRow.connectionId))!);
}

function assertRealmAcceptable(connection: Connection, realmId: string): void {
  if (connection.status === 'disconnected') {
    throw new ApiError('connection_disconnected', 'This connection was disconnected; create a new one to connect QuickBooks again.');
  }
  if (connection.realmId !== null && connection.realmId !== realmId) {
    throw new ApiError(
      'realm_mismatch',
      `You authorized a different QuickBooks company than the one this connection syncs (${connection.realmId}). Re-authorize and choose that company; nothing was changed.`,
    );
  }
}

function realmAlreadyConnected(other: Connection): ApiError {
  return new ApiError('realm_already_connected', `This QuickBooks company is already connected (connection ${other.id}); nothing was changed.`, { connectionId: other.id });
}

async function exchange(services: AppServices, params: { code: string; realmId: string; state: string; connectionId: string }): Promise<QuickBooksTokenSet> {
  try {
    return await services.oauth.exchangeCode({ code: params.code, realmId: params.realmId, state: params.state });
  } catch (error) {
    if (error instanceof GrantInvalidError) {
      throw new ApiError('authorization_code_rejected', 'QuickBooks refused the authorization code (expired or already used); start the connection again.');
    }
    if (isQuickBooksError(error)) {
      const level = error instanceof ClientAuthError ? 'error' : 'warn';
      services.logger[level]({ connectionId: params.connectionId, ...error.toLogFields() }, 'authorization code exchange failed');
      throw new ApiError('quickbooks_unavailable', 'QuickBooks did not complete the authorization; start the connection again in a minute.');
    }
    throw error;
  }
}

async function recordRealm(services: AppServices, connection: Connection, realmId: string): Promise<void> {
  try {
    if (await recordConnectionRealm(services.db, { connectionId: connection.id, realmId })) return;
  } catch (error) {
    // Another connection of this merchant took the company between our check and this write.
    if (!isUniqueViolation(error)) throw error;
    const other = await findMerchantConnectionForRealm(services.db, { merchantId: connection.merchantId, realmId, excludeConnectionId: connection.id });
    if (other) throw realmAlreadyConnected(other);
    throw error;
  }
  throw new ApiError('realm_mismatch', 'This connection was meanwhile authorized for a different QuickBooks company; nothing was changed.');
}
