/**
 * `ApplicationFailure.type` values the workflow reacts to. They are the class names of the errors the
 * QuickBooks client (quickbooks/errors.ts) and the activities (activities/failures.ts) throw; a test
 * keeps the two in step. Plain strings, so the workflow sandbox can import them.
 */
export const FailureType = {
  /** invalid_grant: the merchant must re-authorize. */
  GrantInvalid: 'GrantInvalidError',
  /** The API refused the access token: refresh and try once more. */
  AccessTokenRejected: 'AccessTokenRejectedError',
  Throttled: 'ThrottledError',
  Transient: 'TransientQuickBooksError',
  Permanent: 'PermanentQuickBooksError',
  /** 403: the grant no longer reaches the company; the merchant must re-authorize with access to it. */
  AccessForbidden: 'AccessForbiddenError',
  Normalization: 'NormalizationError',
  ClientAuth: 'ClientAuthError',
  RealmMismatch: 'RealmMismatchError',
  CredentialsMissing: 'CredentialsMissingError',
  ConnectionGone: 'ConnectionGoneError',
  Seal: 'SealError',
} as const;

export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

/** The SMTP server refused a notice email for good (5xx): recorded on the notice, never retried. */
export const NOTICE_EMAIL_REJECTED = 'NoticeEmailRejected';

/** A notice email's retries ran out (the SMTP server stayed down, slow or answering 4xx): recorded on the notice as failed. */
export const NOTICE_EMAIL_UNDELIVERED = 'NoticeEmailUndelivered';

/**
 * A notice email's attempts before it is recorded as failed: the workflow's retry policy (workflows/
 * activity-groups.ts) and the activity, which tells its last attempt by this when the server does not
 * pass the policy along (Temporal's time-skipping test server).
 */
export const NOTICE_EMAIL_MAX_ATTEMPTS = 30;
