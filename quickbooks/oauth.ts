/**
 * Intuit OAuth 2.0 through the `intuit-oauth` client: the authorize URL, the code exchange, refresh
 * and revocation, each answered with a QuickBooksTokenSet or a typed QuickBooksError.
 *
 * intuit-oauth keeps its endpoints in process-global statics. We set them from `options.endpoints`
 * immediately before each call; intuit-oauth reads them synchronously while building the request, and
 * with its retries disabled (below) it never reads them again later, so two clients with different
 * endpoints in one process (tests with several simulators) cannot cross. Each call uses a fresh
 * OAuthClient so that two connections' tokens never share an object.
 */
import OAuthClient from 'intuit-oauth';
import type { IntuitEndpoints } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import type { QuickBooksTokenSet } from '../shared/tokens.js';
import { classifyOAuthError, intuitTidOf, type OAuthFailureContext, type OAuthOperation } from './classify-oauth-error.js';
import { isQuickBooksError, PermanentQuickBooksError, TransientQuickBooksError } from './errors.js';
import { tokenSetFromAnswer } from './token-set.js';

export const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting';
export const DEFAULT_TOKEN_REQUEST_TIMEOUT_MS = 30_000;

export interface IntuitOAuthOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  environment: 'sandbox' | 'production';
  endpoints: IntuitEndpoints;
  logger?: Logger;
  /** How long we wait for the token or revoke endpoint. Default 30 s. */
  requestTimeoutMs?: number;
}

export interface IntuitOAuth {
  /** The consent URL (scope com.intuit.quickbooks.accounting). `state` is ours: intuit-oauth must not invent one. */
  authorizeUrl(params: { state: string }): string;
  /** Exchanges a callback's code. A code works once: a second exchange gives GrantInvalidError. */
  exchangeCode(params: { code: string; realmId: string; state: string }): Promise<QuickBooksTokenSet>;
  /** Refreshes; the answer may carry a new (rotated) refresh token, which must replace the old one. */
  refresh(params: { refreshToken: string; realmId: string }): Promise<QuickBooksTokenSet>;
  /** Revokes a refresh or access token (the whole grant). GrantInvalidError means it was already dead. */
  revoke(params: { token: string }): Promise<void>;
}

/**
 * intuit-oauth retries token calls itself (3 times, 1/2/4 s) on 5xx, 429 and socket errors. We turn
 * that off for every call. A refresh whose answer was lost may already have rotated the refresh token at
 * Intuit; replaying it silently inside the library hides that from us and from the operator, and for a
 * code exchange a replay is a reuse, which Intuit punishes by invalidating the grant. Instead the error
 * surfaces as TransientQuickBooksError and Temporal's activity retry policy retries it, visibly in the
 * workflow history, after re-reading the latest stored tokens.
 */
function disableLibraryRetries(): void {
  OAuthClient.retryConfig = { ...OAuthClient.retryConfig, maxRetries: 0 };
}

function pointLibraryAt(endpoints: IntuitEndpoints, environment: 'sandbox' | 'production'): void {
  OAuthClient.authorizeEndpoint = endpoints.authorize;
  OAuthClient.tokenEndpoint = endpoints.token;
  OAuthClient.revokeEndpoint = endpoints.revoke;
  OAuthClient.environment = { ...OAuthClient.environment, [environment]: `${endpoints.accountingApi.replace(/\/+$/, '')}/` };
  disableLibraryRetries();
}

interface LibraryAnswer {
  json?: unknown;
  response?: unknown;
}

