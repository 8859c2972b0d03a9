/**
 * Every failure the QuickBooks client reports is one of these classes. Their names become Temporal
 * `ApplicationFailure` types (an activity that throws one fails with `type === error.name`), so the
 * names are part of our contract with the workflow and must stay stable: see QUICKBOOKS_ERROR_TYPES.
 *
 * Messages never contain a token value: whatever text came from Intuit is passed through
 * `redactSecrets` before it reaches a message.
 */
import { redactSecrets } from './redact.js';

export type QuickBooksErrorKind =
  | 'grant_invalid'
  | 'access_token_rejected'
  | 'throttled'
  | 'transient'
  | 'permanent'
  | 'forbidden'
  | 'client_auth'
  | 'normalization';

export interface QuickBooksErrorDetails {
  /** HTTP status Intuit answered with, when there was an answer. */
  status?: number;
  /** Intuit's error code ('3200', '610', …) or the OAuth error ('invalid_grant'). */
  code?: string;
  /** Intuit's fault type ('ValidationFault', 'AUTHENTICATION', 'SERVICE', …). */
  faultType?: string;
  /** The `Intuit-Tid` (or `intuit_tid`) response header: Intuit support asks for it. */
  intuitTid?: string;
  /** The underlying error, for stack traces; never shown to merchants. */
  cause?: unknown;
}

export abstract class QuickBooksError extends Error {
  abstract readonly kind: QuickBooksErrorKind;
  /** Whether trying the same call again later can succeed without anyone's intervention. */
  abstract readonly retryable: boolean;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly faultType: string | undefined;
  readonly intuitTid: string | undefined;

  constructor(message: string, details: QuickBooksErrorDetails = {}) {
    const tid = details.intuitTid ? ` (Intuit-Tid ${details.intuitTid})` : '';
    super(`${redactSecrets(message)}${tid}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.code = details.code;
    this.faultType = details.faultType;
    this.intuitTid = details.intuitTid || undefined;
  }

  /** The fields worth logging or attaching to a Temporal failure: no token, no raw body. */
  toLogFields(): Record<string, unknown> {
    return {
      errorType: this.name,
      kind: this.kind,
      retryable: this.retryable,
      status: this.status,
      // Not `code`: the shared logger redacts any field named code (OAuth authorization codes).
      errorCode: this.code,
      faultType: this.faultType,
      intuitTid: this.intuitTid,
      message: this.message,
    };
  }
}

/**
 * The token endpoint answered `invalid_grant`: the refresh token was revoked, expired, rotated away
 * (we used a superseded value) or the authorization code was reused. Intuit's body does not say which.
 * Only the merchant can fix it, by authorizing again.
 */
export class GrantInvalidError extends QuickBooksError {
  override readonly name = 'GrantInvalidError';
  readonly kind = 'grant_invalid';
  readonly retryable = false;
}

/**
 * The Accounting API refused the bearer token (HTTP 401: 3200 token expired, malformed bearer, 100,
 * 120, 130…). The caller refreshes the access token and tries once more; a second rejection with a
 * fresh token is a real authorization problem.
 */
export class AccessTokenRejectedError extends QuickBooksError {
  override readonly name = 'AccessTokenRejectedError';
  readonly kind = 'access_token_rejected';
  readonly retryable = true;
}

/** Intuit's default wait after a 429 (limits-and-throttles doc: "wait 60 s before retrying"). */
export const MIN_THROTTLE_WAIT_MS = 60_000;

/** 429 / ThrottleExceeded 3001 (also the older 403-with-3001 variant). Wait `retryAfterMs` before the next call for this realm. */
export class ThrottledError extends QuickBooksError {
  override readonly name = 'ThrottledError';
  readonly kind = 'throttled';
  readonly retryable = true;
  readonly retryAfterMs: number;

  /**
   * `retryAfterMs`: what Intuit's Retry-After asked for, if anything. `minimumWaitMs`: the floor,
   * Intuit's 60 s unless a test configured a shorter one.
   */
  constructor(message: string, details: QuickBooksErrorDetails & { retryAfterMs?: number; minimumWaitMs?: number } = {}) {
    super(message, details);
    this.retryAfterMs = Math.max(details.minimumWaitMs ?? MIN_THROTTLE_WAIT_MS, details.retryAfterMs ?? 0);
  }

  override toLogFields(): Record<string, unknown> {
    return { ...super.toLogFields(), retryAfterMs: this.retryAfterMs };
  }
}

/** 5xx, timeouts, resets and refusals, a success status whose body is not JSON: try again later. */
export class TransientQuickBooksError extends QuickBooksError {
  override readonly name = 'TransientQuickBooksError';
  readonly kind = 'transient';
  readonly retryable = true;
}

/**
 * A request Intuit will never accept as sent: 400 ValidationFault / QueryParserError, 610 Object Not
 * Found, 403 AuthorizationFailed 3100, a Fault inside a 200, any other 4xx, or input we refuse to send.
 */
export class PermanentQuickBooksError extends QuickBooksError {
  override readonly name: string = 'PermanentQuickBooksError';
  readonly kind: QuickBooksErrorKind = 'permanent';
  readonly retryable = false;
}

/**
 * 403 AuthorizationFailed (3100): the grant no longer reaches this company — the user who authorized it
 * lost access, or the company is gone. Only someone with access re-authorizing fixes it.
 */
export class AccessForbiddenError extends PermanentQuickBooksError {
  override readonly name = 'AccessForbiddenError';
  override readonly kind = 'forbidden';
}

/** A QuickBooks object we cannot store (no Id, no MetaData.LastUpdatedTime, an amount that is not a number…). */
export class NormalizationError extends PermanentQuickBooksError {
  override readonly name = 'NormalizationError';
  override readonly kind = 'normalization';
}

/** `invalid_client`: our client id or secret is wrong. An operator must fix the configuration. */
export class ClientAuthError extends QuickBooksError {
  override readonly name = 'ClientAuthError';
  readonly kind = 'client_auth';
  readonly retryable = false;
}

/** Every error class name the client can throw, i.e. every `ApplicationFailure.type` it produces. */
export const QUICKBOOKS_ERROR_TYPES = [
  'GrantInvalidError',
  'AccessTokenRejectedError',
  'ThrottledError',
  'TransientQuickBooksError',
  'PermanentQuickBooksError',
  'AccessForbiddenError',
  'NormalizationError',
  'ClientAuthError',
] as const;
export type QuickBooksErrorType = (typeof QUICKBOOKS_ERROR_TYPES)[number];

/** The types a Temporal retry policy should list in `nonRetryableErrorTypes`. */
export const NON_RETRYABLE_QUICKBOOKS_ERROR_TYPES: readonly QuickBooksErrorType[] = [
  'GrantInvalidError',
  'PermanentQuickBooksError',
  'AccessForbiddenError',
  'NormalizationError',
  'ClientAuthError',
];

export function isQuickBooksError(error: unknown): error is QuickBooksError {
  return error instanceof QuickBooksError;
}
