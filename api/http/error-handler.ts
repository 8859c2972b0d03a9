/**
 * Turns anything thrown by a route into the contract's envelope `{"error":{"code","message","requestId"}}`.
 * Hono's own HTTPExceptions (malformed JSON, unsupported media type, body too large) keep their 4xx
 * status under one of our codes; anything unexpected is logged and answered with a generic 500.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ConnectionCommandError } from '../../connections/errors.js';
import type { AppEnv } from '../env.js';
import type { AppServices } from '../services.js';
import { ApiError, errorBody, type ErrorCode } from './errors.js';

const CODE_FOR_HTTP_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

function requestIdOf(c: Context<AppEnv>): string {
  return c.get('requestId') ?? 'unknown';
}

export function createErrorHandler(services: AppServices): ErrorHandler<AppEnv> {
  return (thrown, c) => {
    const requestId = requestIdOf(c);
    // A refused connection command keeps its code; the envelope and status come from the API's table.
    const error = thrown instanceof ConnectionCommandError ? new ApiError(thrown.code, thrown.message) : thrown;
    if (error instanceof ApiError) {
      if (error.status >= 500) services.logger.error({ requestId, code: error.code, err: error }, 'request failed');
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(errorBody(error.code, error.message, requestId, error.extra), error.status);
    }
    if (error instanceof HTTPException && error.status < 500) {
      const code = error.message === 'Malformed JSON in request body' ? 'invalid_json' : (CODE_FOR_HTTP_STATUS[error.status] ?? 'bad_request');
      const message = code === 'payload_too_large' ? 'The request body is too large.' : error.message || 'The request was not understood.';
      return c.json(errorBody(code, message, requestId), error.status as ContentfulStatusCode);
    }
    services.logger.error({ requestId, err: error }, 'unexpected error');
    return c.json(errorBody('internal_error', 'Something unexpected happened on our side; quote the request id when you contact support.', requestId), 500);
  };
}

export const notFoundHandler: NotFoundHandler<AppEnv> = (c) =>
  c.json(errorBody('not_found', `No route ${c.req.method} ${c.req.path}.`, requestIdOf(c)), 404);
