/**
 * Turns what activities throw into Temporal failures the workflow can act on: the failure `type` is the
 * error class name (GrantInvalidError, ThrottledError…), a 429 asks Temporal to wait Intuit's 60 s
 * before the next attempt, and the message names the connection, the entity and the Intuit-Tid.
 */
import { ApplicationFailure } from '@temporalio/common';
import { isQuickBooksError, ThrottledError } from '../quickbooks/errors.js';
import { SealError } from '../shared/seal.js';

/** Expected failures of our own, beside the QuickBooks client's. */
export class RealmMismatchError extends Error {
  override readonly name = 'RealmMismatchError';
}
export class CredentialsMissingError extends Error {
  override readonly name = 'CredentialsMissingError';
}
export class ConnectionGoneError extends Error {
  override readonly name = 'ConnectionGoneError';
}

export interface FailureContext {
  connectionId: string;
  entity?: string;
  operation: string;
}

export function toApplicationFailure(error: unknown, context: FailureContext): unknown {
  if (error instanceof ApplicationFailure) return error;
  const where = [`connection ${context.connectionId}`, context.entity, context.operation].filter(Boolean).join(', ');
  if (isQuickBooksError(error)) {
    return ApplicationFailure.create({
      type: error.name,
      message: `${where}: ${error.message}`,
      nonRetryable: !error.retryable,
      nextRetryDelay: error instanceof ThrottledError ? error.retryAfterMs : undefined,
      details: [{ intuitTid: error.intuitTid ?? null, status: error.status ?? null, errorCode: error.code ?? null }],
      cause: error,
    });
  }
  if (error instanceof RealmMismatchError || error instanceof CredentialsMissingError || error instanceof ConnectionGoneError || error instanceof SealError) {
    return ApplicationFailure.create({ type: error.name, message: `${where}: ${error.message}`, nonRetryable: true });
  }
  return error;
}

/** Runs an activity body, translating its failure. */
export async function withFailureContext<T>(context: FailureContext, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw toApplicationFailure(error, context);
  }
}

/** The failure type an activity ends with, as the workflow sees it: the ApplicationFailure type or the error's class name. */
export function failureTypeOf(error: unknown): string {
  if (error instanceof ApplicationFailure) return error.type ?? 'Error';
  return error instanceof Error ? error.name : 'Error';
}
