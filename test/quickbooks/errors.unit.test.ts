import { describe, expect, it } from 'vitest';
import * as errors from '../../quickbooks/errors.js';

const {
  AccessForbiddenError, AccessTokenRejectedError, ClientAuthError, GrantInvalidError, NON_RETRYABLE_QUICKBOOKS_ERROR_TYPES, NormalizationError,
  PermanentQuickBooksError, QUICKBOOKS_ERROR_TYPES, QuickBooksError, ThrottledError, TransientQuickBooksError,
} = errors;

describe('QuickBooks error classes', () => {
  const instances = [
    new GrantInvalidError('g'),
    new AccessTokenRejectedError('a'),
    new ThrottledError('t'),
    new TransientQuickBooksError('x'),
    new PermanentQuickBooksError('p'),
    new AccessForbiddenError('f'),
    new NormalizationError('n'),
    new ClientAuthError('c'),
  ];

  it('are exported by their stable names, which are both `name` and the class name Temporal uses as the failure type', () => {
    expect(instances.map((error) => error.name)).toEqual([...QUICKBOOKS_ERROR_TYPES]);
    for (const error of instances) {
      expect(error.constructor.name).toBe(error.name);
      expect(errors[error.name as keyof typeof errors]).toBe(error.constructor);
      expect(error).toBeInstanceOf(QuickBooksError);
      expect(error).toBeInstanceOf(Error);
    }
  });

  it('say which ones a retry can fix', () => {
    const nonRetryable = instances.filter((error) => !error.retryable).map((error) => error.name);
    expect(nonRetryable).toEqual([...NON_RETRYABLE_QUICKBOOKS_ERROR_TYPES]);
    expect(new NormalizationError('n')).toBeInstanceOf(PermanentQuickBooksError);
  });

  it('redact tokens from messages and append the Intuit-Tid', () => {
    const error = new AccessTokenRejectedError('Token expired: AB016abcdefghijklmnopqrstuvwxyz0123', { intuitTid: '1-abc-def', status: 401, code: '3200' });
    expect(error.message).toBe('Token expired: [redacted] (Intuit-Tid 1-abc-def)');
    expect(error.toLogFields()).toMatchObject({ errorType: 'AccessTokenRejectedError', errorCode: '3200', intuitTid: '1-abc-def', status: 401 });
  });

  it('ThrottledError waits at least Intuit’s 60 s', () => {
    expect(new ThrottledError('t').retryAfterMs).toBe(60_000);
    expect(new ThrottledError('t', { retryAfterMs: 1_000 }).retryAfterMs).toBe(60_000);
    expect(new ThrottledError('t', { retryAfterMs: 90_000 }).retryAfterMs).toBe(90_000);
  });
});
