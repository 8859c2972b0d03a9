/** The merchant's "needs attention" notices, newest first. */
import { createRoute, z } from '@hono/zod-openapi';
import { listMerchantNotifications } from '../../db/queries/notifications.js';
import { requireMerchant } from '../auth/merchant-auth.js';
import { cursorParam, decodeCursor, limitParam, page, pageSchema } from '../http/pagination.js';
import { createRouter } from '../http/router.js';
import type { AppServices } from '../services.js';
import { errorResponses } from '../views/error.js';
import { NotificationSchema, toNotificationView } from '../views/notification.js';
import { merchantSecurity } from './own-connection.js';

const NotificationsQuery = z.object({
  limit: limitParam(100, 50),
  cursor: cursorParam,
  connectionId: z.uuid().optional().openapi({ param: { name: 'connectionId', in: 'query' } }),
});
const NotificationCursor = z.object({ createdAt: z.iso.datetime(), id: z.uuid() });

export function notificationRoutes(services: AppServices) {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: 'get',
      path: '/v1/notifications',
      tags: ['Notifications'],
      summary: "The merchant's notices (e.g. a connection needs re-authorization)",
      security: merchantSecurity,
      middleware: [requireMerchant(services)],
      request: { query: NotificationsQuery },
      responses: { 200: { description: 'A page of notices', content: { 'application/json': { schema: pageSchema(NotificationSchema, 'NotificationPage') } } }, ...errorResponses(400, 401) },
    }),
    async (c) => {
      const { limit, cursor, connectionId } = c.req.valid('query');
      const decoded = decodeCursor(cursor, NotificationCursor);
      const rows = await listMerchantNotifications(services.db, {
        merchantId: c.get('merchant').id,
        limit: limit + 1,
        after: decoded ? { createdAt: new Date(decoded.createdAt), id: decoded.id } : undefined,
        ...(connectionId ? { connectionId } : {}),
      });
      const { data, nextCursor } = page(rows, limit, (last) => ({ createdAt: last.createdAt.toISOString(), id: last.id }));
      return c.json({ data: data.map(toNotificationView), nextCursor }, 200);
    },
  );
  return router;
}
