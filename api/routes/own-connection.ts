/** Merchant routes address connections by id, and only ever the authenticated merchant's own. */
import { z } from '@hono/zod-openapi';
import { getMerchantConnection, type Connection } from '../../db/queries/connections.js';
import { ApiError } from '../http/errors.js';
import type { AppServices } from '../services.js';

export const ConnectionIdParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'The connection id' }),
});

/** OpenAPI security of merchant routes: an API key, or the dashboard session cookie. */
export const merchantSecurity: Record<string, string[]>[] = [{ merchantKey: [] }, { dashboardSession: [] }];

/** The merchant's connection; another merchant's answers 404 exactly like a missing one (never 403). */
export async function requireOwnConnection(services: AppServices, merchantId: string, connectionId: string): Promise<Connection> {
  const connection = await getMerchantConnection(services.db, { merchantId, connectionId });
  if (!connection) throw new ApiError('connection_not_found', 'No such connection.');
  return connection;
}
