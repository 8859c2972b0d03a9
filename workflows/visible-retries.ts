/**
 * Retries of a QuickBooks call that the workflow runs itself, with the numbers of QUICKBOOKS_RETRY,
 * so that a failing cycle is visible while it fails: each failed attempt is a failed activity in the
 * history (the Web UI counts and shows it), the current details name the failure and the next attempt
 * ("QuickBooks answered HTTP 500 — retrying, attempt 3 of 5, next in 8 s"), the status query's
 * lastError is the latest failure, and the waits are timers, so queries answer at once meanwhile.
 * (Retries inside a local activity hold the workflow task instead: queries waited seconds and the UI
 * saw nothing.) What no retry fixes is thrown at once, for the caller to act on.
 */
import { ActivityFailure, ApplicationFailure, setCurrentDetails, sleep, TimeoutFailure } from '@temporalio/workflow';
import { FailureType } from '../shared/failure-types.js';
import { NOT_WORTH_RETRYING, QUICKBOOKS_RETRY } from './activity-groups.js';
import { errorView, failureType, type CarriedState } from './state.js';

/** Intuit asks for a minute after a 429. */
const THROTTLED_DELAY_MS = 60_000;

/** The wait before attempt `attempt + 1` after attempt `attempt` failed (2 s, 4 s, 8 s… at most a minute). */
export function retryDelayMs(attempt: number, error: unknown): number {
  if (failureType(error) === FailureType.Throttled) return THROTTLED_DELAY_MS;
  const { initialInterval, backoffCoefficient, maximumInterval } = QUICKBOOKS_RETRY;
  return Math.min(initialInterval * backoffCoefficient ** (attempt - 1), maximumInterval);
}

function worthRetrying(error: unknown): boolean {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return !cause.nonRetryable && !NOT_WORTH_RETRYING.includes(cause.type ?? '');
  return cause instanceof TimeoutFailure;
}

/** "QuickBooks answered HTTP 500", "QuickBooks did not answer in time"…: what went wrong, for an operator. */
export function describeFailure(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof TimeoutFailure) return 'the attempt timed out';
  const status = cause instanceof ApplicationFailure ? (cause.details?.[0] as { status?: number | null } | undefined)?.status : undefined;
  if (failureType(error) === FailureType.Throttled) return `QuickBooks throttled us (HTTP ${status ?? 429})`;
  if (typeof status === 'number' && status > 0) return `QuickBooks answered HTTP ${status}`;
  return `${failureType(error)}: ${cause instanceof Error ? cause.message : String(cause)}`;
}

export interface VisibleRetryOptions {
  /** What is being retried, for the details and the timer's summary ("the pull of changes since …"). */
  what: string;
  state: CarriedState;
}

/** Runs `attempt(1)`, `attempt(2)`… until one succeeds, a failure is not worth retrying, or the attempts are spent. */
export async function withVisibleRetries<T>(options: VisibleRetryOptions, attempt: (number: number) => Promise<T>): Promise<T> {
  const attempts = QUICKBOOKS_RETRY.maximumAttempts;
  for (let number = 1; ; number++) {
    try {
      return await attempt(number);
    } catch (error) {
      if (number >= attempts || !worthRetrying(error)) throw error;
      const delayMs = retryDelayMs(number, error);
      options.state.lastError = errorView(error, new Date().toISOString());
      setCurrentDetails(`${capitalize(describeFailure(error))} — retrying ${options.what}, attempt ${number + 1} of ${attempts}, next in ${delayMs / 1000} s.`);
      await sleep(delayMs, { summary: `wait before attempt ${number + 1} of ${attempts}` });
    }
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
