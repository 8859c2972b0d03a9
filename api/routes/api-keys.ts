/**
 * A merchant's own API keys: list them, create another (to rotate, or one per integration), revoke one.
 * A revoked key is refused from the next request on, on every replica; the merchant's last active key
 * cannot be revoked here (see auth/api-key-lifecycle.ts).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { createApiKey, listApiKeys, revokeMerchantApiKey } from '../auth/api-key-lifecycle.js';
import { requireMerchant } from '../auth/merchant-auth.js';
import { cursorParam, decodeCursor, limitParam, page, pageSchema } from '../http/pagination.js';
import { createRouter } from '../http/router.js';
import type { AppServices } from '../services.js';
import { ApiKeySchema, CreatedApiKeySchema, toApiKeyView } from '../views/api-key.js';
import { errorResponses } from '../views/error.js';
import { merchantSecurity } from './own-connection.js';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

export const ApiKeyListQuery = z.object({ limit: limitParam(100, 50), cursor: cursorParam });
export const ApiKeyCursor = z.object({ after: z.uuid() });
export const ApiKeyPage = pageSchema(ApiKeySchema, 'ApiKeyPage');
const ApiKeyIdParams = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'The API key id' }) });

export function apiKeyRoutes(services: AppServices) {
  const router = createRouter();
  const auth = [requireMerchant(services)];

  router.openapi(
    createRoute({
      method: 'get',
      path: '/v1/api-keys',
      tags: ['API keys'],
      summary: "The merchant's API keys, newest first (prefix, created, last used, revoked)",
      security: merchantSecurity,
      middleware: auth,
      request: { query: ApiKeyListQuery },
      responses: { 200: { description: 'A page of keys (never the keys themselves)', content: json(ApiKeyPage) }, ...errorResponses(400, 401) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const after = decodeCursor(cursor, ApiKeyCursor)?.after;
      const rows = await listApiKeys(services, { merchantId: c.get('merchant').id, limit: limit + 1, after });
      const { data, nextCursor } = page(rows, limit, (last) => ({ after: last.id }));
      return c.json({ data: data.map(toApiKeyView), nextCursor }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/v1/api-keys',
      tags: ['API keys'],
      summary: 'Create another API key (at most 10 active); the key is in this answer only',
      security: merchantSecurity,
      middleware: auth,
      responses: { 201: { description: 'Created; store apiKey now', content: json(CreatedApiKeySchema) }, ...errorResponses(401, 403, 409) },
    }),
    async (c) => {
      const { apiKey, key } = await createApiKey(services, { merchantId: c.get('merchant').id, via: 'api' });
      c.header('Cache-Control', 'no-store');
      return c.json({ id: apiKey.id, prefix: apiKey.keyPrefix, apiKey: key }, 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/api-keys/{id}',
      tags: ['API keys'],
      summary: 'Revoke an API key: refused from the next request on, and the dashboard sessions it started end',
      description: 'The last active key cannot be revoked (409 last_active_api_key): create another one first. Revoking a revoked key answers 204 again.',
      security: merchantSecurity,
      middleware: auth,
      request: { params: ApiKeyIdParams },
      responses: { 204: { description: 'Revoked' }, ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      await revokeMerchantApiKey(services, { merchantId: c.get('merchant').id, apiKeyId: c.req.valid('param').id, allowLastActiveKey: false, via: 'api' });
      return c.body(null, 204);
    },
  );

  return router;
}
