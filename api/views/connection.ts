/** The API's view of a connection: the database row plus record counts, the first backfill's progress and the workflow's id. */
import { z } from '@hono/zod-openapi';
import { countLiveRecords, type Connection } from '../../db/queries/connections.js';
import type { Executor } from '../../db/client.js';
import { backfillStartTimes } from '../../db/queries/sync-runs.js';
import { CONNECTION_STATUSES, SYNC_PHASES, workflowIdForConnection } from '../../shared/contract.js';

export const ConnectionSchema = z
  .object({
    id: z.uuid(),
    provider: z.string().openapi({ example: 'quickbooks' }),
    realmId: z.string().nullable().openapi({ description: 'The QuickBooks company, recorded by the first authorization' }),
    companyName: z.string().nullable().openapi({ description: "QuickBooks' name of the company, read after each authorization; null until known", example: 'Demo Landscaping LLC' }),
    companyCountry: z.string().nullable().openapi({ description: "The company's country as QuickBooks gives it", example: 'US' }),
    homeCurrency: z.string().nullable().openapi({ description: "The company's home currency (ISO 4217)", example: 'USD' }),
    status: z.enum(CONNECTION_STATUSES),
    phase: z.enum(SYNC_PHASES).nullable(),
    statusReason: z.string().nullable(),
    needsReauthorizationSince: z.string().nullable(),
    lastSyncedAt: z.string().nullable(),
    lastError: z
      .object({ type: z.string(), message: z.string(), intuitTid: z.string().optional(), at: z.string() })
      .nullable(),
    counts: z.record(z.string(), z.number().int()).openapi({ description: 'Records not deleted, per QuickBooks entity', example: { Invoice: 12 } }),
    progress: z
      .object({
        stored: z.number().int().openapi({ description: 'Records stored so far' }),
        estimatedTotal: z.number().int().openapi({ description: 'Records QuickBooks counted when the company was connected (never below `stored`)' }),
        startedAt: z.string().nullable().openapi({ description: 'When the backfill began' }),
      })
      .nullable()
      .openapi({ description: 'While the first backfill runs: how far it is; else null' }),
    workflowId: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Connection');

export type ConnectionView = z.infer<typeof ConnectionSchema>;

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export type BackfillProgress = NonNullable<ConnectionView['progress']>;

/** The first backfill's progress, while it runs and QuickBooks' count is known. */
function progressOf(connection: Connection, counts: Record<string, number>, backfillStartedAt: Date | undefined): BackfillProgress | null {
  const firstBackfill = connection.status === 'active' && connection.phase === 'backfilling' && connection.lastSyncedAt === null;
  if (!firstBackfill || connection.backfillEstimatedTotal === null) return null;
  const stored = Object.values(counts).reduce((sum, count) => sum + count, 0);
  return { stored, estimatedTotal: Math.max(stored, connection.backfillEstimatedTotal), startedAt: iso(backfillStartedAt ?? null) };
}

export function toConnectionView(connection: Connection, counts: Record<string, number>, backfillStartedAt?: Date): ConnectionView {
  return {
    id: connection.id,
    provider: connection.provider,
    realmId: connection.realmId,
    companyName: connection.companyName,
    companyCountry: connection.companyCountry,
    homeCurrency: connection.homeCurrency,
    status: connection.status,
    phase: connection.phase,
    statusReason: connection.statusReason,
    needsReauthorizationSince: iso(connection.needsReauthorizationSince),
    lastSyncedAt: iso(connection.lastSyncedAt),
    lastError: connection.lastError
      ? { type: connection.lastError.type, message: connection.lastError.message, ...(connection.lastError.intuitTid ? { intuitTid: connection.lastError.intuitTid } : {}), at: connection.lastError.at }
      : null,
    counts,
    progress: progressOf(connection, counts, backfillStartedAt),
    workflowId: workflowIdForConnection(connection.id),
    createdAt: connection.createdAt.toISOString(),
    updatedAt: connection.updatedAt.toISOString(),
  };
}

export async function loadConnectionViews(db: Executor, connections: Connection[]): Promise<ConnectionView[]> {
  const ids = connections.map((connection) => connection.id);
  const backfilling = connections.filter((connection) => connection.phase === 'backfilling').map((connection) => connection.id);
  const [counts, startTimes] = await Promise.all([countLiveRecords(db, ids), backfillStartTimes(db, backfilling)]);
  return connections.map((connection) => toConnectionView(connection, counts.get(connection.id) ?? {}, startTimes.get(connection.id)));
}

export async function loadConnectionView(db: Executor, connection: Connection): Promise<ConnectionView> {
  const [view] = await loadConnectionViews(db, [connection]);
  return view!;
}
