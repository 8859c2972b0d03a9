/** What a connection has synced: its records (cursor-paginated) and the audit trail of its sync runs. */
import { createRoute, z } from '@hono/zod-openapi';
import { listRecords } from '../../db/queries/records.js';
import { listSyncRuns } from '../../db/queries/sync-runs.js';
import { QUICKBOOKS_ENTITIES } from '../../shared/contract.js';
import { requireMerchant } from '../auth/merchant-auth.js';
import { cursorParam, decodeCursor, limitParam, page, pageSchema } from '../http/pagination.js';
import { exactJson } from '../http/exact-json.js';
import { createRouter } from '../http/router.js';
import type { AppServices } from '../services.js';
import { errorResponses } from '../views/error.js';
import { RecordSchema, toRecordView } from '../views/record.js';
import { SyncRunSchema, toSyncRunView } from '../views/sync-run.js';
import { ConnectionIdParams, merchantSecurity, requireOwnConnection } from './own-connection.js';

const RecordsQuery = z.object({
  entity: z.enum(QUICKBOOKS_ENTITIES).optional().openapi({ param: { name: 'entity', in: 'query' } }),
  limit: limitParam(500, 100),
  cursor: cursorParam,
  includeDeleted: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .openapi({ param: { name: 'includeDeleted', in: 'query' }, description: 'Include objects deleted in QuickBooks (tombstones)' }),
});
const RecordCursor = z.object({ entity: z.enum(QUICKBOOKS_ENTITIES), qboId: z.string().min(1).max(64) });
const SyncRunsQuery = z.object({ limit: limitParam(200, 50) });

export function connectionRecordRoutes(services: AppServices) {
  const router = createRouter();
  const auth = [requireMerchant(services)];

  router.openapi(
    createRoute({
      method: 'get',
      path: '/v1/connections/{id}/records',
      tags: ['Records'],
      summary: 'The synced QuickBooks records, in (entity, id) order',
      security: merchantSecurity,
      middleware: auth,
      request: { params: ConnectionIdParams, query: RecordsQuery },
      responses: { 200: { description: 'A page of records', content: { 'application/json': { schema: pageSchema(RecordSchema, 'RecordPage') } } }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const connection = await requireOwnConnection(services, c.get('merchant').id, c.req.valid('param').id);
      const { entity, limit, cursor, includeDeleted } = c.req.valid('query');
      const after = decodeCursor(cursor, RecordCursor);
      const rows = await listRecords(services.db, { connectionId: connection.id, entity, includeDeleted, limit: limit + 1, after });
      const { data, nextCursor } = page(rows, limit, (last) => ({ entity: last.entity, qboId: last.qboId }));
      return exactJson(c, { data: data.map(toRecordView), nextCursor }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/v1/connections/{id}/sync-runs',
      tags: ['Records'],
      summary: 'The most recent sync cycles (audit trail), newest first',
      security: merchantSecurity,
      middleware: auth,
      request: { params: ConnectionIdParams, query: SyncRunsQuery },
      responses: { 200: { description: 'Sync runs', content: { 'application/json': { schema: pageSchema(SyncRunSchema, 'SyncRunPage') } } }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const connection = await requireOwnConnection(services, c.get('merchant').id, c.req.valid('param').id);
      const runs = await listSyncRuns(services.db, { connectionId: connection.id, limit: c.req.valid('query').limit });
      return c.json({ data: runs.map(toSyncRunView), nextCursor: null }, 200);
    },
  );

  return router;
}
