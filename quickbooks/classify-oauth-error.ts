/**
 * Turns whatever intuit-oauth threw into one typed error. intuit-oauth 4.2.5 throws:
 * - for an HTTP error answer, an `Error` built by `createError` with `.error` ('invalid_grant'…),
 *   `.error_description`, `.intuit_tid`, `.originalMessage` and `.authResponse.response` (the axios
 *   response: `.status`, `.headers`); when the body is not JSON, `.error` and `.message` are the body;
 * - for a request that got no answer, the same wrapper whose `.message` is the socket error's
 *   ("connect ECONNREFUSED …", "socket hang up") — axios's `.code` is lost on the way;
 * - plain `Error`s from its local checks ('The Refresh token is missing', 'Provide the Uri'…);
 * - `OAuthError`s (`.code` 'RATE_LIMIT_EXCEEDED', 'UNAUTHORIZED'…, `.intuitTid`) from validateResponse.
 *
 * The raw error is never attached as `cause`: its `authResponse` holds the axios request config, whose
 * Basic authorization header is our client secret, and a logger or a failure converter could print it.
 */
import {
  ClientAuthError,
  GrantInvalidError,
  PermanentQuickBooksError,
  ThrottledError,
  TransientQuickBooksError,
  type QuickBooksError,
  type QuickBooksErrorDetails,
} from './errors.js';
import { parseRetryAfter } from './classify-api-failure.js';
import { redactSecrets } from './redact.js';

export type OAuthOperation = 'exchange the authorization code' | 'refresh the access token' | 'revoke the token' | 'build the authorize URL';

export interface OAuthFailureContext {
  operation: OAuthOperation;
  realmId?: string;
  /** Values we sent (code, refresh token, client secret): never echoed. */
  secrets: readonly (string | undefined)[];
}

type UnknownRecord = Record<string, unknown>;

function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null;
}

function stringField(record: unknown, name: string): string | undefined {
  if (!isRecord(record)) return undefined;
  const value = record[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads a header from an axios response's headers (an AxiosHeaders object or a plain record). */
export function headerOf(response: unknown, name: string): string | undefined {
  if (!isRecord(response) || !isRecord(response.headers)) return undefined;
  const headers = response.headers;
  const getter = headers.get;
  const value = typeof getter === 'function' ? (getter as (header: string) => unknown).call(headers, name) : headers[name.toLowerCase()];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Intuit names it `intuit_tid` on the token endpoint and `Intuit-Tid` on the Accounting API. */
export function intuitTidOf(response: unknown): string | undefined {
  return headerOf(response, 'intuit_tid') ?? headerOf(response, 'intuit-tid');
}

interface OAuthFailureFacts {
  status: number | undefined;
  oauthError: string | undefined;
  description: string | undefined;
  libraryCode: string | undefined;
  intuitTid: string | undefined;
  message: string;
  retryAfterHeader: string | undefined;
}

function factsOf(error: unknown): OAuthFailureFacts {
  const authResponse = isRecord(error) ? error.authResponse : undefined;
  const response = isRecord(authResponse) ? authResponse.response : undefined;
  // An answer with an empty body never reaches authResponse (intuit-oauth only keeps one with data);
  // then axios's own message is the only place the status survives.
  const statusInMessage = /status code (\d{3})/.exec(`${stringField(error, 'originalMessage') ?? ''} ${stringField(error, 'message') ?? ''}`)?.[1];
  const status = isRecord(response) && typeof response.status === 'number' ? response.status : statusInMessage ? Number(statusInMessage) : undefined;
  const json = isRecord(authResponse) ? authResponse.json : undefined;
  const oauthError = stringField(json, 'error') ?? stringField(error, 'error');
  return {
    status,
    // A non-JSON error body lands in `.error`; only a short identifier-like value is an OAuth error code.
    oauthError: oauthError && /^[a-z_]{1,64}$/.test(oauthError) ? oauthError : undefined,
    description: stringField(json, 'error_description') ?? stringField(error, 'error_description'),
    libraryCode: stringField(error, 'code'),
    intuitTid: stringField(error, 'intuit_tid') ?? stringField(error, 'intuitTid') ?? intuitTidOf(response),
    message: (stringField(error, 'message') ?? stringField(error, 'originalMessage') ?? String(error)).slice(0, 300),
    retryAfterHeader: headerOf(response, 'retry-after'),
  };
}

const NETWORK_FAILURE = /ECONNRESET|ECONNREFUSED|ETIMEDOUT|ECONNABORTED|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ENOTFOUND|socket hang up|network error|timeout of \d+ms exceeded/i;

export function classifyOAuthError(error: unknown, context: OAuthFailureContext): QuickBooksError {
  const facts = factsOf(error);
  const realm = context.realmId ? ` for realm ${context.realmId}` : '';
  const said = [facts.oauthError, facts.description].filter(Boolean).join(': ') || facts.message;
  const reason = redactSecrets(said, context.secrets);
  const details: QuickBooksErrorDetails = { status: facts.status, code: facts.oauthError ?? facts.libraryCode, intuitTid: facts.intuitTid };
  const what = `Intuit refused to ${context.operation}${realm}${facts.status ? ` (HTTP ${facts.status})` : ''}: ${reason}`;

  if (facts.oauthError === 'invalid_grant') {
    return new GrantInvalidError(`${what}. The grant is revoked, expired or superseded: the merchant must authorize again`, details);
  }
  // Intuit answers a revoke of a token whose grant already ended (revoked, disconnected) with a bare 400.
  if (context.operation === 'revoke the token' && facts.status === 400 && facts.oauthError === undefined) {
    return new GrantInvalidError(`${what}. The grant was already revoked or disconnected`, details);
  }
  if (facts.oauthError === 'invalid_client' || facts.oauthError === 'unauthorized_client' || facts.status === 401) {
    return new ClientAuthError(`${what}. Check INTUIT_CLIENT_ID and INTUIT_CLIENT_SECRET`, details);
  }
  if (facts.status === 429 || facts.libraryCode === 'RATE_LIMIT_EXCEEDED') {
    return new ThrottledError(what, { ...details, retryAfterMs: parseRetryAfter(facts.retryAfterHeader ?? null) });
  }
  if (facts.status !== undefined) {
    if (facts.status === 408 || facts.status >= 500) return new TransientQuickBooksError(what, details);
    if (facts.status >= 400) return new PermanentQuickBooksError(what, details);
    // A 2xx or 3xx that intuit-oauth still rejected (an empty or unreadable body).
    return new TransientQuickBooksError(what, details);
  }

  // No HTTP answer: a local check of intuit-oauth's, or the network.
  const local = redactSecrets(facts.message, context.secrets);
  if (/Refresh token is invalid, please Authorize again/i.test(facts.message)) {
    return new GrantInvalidError(`Cannot ${context.operation}${realm}: ${local}`, details);
  }
  if (NETWORK_FAILURE.test(facts.message)) {
    return new TransientQuickBooksError(`Could not reach Intuit to ${context.operation}${realm}: ${local}`, { ...details, code: 'NETWORK' });
  }
  return new PermanentQuickBooksError(`Could not ${context.operation}${realm}: ${local}`, details);
}
