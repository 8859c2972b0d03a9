/** The QuickBooks client shared by the API and the Temporal activities. */
export { createIntuitOAuth, ACCOUNTING_SCOPE, type IntuitOAuth, type IntuitOAuthOptions } from './oauth.js';
export { parseAuthorizationCallback, type AuthorizationCallback } from './authorization-callback.js';
export {
  createAccountingApi,
  CDC_MAX_OBJECTS,
  DEFAULT_MINOR_VERSION,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type AccountingApi,
  type AccountingApiOptions,
} from './accounting-api.js';
export type { AccountingResponseEvent, CdcResult, QueryResult, QuickBooksObject } from './types.js';
export { createRealmRateLimiter, type RealmLimiterStats, type RealmRateLimiter, type RealmRateLimiterOptions } from './rate-limiter.js';
export { createSharedRealmRateLimiter, type SharedRealmRateLimiterOptions } from './shared-rate-limiter.js';
export { DEFAULT_REALM_BUDGET, type RealmBudgetLimits } from './realm-budget.js';
export {
  activeClause,
  changedSinceCondition,
  changedSinceQuery,
  countQuery,
  dateTimeLiteral,
  formatDateTime,
  MAX_QUERY_RESULTS,
  stringLiteral,
} from './queries.js';
export { decimalText, isLosslessNumber, LosslessNumber, parseJsonExactly, stringifyRaw } from './json.js';
export { isDeletedStub, normalizeRecord, type NormalizedRecord } from './normalize.js';
export type { PostalAddress } from '../shared/records.js';
export {
  AccessTokenRejectedError,
  ClientAuthError,
  GrantInvalidError,
  isQuickBooksError,
  MIN_THROTTLE_WAIT_MS,
  NON_RETRYABLE_QUICKBOOKS_ERROR_TYPES,
  NormalizationError,
  PermanentQuickBooksError,
  QUICKBOOKS_ERROR_TYPES,
  QuickBooksError,
  ThrottledError,
  TransientQuickBooksError,
  type QuickBooksErrorKind,
  type QuickBooksErrorType,
} from './errors.js';
export { redactSecrets } from './redact.js';
