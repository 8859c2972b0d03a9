import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { ConnectionErrorView, EntityCounts, SyncRunKind, SyncRunOutcome } from '../../shared/workflow-payloads.js';
import type { Executor } from '../client.js';
import { syncRuns } from '../schema/index.js';

export type SyncRun = typeof syncRuns.$inferSelect;

export interface SyncRunRow {
  id: string;
  connectionId: string;
  workflowRunId: string;
  kind: SyncRunKind;
  startedAt: Date;
  outcome: SyncRunOutcome;
  counts?: EntityCounts;
  qboRequests?: number;
  error?: ConnectionErrorView | null;
  finishedAt?: Date | null;
}

/**
 * Writes a cycle's audit row: opens it (`running`) or records how it ended. The id comes from the
 * workflow, so a retried write changes nothing; a row that ended is never reopened.
 */
export async function saveSyncRun(db: Executor, row: SyncRunRow): Promise<void> {
  const values = {
    outcome: row.outcome,
    counts: row.counts ?? {},
    qboRequests: row.qboRequests ?? 0,
    errorType: row.error?.type ?? null,
    errorMessage: row.error?.message ?? null,
    intuitTid: row.error?.intuitTid ?? null,
    finishedAt: row.finishedAt ?? null,
  };
  await db
    .insert(syncRuns)
    .values({ id: row.id, connectionId: row.connectionId, workflowRunId: row.workflowRunId, kind: row.kind, startedAt: row.startedAt, ...values })
    .onConflictDoUpdate({ target: syncRuns.id, set: values, setWhere: sql`${syncRuns.outcome} = 'running'` });
}

export async function listSyncRuns(db: Executor, params: { connectionId: string; limit: number }): Promise<SyncRun[]> {
  return db.select().from(syncRuns).where(eq(syncRuns.connectionId, params.connectionId)).orderBy(desc(syncRuns.startedAt)).limit(params.limit);
}

/** When each connection's backfill began (its first backfill audit row), for the time left on its progress bar. */
export async function backfillStartTimes(db: Executor, connectionIds: string[]): Promise<Map<string, Date>> {
  if (connectionIds.length === 0) return new Map();
  const rows = await db
    .select({ connectionId: syncRuns.connectionId, startedAt: sql<Date>`min(${syncRuns.startedAt})`.mapWith(syncRuns.startedAt) })
    .from(syncRuns)
    .where(and(inArray(syncRuns.connectionId, connectionIds), eq(syncRuns.kind, 'backfill')))
    .groupBy(syncRuns.connectionId);
  return new Map(rows.map((row) => [row.connectionId, row.startedAt]));
}
