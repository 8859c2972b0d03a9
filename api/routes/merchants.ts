/** Operators create merchants; the merchant's API key is shown in this answer only. */
import { createRoute, z } from '@hono/zod-openapi';
import { createMerchant } from '../../db/queries/merchants.js';
import { requireAdmin } from '../auth/admin-auth.js';
import { issueApiKey } from '../auth/api-keys.js';
import { createRouter } from '../http/router.js';
import type { AppServices } from '../services.js';
import { errorResponses } from '../views/error.js';

const CreateMerchantBody = z.object({ name: z.string().trim().min(1).max(200) }).openapi('CreateMerchant');
const CreatedMerchant = z
  .object({ id: z.uuid(), name: z.string(), apiKey: z.string().openapi({ description: 'Shown once; store it now', example: 'qbk_…' }) })
  .openapi('CreatedMerchant');

export function merchantRoutes(services: AppServices) {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: 'post',
      path: '/v1/merchants',
      tags: ['Merchants'],
      summary: 'Create a merchant and its API key',
      security: [{ adminKey: [] }],
      middleware: [requireAdmin(services)],
      request: { body: { required: true, content: { 'application/json': { schema: CreateMerchantBody } } } },
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: CreatedMerchant } } },
        ...errorResponses(400, 401, 413, 415),
      },
    }),
    async (c) => {
      const { name } = c.req.valid('json');
      const key = issueApiKey();
      const merchant = await createMerchant(services.db, { name, keyHash: key.keyHash, keyPrefix: key.keyPrefix });
      services.logger.info({ merchantId: merchant.id }, 'merchant created');
      return c.json({ id: merchant.id, name: merchant.name, apiKey: key.key }, 201);
    },
  );
  return router;
}
