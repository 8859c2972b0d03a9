/** A merchant's QuickBooks connections: create, list, read, re-authorize. */
import { createRoute, z } from '@hono/zod-openapi';
import { listMerchantConnections } from '../../db/queries/connections.js';
import { requireMerchant } from '../auth/merchant-auth.js';
import { assertReauthorizable } from '../../connections/commands.js';
import { cursorParam, decodeCursor, limitParam, page, pageSchema } from '../http/pagination.js';
import { createRouter } from '../http/router.js';
import { startNewConnection, startReauthorization } from '../oauth/start-authorization.js';
import type { AppServices } from '../services.js';
import { ConnectionSchema, loadConnectionView, loadConnectionViews } from '../views/connection.js';
import { errorResponses } from '../views/error.js';
import { ConnectionIdParams, merchantSecurity, requireOwnConnection } from './own-connection.js';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

const CreateConnectionBody = z.object({ provider: z.literal('quickbooks') }).openapi('CreateConnection');
const CreatedConnection = z.object({ connection: ConnectionSchema, authorizeUrl: z.url() }).openapi('CreatedConnection');
const AuthorizeUrl = z.object({ authorizeUrl: z.url() }).openapi('AuthorizeUrl');
const ListQuery = z.object({ limit: limitParam(100, 50), cursor: cursorParam });
const ConnectionCursor = z.object({ after: z.uuid() });

export function connectionRoutes(services: AppServices) {
  const router = createRouter();
  const auth = [requireMerchant(services)];

  router.openapi(
    createRoute({
      method: 'get',
      path: '/v1/connections',
      tags: ['Connections'],
      summary: "The merchant's data sources",
      security: merchantSecurity,
      middleware: auth,
      request: { query: ListQuery },
      responses: { 200: { description: 'A page of connections', content: json(pageSchema(ConnectionSchema, 'ConnectionPage')) }, ...errorResponses(400, 401) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const after = decodeCursor(cursor, ConnectionCursor)?.after;
      const rows = await listMerchantConnections(services.db, { merchantId: c.get('merchant').id, limit: limit + 1, after });
      const { data, nextCursor } = page(rows, limit, (last) => ({ after: last.id }));
      return c.json({ data: await loadConnectionViews(services.db, data), nextCursor }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/v1/connections',
      tags: ['Connections'],
      summary: 'Start connecting QuickBooks: a new connection and the URL of Intuit’s consent page',
      security: merchantSecurity,
      middleware: auth,
      request: { body: { required: true, content: json(CreateConnectionBody) } },
      responses: { 201: { description: 'Created; send the merchant to authorizeUrl', content: json(CreatedConnection) }, ...errorResponses(400, 401, 403, 413, 415) },
    }),
    async (c) => {
      const merchant = c.get('merchant');
      const { connection, authorizeUrl } = await startNewConnection(services, merchant.id);
      services.logger.info({ merchantId: merchant.id, connectionId: connection.id }, 'connection created');
      return c.json({ connection: await loadConnectionView(services.db, connection), authorizeUrl }, 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/v1/connections/{id}',
      tags: ['Connections'],
      summary: 'One connection: status, phase, last sync, record counts',
      security: merchantSecurity,
      middleware: auth,
      request: { params: ConnectionIdParams },
      responses: { 200: { description: 'The connection', content: json(ConnectionSchema) }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const connection = await requireOwnConnection(services, c.get('merchant').id, c.req.valid('param').id);
      return c.json(await loadConnectionView(services.db, connection), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/v1/connections/{id}/reauthorize',
      tags: ['Connections'],
      summary: 'A new consent URL for the same connection (same QuickBooks company)',
      security: merchantSecurity,
      middleware: auth,
      request: { params: ConnectionIdParams },
      responses: { 200: { description: 'Send the merchant to authorizeUrl', content: json(AuthorizeUrl) }, ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const connection = await requireOwnConnection(services, c.get('merchant').id, c.req.valid('param').id);
      assertReauthorizable(connection);
      return c.json({ authorizeUrl: await startReauthorization(services, connection) }, 200);
    },
  );

  return router;
}
