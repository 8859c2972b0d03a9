/** The API's view of a connection: the database row plus record counts and the workflow's id. */
import { z } from '@hono/zod-openapi';
import { countLiveRecords, type Connection } from '../../db/queries/connections.js';
import type { Executor } from '../../db/client.js';
import { CONNECTION_STATUSES, SYNC_PHASES, workflowIdForConnection } from '../../shared/contract.js';

export const ConnectionSchema = z
  .object({
    id: z.uuid(),
    provider: z.string().openapi({ example: 'quickbooks' }),
    realmId: z.string().nullable().openapi({ description: 'The QuickBooks company, recorded by the first authorization' }),
    status: z.enum(CONNECTION_STATUSES),
    phase: z.enum(SYNC_PHASES).nullable(),
    statusReason: z.string().nullable(),
    needsReauthorizationSince: z.string().nullable(),
    lastSyncedAt: z.string().nullable(),
    lastError: z
      .object({ type: z.string(), message: z.string(), intuitTid: z.string().optional(), at: z.string() })
      .nullable(),
    counts: z.record(z.string(), z.number().int()).openapi({ description: 'Records not deleted, per QuickBooks entity', example: { Invoice: 12 } }),
    workflowId: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Connection');

export type ConnectionView = z.infer<typeof ConnectionSchema>;

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function toConnectionView(connection: Connection, counts: Record<string, number>): ConnectionView {
  return {
    id: connection.id,
    provider: connection.provider,
    realmId: connection.realmId,
    status: connection.status,
    phase: connection.phase,
    statusReason: connection.statusReason,
    needsReauthorizationSince: iso(connection.needsReauthorizationSince),
    lastSyncedAt: iso(connection.lastSyncedAt),
    lastError: connection.lastError
      ? { type: connection.lastError.type, message: connection.lastError.message, ...(connection.lastError.intuitTid ? { intuitTid: connection.lastError.intuitTid } : {}), at: connection.lastError.at }
      : null,
    counts,
    workflowId: workflowIdForConnection(connection.id),
    createdAt: connection.createdAt.toISOString(),
    updatedAt: connection.updatedAt.toISOString(),
  };
}

export async function loadConnectionViews(db: Executor, connections: Connection[]): Promise<ConnectionView[]> {
  const counts = await countLiveRecords(db, connections.map((connection) => connection.id));
  return connections.map((connection) => toConnectionView(connection, counts.get(connection.id) ?? {}));
}

export async function loadConnectionView(db: Executor, connection: Connection): Promise<ConnectionView> {
  const [view] = await loadConnectionViews(db, [connection]);
  return view!;
}
