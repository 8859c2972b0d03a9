import { z } from '@hono/zod-openapi';
import { ERROR_CODES } from '../http/errors.js';

export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES as [string, ...string[]]).openapi({ description: 'Stable machine-readable code' }),
      message: z.string(),
      requestId: z.string().openapi({ description: 'Also sent as the X-Request-Id header; quote it to support' }),
    }),
  })
  .openapi('Error');

const errorContent = { 'application/json': { schema: ErrorResponseSchema } };

/** OpenAPI response entries for the error statuses a route can answer. */
export function errorResponses(...statuses: number[]): Record<number, { description: string; content: typeof errorContent }> {
  const descriptions: Record<number, string> = {
    400: 'Invalid input',
    401: 'Missing or invalid credentials',
    403: 'Not allowed from here',
    404: 'Not found (or not yours)',
    409: 'Conflicts with the connection’s current state',
    413: 'Body too large',
    415: 'Unsupported media type',
    429: 'Rate limited',
    502: 'QuickBooks did not answer properly',
    503: 'A dependency is unavailable',
  };
  return Object.fromEntries(statuses.map((status) => [status, { description: descriptions[status] ?? 'Error', content: errorContent }]));
}
