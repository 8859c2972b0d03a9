/**
 * Route modules are `OpenAPIHono` instances: the zod schemas that validate a request are the ones the
 * OpenAPI document is generated from. A failed validation becomes one `validation_failed` ApiError, and
 * so does text Postgres cannot store in anything validated (parameters, bodies): this hook is the one
 * place every route's schemas pass through, so no field can forget the check.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import type { AppEnv } from '../env.js';
import { ApiError } from './errors.js';
import { findUnstorableText } from './storable-text.js';

const MAX_ISSUES_IN_MESSAGE = 5;

export function describeIssues(target: string, error: ZodError): string {
  const issues = error.issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => {
    const path = [target, ...issue.path.map(String)].join('.');
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length > MAX_ISSUES_IN_MESSAGE ? ` (and ${error.issues.length - MAX_ISSUES_IN_MESSAGE} more)` : '';
  return `Invalid request: ${issues.join('; ')}${more}`;
}

export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new ApiError('validation_failed', describeIssues(result.target, result.error));
      const unstorable = findUnstorableText(result.data);
      if (unstorable) throw new ApiError('validation_failed', `Invalid request: ${[result.target, ...unstorable.path].join('.')}: ${unstorable.reason}`);
    },
  });
}
