/** Pieces shared by the merchant routes: the path parameter, pagination parameters, and ownership checks. */
import { z } from '@hono/zod-openapi';
import { getMerchantConnection, type Connection } from '../../db/queries/connections.js';
import { ApiError } from '../http/errors.js';
import type { AppServices } from '../services.js';

export const ConnectionIdParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'The connection id' }),
});

export const limitParam = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback).openapi({ param: { name: 'limit', in: 'query' }, type: 'integer' });

export const cursorParam = z.string().max(512).optional().openapi({ param: { name: 'cursor', in: 'query' }, description: 'nextCursor of the previous page' });

export const merchantSecurity: Record<string, string[]>[] = [{ merchantKey: [] }, { dashboardSession: [] }];

/** The merchant's connection; another merchant's answers 404 exactly like a missing one (never 403). */
export async function requireOwnConnection(services: AppServices, merchantId: string, connectionId: string): Promise<Connection> {
  const connection = await getMerchantConnection(services.db, { merchantId, connectionId });
  if (!connection) throw new ApiError('connection_not_found', 'No such connection.');
  return connection;
}

export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() }).openapi(name);
}
