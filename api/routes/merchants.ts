/**
 * Operators create merchants (the merchant's API key is shown in that answer only) and change where
 * their notices are emailed; a merchant reads and changes its own address and email switch.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { createMerchant, getMerchant, updateMerchantContact } from '../../db/queries/merchants.js';
import { requireAdmin } from '../auth/admin-auth.js';
import { issueApiKey } from '../auth/api-keys.js';
import { requireMerchant } from '../auth/merchant-auth.js';
import { ApiError } from '../http/errors.js';
import { createRouter } from '../http/router.js';
import type { AppServices } from '../services.js';
import { errorResponses } from '../views/error.js';
import { EmailAddress, MerchantContactChangesSchema, MerchantSchema, toMerchantView } from '../views/merchant.js';
import { merchantSecurity } from './own-connection.js';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const adminSecurity = [{ adminKey: [] }];

const CreateMerchantBody = z
  .object({ name: z.string().trim().min(1).max(200), email: EmailAddress.optional().openapi({ description: 'Where notices are emailed', example: 'owner@example.com' }) })
  .openapi('CreateMerchant');
const CreatedMerchant = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string().nullable(),
    apiKey: z.string().openapi({ description: 'Shown once; store it now', example: 'qbk_…' }),
  })
  .openapi('CreatedMerchant');
const MerchantParams = z.object({ merchantId: z.uuid().openapi({ param: { name: 'merchantId', in: 'path' }, description: 'The merchant' }) });

export function merchantRoutes(services: AppServices) {
  const router = createRouter();
  const admin = [requireAdmin(services)];
  const merchant = [requireMerchant(services)];

  router.openapi(
    createRoute({
      method: 'post',
      path: '/v1/merchants',
      tags: ['Merchants'],
      summary: 'Create a merchant and its API key',
      security: adminSecurity,
      middleware: admin,
      request: { body: { required: true, content: json(CreateMerchantBody) } },
      responses: { 201: { description: 'Created', content: json(CreatedMerchant) }, ...errorResponses(400, 401, 413, 415) },
    }),
    async (c) => {
      const { name, email } = c.req.valid('json');
      const key = issueApiKey();
      const created = await createMerchant(services.db, { name, email: email ?? null, keyHash: key.keyHash, keyPrefix: key.keyPrefix });
      services.logger.info({ merchantId: created.id }, 'merchant created');
      return c.json({ id: created.id, name: created.name, email: created.email, apiKey: key.key }, 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/merchants/{merchantId}',
      tags: ['Merchants'],
      summary: "Change a merchant's notice email address or switch (admin)",
      security: adminSecurity,
      middleware: admin,
      request: { params: MerchantParams, body: { required: true, content: json(MerchantContactChangesSchema) } },
      responses: { 200: { description: 'The merchant as it now is', content: json(MerchantSchema) }, ...errorResponses(400, 401, 404, 415) },
    }),
    async (c) => {
      const updated = await updateMerchantContact(services.db, c.req.valid('param').merchantId, c.req.valid('json'));
      if (!updated) throw new ApiError('merchant_not_found', 'No merchant has this id.');
      return c.json(toMerchantView(updated), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/v1/merchant',
      tags: ['Merchants'],
      summary: 'The signed-in merchant: name, notice email address and switch',
      security: merchantSecurity,
      middleware: merchant,
      responses: { 200: { description: 'The merchant', content: json(MerchantSchema) }, ...errorResponses(401) },
    }),
    async (c) => c.json(toMerchantView((await getMerchant(services.db, c.get('merchant').id))!), 200),
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/merchant',
      tags: ['Merchants'],
      summary: 'Change where notices are emailed, or turn notice emails off or on',
      security: merchantSecurity,
      middleware: merchant,
      request: { body: { required: true, content: json(MerchantContactChangesSchema) } },
      responses: { 200: { description: 'The merchant as it now is', content: json(MerchantSchema) }, ...errorResponses(400, 401, 403, 415) },
    }),
    async (c) => {
      const updated = await updateMerchantContact(services.db, c.get('merchant').id, c.req.valid('json'));
      return c.json(toMerchantView(updated!), 200);
    },
  );
  return router;
}
