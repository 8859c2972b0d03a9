/** A merchant's QuickBooks connections: create, list, read, re-authorize, sync, resync, disconnect. */
import { createRoute, z } from '@hono/zod-openapi';
import { listMerchantConnections, setConnectionStatus } from '../../db/queries/connections.js';
import { QUICKBOOKS_ENTITIES } from '../../shared/contract.js';
import { requireMerchant } from '../auth/merchant-auth.js';
import { decodeCursor, page } from '../http/cursor.js';
import { ApiError } from '../http/errors.js';
import { createRouter } from '../http/router.js';
import { startNewConnection, startReauthorization } from '../oauth/start-authorization.js';
import type { AppServices } from '../services.js';
import { signalConnection } from '../temporal/connection-workflows.js';
import { ConnectionSchema, loadConnectionView, loadConnectionViews } from '../views/connection.js';
import { errorResponses } from '../views/error.js';
import { ConnectionIdParams, cursorParam, limitParam, merchantSecurity, pageSchema, requireOwnConnection } from './shared.js';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

const CreateConnectionBody = z.object({ provider: z.literal('quickbooks') }).openapi('CreateConnection');
const CreatedConnection = z.object({ connection: ConnectionSchema, authorizeUrl: z.url() }).openapi('CreatedConnection');
const AuthorizeUrl = z.object({ authorizeUrl: z.url() }).openapi('AuthorizeUrl');
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
      if (connection.status === 'disconnected') throw new ApiError('connection_disconnected', 'This connection was disconnected; create a new one.');
      return c.json({ authorizeUrl: await startReauthorization(services, connection) }, 200);
    },
  );

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
      assertSyncable(connection.status, { allowNeedsReauthorization: false });
      await signalRunning(services, connection.id, { name: 'syncNow', args: { reason: 'api' } });
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
      assertSyncable(connection.status, { allowNeedsReauthorization: true });
      const args = { since: sinceInstant.toISOString(), ...(entities ? { entities: [...new Set(entities)] } : {}) };
      await signalRunning(services, connection.id, { name: 'resync', args });
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
      const merchant = c.get('merchant');
      const connection = await requireOwnConnection(services, merchant.id, c.req.valid('param').id);
      if (connection.status === 'disconnected') {
        return c.json({ result: 'already_disconnected' as const, connection: await loadConnectionView(services.db, connection) }, 202);
      }
      const outcome = await signalConnection(services, connection.id, { name: 'disconnect' });
      if (outcome === 'delivered') {
        services.logger.info({ merchantId: merchant.id, connectionId: connection.id }, 'disconnect requested');
        return c.json({ result: 'disconnect_requested' as const, connection: await loadConnectionView(services.db, connection) }, 202);
      }
      // No workflow runs (never authorized, or already completed): nobody else will write this status.
      const now = services.clock();
      const updated = await setConnectionStatus(services.db, connection.id, { status: 'disconnected', statusReason: 'disconnected_by_merchant', disconnectedAt: now, phase: null });
      services.logger.info({ merchantId: merchant.id, connectionId: connection.id }, 'connection disconnected (no workflow running)');
      return c.json({ result: 'disconnected' as const, connection: await loadConnectionView(services.db, updated ?? connection) }, 202);
    },
  );

  return router;
}

function assertSyncable(status: string, options: { allowNeedsReauthorization: boolean }): void {
  if (status === 'pending_authorization') throw new ApiError('connection_not_authorized', 'This connection is not authorized yet; finish connecting QuickBooks first.');
  if (status === 'disconnected') throw new ApiError('connection_disconnected', 'This connection was disconnected.');
  if (status === 'needs_reauthorization' && !options.allowNeedsReauthorization) {
    throw new ApiError('connection_needs_reauthorization', 'QuickBooks revoked this connection’s authorization; re-authorize it first.');
  }
}

async function signalRunning(services: AppServices, connectionId: string, signal: Parameters<typeof signalConnection>[2]): Promise<void> {
  const outcome = await signalConnection(services, connectionId, signal);
  if (outcome === 'not_running') throw new ApiError('workflow_not_running', 'This connection’s sync is not running; re-authorize it to restart.');
}
