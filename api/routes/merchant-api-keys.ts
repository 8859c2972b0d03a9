/**
 * Operators manage any merchant's API keys (admin key): list them, issue one (e.g. after revoking a
 * leaked last key), revoke one — the last active one included, since a leaked key must die at once.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requireAdmin } from '../auth/admin-auth.js';
import { createApiKey, listApiKeys, revokeMerchantApiKey } from '../auth/api-key-lifecycle.js';
import { decodeCursor, page } from '../http/pagination.js';
import { createRouter } from '../http/router.js';
import type { AppServices } from '../services.js';
import { CreatedApiKeySchema, toApiKeyView } from '../views/api-key.js';
import { errorResponses } from '../views/error.js';
import { ApiKeyCursor, ApiKeyListQuery, ApiKeyPage } from './api-keys.js';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const adminSecurity = [{ adminKey: [] }];

const merchantId = z.uuid().openapi({ param: { name: 'merchantId', in: 'path' }, description: 'The merchant' });
const MerchantParams = z.object({ merchantId });
const MerchantKeyParams = z.object({ merchantId, id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'The API key id' }) });

export function merchantApiKeyRoutes(services: AppServices) {
  const router = createRouter();
  const auth = [requireAdmin(services)];

  router.openapi(
    createRoute({
      method: 'get',
      path: '/v1/merchants/{merchantId}/api-keys',
      tags: ['Merchants'],
      summary: "A merchant's API keys, newest first (admin)",
      security: adminSecurity,
      middleware: auth,
      request: { params: MerchantParams, query: ApiKeyListQuery },
      responses: { 200: { description: 'A page of keys (never the keys themselves)', content: json(ApiKeyPage) }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const after = decodeCursor(cursor, ApiKeyCursor)?.after;
      const rows = await listApiKeys(services, { merchantId: c.req.valid('param').merchantId, limit: limit + 1, after });
      const { data, nextCursor } = page(rows, limit, (last) => ({ after: last.id }));
      return c.json({ data: data.map(toApiKeyView), nextCursor }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/v1/merchants/{merchantId}/api-keys',
      tags: ['Merchants'],
      summary: 'Issue a merchant another API key (admin); the key is in this answer only',
      security: adminSecurity,
      middleware: auth,
      request: { params: MerchantParams },
      responses: { 201: { description: 'Created; hand apiKey to the merchant', content: json(CreatedApiKeySchema) }, ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const { apiKey, key } = await createApiKey(services, { merchantId: c.req.valid('param').merchantId, via: 'admin' });
      c.header('Cache-Control', 'no-store');
      return c.json({ id: apiKey.id, prefix: apiKey.keyPrefix, apiKey: key }, 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/merchants/{merchantId}/api-keys/{id}',
      tags: ['Merchants'],
      summary: "Revoke any merchant's API key, even its last active one (admin)",
      description: 'Refused from the next request on, on every replica; the dashboard sessions it started end. Revoking a revoked key answers 204 again.',
      security: adminSecurity,
      middleware: auth,
      request: { params: MerchantKeyParams },
      responses: { 204: { description: 'Revoked' }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { merchantId: owner, id } = c.req.valid('param');
      await revokeMerchantApiKey(services, { merchantId: owner, apiKeyId: id, allowLastActiveKey: true, via: 'admin' });
      return c.body(null, 204);
    },
  );

  return router;
}