export function createIntuitOAuth(options: IntuitOAuthOptions): IntuitOAuth {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_TOKEN_REQUEST_TIMEOUT_MS;
  const logger = options.logger;
  for (const [name, value] of Object.entries({ clientId: options.clientId, clientSecret: options.clientSecret, redirectUri: options.redirectUri })) {
    if (!value) throw new PermanentQuickBooksError(`createIntuitOAuth: ${name} is required`);
  }

  /** A fresh client with our endpoints in place. Logging stays off: intuit-oauth would write token bodies to ./logs. */
  function newClient(): OAuthClient {
    pointLibraryAt(options.endpoints, options.environment);
    return new OAuthClient({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      environment: options.environment,
      redirectUri: options.redirectUri,
      logging: false,
      includeRefreshTokenHardExpiresIn: true,
    });
  }

  function describe(operation: OAuthOperation, realmId?: string): string {
    return `${operation}${realmId ? ` for realm ${realmId}` : ''}`;
  }

  /**
   * Runs one library call under our timeout. intuit-oauth offers no way to abort its request, so on
   * timeout the request may still complete at Intuit: for a refresh that is the "answer lost" case
   * (the token may have rotated), reported as a retryable TransientQuickBooksError like any other.
   */
  async function call(context: OAuthFailureContext, run: () => Promise<LibraryAnswer>): Promise<LibraryAnswer> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new TransientQuickBooksError(`Intuit did not answer within ${timeoutMs} ms to ${describe(context.operation, context.realmId)}`, { code: 'TIMEOUT' }));
      }, timeoutMs);
    });
    try {
      return await Promise.race([run(), timedOut]);
    } catch (error) {
      const typed = isQuickBooksError(error) ? error : classifyOAuthError(error, context);
      logger?.warn({ operation: context.operation, realmId: context.realmId, ...typed.toLogFields() }, `QuickBooks OAuth: could not ${describe(context.operation, context.realmId)}`);
      throw typed;
    } finally {
      clearTimeout(timer);
    }
  }

  function toTokenSet(answer: LibraryAnswer, context: OAuthFailureContext & { realmId: string }, requestedAt: Date, usedRefreshToken?: string): QuickBooksTokenSet {
    const intuitTid = intuitTidOf(answer.response);
    const status = typeof (answer.response as { status?: unknown } | undefined)?.status === 'number' ? (answer.response as { status: number }).status : undefined;
    try {
      const { tokenSet, defaultedFields } = tokenSetFromAnswer({
        json: answer.json,
        realmId: context.realmId,
        requestedAt,
        description: describe(context.operation, context.realmId),
        intuitTid,
        status,
      });
      if (defaultedFields.length > 0) {
        logger?.warn({ realmId: context.realmId, intuitTid, defaultedFields }, 'QuickBooks OAuth: token answer lacked lifetimes; assumed Intuit defaults');
      }
      logger?.info(
        {
          operation: context.operation,
          realmId: context.realmId,
          intuitTid,
          accessTokenExpiresAt: tokenSet.accessTokenExpiresAt,
          refreshTokenExpiresAt: tokenSet.refreshTokenExpiresAt,
          refreshTokenHardExpiresAt: tokenSet.refreshTokenHardExpiresAt,
          // A rotated refresh token must replace the stored one at once: the old value is now dead.
          ...(usedRefreshToken === undefined ? {} : { refreshTokenRotated: tokenSet.refreshToken !== usedRefreshToken }),
        },
        `QuickBooks OAuth: ${context.operation} succeeded`,
      );
      return tokenSet;
    } catch (error) {
      if (isQuickBooksError(error)) logger?.warn({ operation: context.operation, realmId: context.realmId, ...error.toLogFields() }, `QuickBooks OAuth: unusable answer`);
      throw error;
    }
  }

  return {
    authorizeUrl({ state }) {
      if (!state) throw new PermanentQuickBooksError('authorizeUrl: a state is required (it ties the callback to the connection)');
      return newClient().authorizeUri({ scope: [ACCOUNTING_SCOPE], state });
    },

    async exchangeCode({ code, realmId, state }) {
      const context = { operation: 'exchange the authorization code', realmId, secrets: [code, options.clientSecret] } as const;
      if (!code) throw new PermanentQuickBooksError(`Cannot ${describe(context.operation, realmId)}: the callback has no code`);
      if (!realmId) throw new PermanentQuickBooksError(`Cannot ${context.operation}: the callback has no realmId`);
      // createToken reads code, realmId and state from a callback URL; we rebuild the one Intuit redirected to.
      const callbackUrl = `${options.redirectUri}?${new URLSearchParams({ code, state, realmId }).toString()}`;
      const requestedAt = new Date();
      const answer = await call(context, () => newClient().createToken(callbackUrl));
      return toTokenSet(answer, context, requestedAt);
    },

    async refresh({ refreshToken, realmId }) {
      const context = { operation: 'refresh the access token', realmId, secrets: [refreshToken, options.clientSecret] } as const;
      if (!refreshToken) throw new PermanentQuickBooksError(`Cannot ${describe(context.operation, realmId)}: no refresh token given`);
      const requestedAt = new Date();
      // refreshUsingToken, not refresh(): refresh() first checks a createdAt we do not keep and can fail locally.
      const answer = await call(context, () => newClient().refreshUsingToken(refreshToken));
      return toTokenSet(answer, context, requestedAt, refreshToken);
    },

    async revoke({ token }) {
      const context = { operation: 'revoke the token', secrets: [token, options.clientSecret] } as const;
      if (!token) throw new PermanentQuickBooksError('Cannot revoke: no token given');
      await call(context, () => newClient().revoke({ refresh_token: token }));
      logger?.info({ operation: context.operation }, 'QuickBooks OAuth: token revoked');
    },
  };
}
