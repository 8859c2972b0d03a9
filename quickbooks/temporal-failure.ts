/**
 * How a QuickBooksError leaves an activity. Temporal already turns a thrown Error into an
 * ApplicationFailure whose type is `error.name`; this adds what the workflow needs to decide: whether
 * to retry, how long a throttle asks us to wait (as `nextRetryDelay`), and the Intuit facts as details.
 * Details carry no token and no response body.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ThrottledError, type QuickBooksError } from './errors.js';

export interface QuickBooksFailureDetails {
  kind: QuickBooksError['kind'];
  status: number | null;
  code: string | null;
  faultType: string | null;
  intuitTid: string | null;
  retryAfterMs: number | null;
}

export function toApplicationFailure(error: QuickBooksError): ApplicationFailure {
  const details: QuickBooksFailureDetails = {
    kind: error.kind,
    status: error.status ?? null,
    code: error.code ?? null,
    faultType: error.faultType ?? null,
    intuitTid: error.intuitTid ?? null,
    retryAfterMs: error instanceof ThrottledError ? error.retryAfterMs : null,
  };
  return ApplicationFailure.create({
    type: error.name,
    message: error.message,
    nonRetryable: !error.retryable,
    details: [details],
    nextRetryDelay: error instanceof ThrottledError ? error.retryAfterMs : undefined,
  });
}
