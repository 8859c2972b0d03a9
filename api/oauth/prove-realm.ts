/**
 * Realm proof on a first connect. Intuit's callback names the company (`realmId`) in the query string,
 * which the browser carries and anyone can rewrite; the tokens themselves reach only the company the
 * merchant chose on Intuit's consent page. Recording an unproven realm gives a connection that answers
 * "connected" and then gets 403 (code 3100) on every sync. So before a first connect is recorded, the
 * new access token reads the named company's CompanyInfo; if QuickBooks refuses, the grant is revoked at
 * Intuit (nobody will ever use it: the state is spent) and the callback is refused, changing nothing.
 */
import { isQuickBooksError } from '../../quickbooks/errors.js';
import type { QuickBooksObject } from '../../quickbooks/types.js';
import type { QuickBooksTokenSet } from '../../shared/tokens.js';
import { ApiError } from '../http/errors.js';
import type { AppServices } from '../services.js';

/** Intuit's "ApplicationAuthorizationFailed": the token's grant is for another company. */
const AUTHORIZATION_FAILED_CODE = '3100';

/** Returns the CompanyInfo that proved it (undefined when no reader is wired: the realm is then taken as named). */
export async function proveRealm(services: AppServices, params: { connectionId: string; realmId: string; tokens: QuickBooksTokenSet }): Promise<QuickBooksObject | undefined> {
  const { realmProof } = services;
  // Not wired (see AppDeps.realmProof): the realm is recorded as the callback names it.
  if (!realmProof) return undefined;
  try {
    return await realmProof.companyInfo({ realmId: params.realmId, accessToken: params.tokens.accessToken });
  } catch (error) {
    await withdrawGrant(services, params);
    if (!isQuickBooksError(error)) throw error;
    const logFields = { connectionId: params.connectionId, realmId: params.realmId, ...error.toLogFields() };
    if (error.status === 403 || error.code === AUTHORIZATION_FAILED_CODE) {
      services.logger.warn(logFields, 'first connect refused: the tokens do not reach the company the callback names');
      throw new ApiError(
        'realm_not_authorized',
        `QuickBooks does not give this authorization access to company ${params.realmId}, the company the callback names. The authorization was withdrawn and nothing was connected; connect again and choose the company on the QuickBooks page.`,
      );
    }
    services.logger.warn(logFields, 'first connect refused: the company could not be confirmed');
    throw new ApiError('quickbooks_unavailable', 'QuickBooks did not confirm the company; the authorization was withdrawn and nothing was connected. Start connecting again in a minute.');
  }
}

/** Revokes the grant the callback obtained. Best effort: a failure is logged (never the token) and the callback is refused all the same. */
async function withdrawGrant(services: AppServices, params: { connectionId: string; realmId: string; tokens: QuickBooksTokenSet }): Promise<void> {
  try {
    await services.oauth.revoke({ token: params.tokens.refreshToken });
  } catch (error) {
    const fields = isQuickBooksError(error) ? error.toLogFields() : { errorType: error instanceof Error ? error.name : typeof error };
    services.logger.error({ connectionId: params.connectionId, realmId: params.realmId, ...fields }, 'could not revoke the tokens of a refused first connect');
  }
}
