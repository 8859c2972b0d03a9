/**
 * The activity groups the connection workflow calls, one per latency class. Retry policies are
 * deliberate: activities retry briefly for blips; longer trouble comes back to the workflow, which
 * records it as `lastError` and backs off itself, so an operator sees it instead of a silent retry loop.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { FailureType, NOTICE_EMAIL_MAX_ATTEMPTS, NOTICE_EMAIL_REJECTED, NOTICE_EMAIL_UNDELIVERED } from '../shared/failure-types.js';
import type { NoticeEmailRetryOverride } from '../shared/workflow-payloads.js';

/** Failures no retry can fix; the workflow decides what they mean (park, refresh, record). */
export const NOT_WORTH_RETRYING: string[] = [
  FailureType.GrantInvalid,
  // A rejected access token needs a refresh first, which only the workflow may do (one writer of tokens).
  FailureType.AccessTokenRejected,
  FailureType.Permanent,
  FailureType.AccessForbidden,
  FailureType.Normalization,
  FailureType.ClientAuth,
  FailureType.RealmMismatch,
  FailureType.CredentialsMissing,
  FailureType.ConnectionGone,
  FailureType.Seal,
];

/** A 429 sets its own next-retry delay (Intuit asks for 60 s); other blips back off from 2 s. In ms: the workflow computes its own retries of the incremental pull from these (./visible-retries.ts). */
export const QUICKBOOKS_RETRY = {
  initialInterval: 2_000,
  backoffCoefficient: 2,
  maximumInterval: 60_000,
  maximumAttempts: 5,
  nonRetryableErrorTypes: NOT_WORTH_RETRYING,
};

/**
 * Pulls from QuickBooks: one page (one request, one transaction) or a CDC pull that may split into a
 * few requests. Intuit times a request out at 120 s, hence minutes to finish; but the activities
 * heartbeat every 5 s while they wait, so a killed worker is noticed within 20 s.
 */
export const quickbooksPulls = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '20 seconds',
  retry: QUICKBOOKS_RETRY,
});

/**
 * The incremental pull of an idle cycle, as a local activity: it leaves one marker in history instead
 * of three activity events, which keeps a connection that syncs every 15 minutes for months cheap.
 */
export const incrementalPulls = proxyLocalActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  localRetryThreshold: '10 seconds',
  retry: QUICKBOOKS_RETRY,
});

/**
 * One attempt each: the incremental pull retried by the workflow itself (./visible-retries.ts), so that
 * every failed attempt shows — in the current details, as a failed activity in the history and the Web
 * UI — and no retry holds the workflow task (a held task delays every query). The first attempt of a
 * small pull stays local (an idle cycle costs one marker); the retries are regular activities.
 */
export const incrementalPullAttempt = proxyLocalActivities<Activities>({
  // A local attempt holds the workflow task while it runs: a QuickBooks that hangs gets 30 s here, then the
  // retries run as regular activities (an idle cycle's pull takes well under a second).
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});
export const quickbooksPullAttempt = proxyActivities<Activities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout: '20 seconds', retry: { maximumAttempts: 1 } });

/**
 * Storing the tokens an OAuth callback delivered: one transaction in our database, no call to Intuit.
 * As a local activity it runs inside the workflow task that received `tokensIssued`, so a re-authorized
 * connection reaches its first QuickBooks request without an activity-task round trip through the
 * server. Retried without limit like our other database writes: an outage must delay a merchant's
 * re-authorization, never drop it. What no retry fixes (another company, unreadable seal, a removed
 * connection) fails at once.
 */
export const tokenStorage = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: NOT_WORTH_RETRYING },
});

/** Token endpoint calls (refresh, revoke; accept in histories from before the local-activity patch): seconds at Intuit, a few careful retries. */
export const tokenCalls = proxyActivities<Activities>({
  startToCloseTimeout: '45 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: NOT_WORTH_RETRYING },
});

/**
 * Our own database writes (status, audit rows, notices). Retried without limit: a database outage
 * delays them but must never change a connection's status or lose a write.
 */
export const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: [FailureType.ConnectionGone] },
});

/** Posting a notice to a merchant's webhook URL: their server may be slow or down for hours. */
export const merchantWebhooks = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '30 seconds', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts: 12 },
});

/**
 * Emailing a notice. An SMTP server that is down, slow or answering 4xx is retried with backoff: 5 s,
 * 10 s, 20 s … then every 10 minutes, 30 attempts over about 4 hours; each attempt shows in the Web UI
 * (the pending activity's attempt count and last failure). A 5xx is permanent; so is the last attempt's
 * failure: the activity records either on the notice's email as `failed` and throws non-retryable.
 * When the last attempt never finishes (timed out, its worker died), the workflow records it instead
 * (workflows/notices.ts). Nothing waits on it but continue-as-new.
 */
export const NOTICE_EMAIL_RETRY = {
  initialInterval: '5 seconds',
  backoffCoefficient: 2,
  maximumInterval: '10 minutes',
  maximumAttempts: NOTICE_EMAIL_MAX_ATTEMPTS,
  nonRetryableErrorTypes: [NOTICE_EMAIL_REJECTED, NOTICE_EMAIL_UNDELIVERED],
} as const;
export const noticeEmails = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { ...NOTICE_EMAIL_RETRY, nonRetryableErrorTypes: [...NOTICE_EMAIL_RETRY.nonRetryableErrorTypes] } });

/** Notice emails under a test's shorter policy (the workflow input's `noticeEmailRetry`), else production's. */
export function noticeEmailsWith(override: NoticeEmailRetryOverride | undefined): typeof noticeEmails {
  if (!override) return noticeEmails;
  return proxyActivities<Activities>({
    startToCloseTimeout: override.attemptTimeoutMs,
    retry: { ...NOTICE_EMAIL_RETRY, initialInterval: override.initialIntervalMs, maximumAttempts: override.maximumAttempts, nonRetryableErrorTypes: [...NOTICE_EMAIL_RETRY.nonRetryableErrorTypes] },
  });
}
