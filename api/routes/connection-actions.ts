/** What a merchant can ask of a connection's running workflow: sync now, resync from an instant, disconnect. */
import { createRoute, z } from '@hono/zod-openapi';
import { QUICKBOOKS_ENTITIES } from '../../shared/contract.js';
import { requireMerchant } from '../auth/merchant-auth.js';
import { ApiError } from '../http/errors.js';
import { createRouter } from '../http/router.js';
import type { AppServices } from '../services.js';
import { ConnectionSchema, loadConnectionView } from '../views/connection.js';
import { errorResponses } from '../views/error.js';
import { ConnectionIdParams, merchantSecurity, requireOwnConnection } from './own-connection.js';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

const Accepted = z.object({ accepted: z.literal(true), connection: ConnectionSchema }).openapi('Accepted');
const Disconnecting = z
  .object({ result: z.enum(['disconnect_requested', 'disconnected', 'already_disconnected']), connection: ConnectionSchema })
  .openapi('Disconnecting');
const ResyncBody = z
  .object({
    since: z.iso.datetime({ offset: true }).openapi({ description: 'Re-pull everything changed since this instant (ISO-8601)', example: '2024-01-01T00:00:00Z' }),
    entities: z.array(z.enum(QUICKBOOKS_ENTITIES)).min(1).max(QUICKBOOKS_ENTITIES.length).optional(),
  })
  .openapi('Resync');

export function connectionActionRoutes(services: AppServices) {
  const router = createRouter();
  const auth = [requireMerchant(services)];

  router.openapi(
    createRoute({
      method: 'post',
      path: '/v1/connections/{id}/sync',
      tags: ['Connections'],
      summary: 'Sync now',
      security: merchantSecurity,
      middleware: auth,
      request: { params: ConnectionIdParams },
      responses: { 202: { description: 'The workflow was asked to sync', content: json(Accepted) }, ...errorResponses(400, 401, 403, 404, 409, 503) },
    }),
    async (c) => {
      const connection = await requireOwnConnection(services, c.get('merchant').id, c.req.valid('param').id);
      await services.connections.syncNow(connection, 'api');
      return c.json({ accepted: true as const, connection: await loadConnectionView(services.db, connection) }, 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/v1/connections/{id}/resync',
      tags: ['Connections'],
      summary: 'Re-pull everything changed since an instant',
      security: merchantSecurity,
      middleware: auth,
      request: { params: ConnectionIdParams, body: { required: true, content: json(ResyncBody) } },
      responses: { 202: { description: 'The workflow was asked to resync', content: json(Accepted) }, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
    }),
    async (c) => {
      const connection = await requireOwnConnection(services, c.get('merchant').id, c.req.valid('param').id);
      const { since, entities } = c.req.valid('json');
      const sinceInstant = new Date(since);
      if (sinceInstant.getTime() > services.clock().getTime()) throw new ApiError('validation_failed', 'Invalid request: json.since: must not be in the future');
      await services.connections.resync(connection, { since: sinceInstant.toISOString(), ...(entities ? { entities: [...new Set(entities)] } : {}) });
      return c.json({ accepted: true as const, connection: await loadConnectionView(services.db, connection) }, 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/connections/{id}',
      tags: ['Connections'],
      summary: 'Disconnect: the workflow revokes the grant at Intuit and completes',
      security: merchantSecurity,
      middleware: auth,
      request: { params: ConnectionIdParams },
      responses: { 202: { description: 'Disconnect requested (or done)', content: json(Disconnecting) }, ...errorResponses(400, 401, 403, 404, 503) },
    }),
    async (c) => {
      const connection = await requireOwnConnection(services, c.get('merchant').id, c.req.valid('param').id);
      const { result, connection: updated } = await services.connections.disconnect(connection);
      return c.json({ result, connection: await loadConnectionView(services.db, updated) }, 202);
    },
  );

  return router;
}
