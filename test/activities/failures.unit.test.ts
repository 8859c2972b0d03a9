/** How activity failures reach the workflow: the types it reacts to, and what each carries. */
import type { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ConnectionGoneError, CredentialsMissingError, RealmMismatchError, toApplicationFailure } from '../../activities/failures.js';
import * as quickbooksErrors from '../../quickbooks/errors.js';
import { FailureType } from '../../shared/failure-types.js';
import { SealError } from '../../shared/seal.js';

const context = { connectionId: 'c-1', entity: 'Invoice', operation: 'fetch Invoice page 3' };

describe('toApplicationFailure', () => {
  it('carries the type, retryability, throttle delay, Intuit facts and where it happened', () => {
    const throttled = toApplicationFailure(new quickbooksErrors.ThrottledError('slow down', { status: 429, code: '3001', intuitTid: '1-t', retryAfterMs: 75_000 }), context) as ApplicationFailure;
    expect(throttled).toMatchObject({ type: 'ThrottledError', nonRetryable: false, nextRetryDelay: 75_000 });
    expect(throttled.message).toMatch(/^connection c-1, Invoice, fetch Invoice page 3: slow down/);
    expect(throttled.details).toEqual([{ intuitTid: '1-t', status: 429, errorCode: '3001' }]);
    expect(toApplicationFailure(new quickbooksErrors.GrantInvalidError('re-authorize'), context)).toMatchObject({ type: 'GrantInvalidError', nonRetryable: true });
  });

  it('makes our own expected failures non-retryable and leaves unknown errors to Temporal', () => {
    for (const error of [new RealmMismatchError('r'), new CredentialsMissingError('c'), new ConnectionGoneError('g'), new SealError('s')]) {
      expect(toApplicationFailure(error, context)).toMatchObject({ type: error.name, nonRetryable: true });
    }
    const surprise = new TypeError('boom');
    expect(toApplicationFailure(surprise, context)).toBe(surprise);
  });
});

describe('FailureType', () => {
  it('names exactly the error classes the QuickBooks client and the activities throw', () => {
    const thrown = [
      ...(Object.values(quickbooksErrors) as unknown[]).filter(
        (value): value is new (message: string) => Error => typeof value === 'function' && value.prototype instanceof quickbooksErrors.QuickBooksError,
      ),
      RealmMismatchError,
      CredentialsMissingError,
      ConnectionGoneError,
      SealError,
    ].map((ErrorClass) => new ErrorClass('x').name);
    expect(new Set(Object.values(FailureType))).toEqual(new Set(thrown));
  });
});
