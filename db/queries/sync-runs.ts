import { desc, eq } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { syncRuns, type SyncRunCounts, type SyncRunKind, type SyncRunOutcome } from '../schema/index.js';

export type SyncRun = typeof syncRuns.$inferSelect;

/** Opens the audit row of a cycle; the id comes from the workflow, so a retried write changes nothing. */
export async function startSyncRun(db: Executor, params: { id: string; connectionId: string; workflowRunId: string; kind: SyncRunKind; startedAt: Date }): Promise<void> {
  await db.insert(syncRuns).values(params).onConflictDoNothing({ target: syncRuns.id });
}

export async function finishSyncRun(
  db: Executor,
  params: {
    id: string;
    outcome: Exclude<SyncRunOutcome, 'running'>;
    counts: SyncRunCounts;
    qboRequests: number;
    errorType?: string | null;
    errorMessage?: string | null;
    intuitTid?: string | null;
    finishedAt: Date;
  },
): Promise<void> {
  const { id, ...values } = params;
  await db.update(syncRuns).set(values).where(eq(syncRuns.id, id));
}

export async function listSyncRuns(db: Executor, params: { connectionId: string; limit: number }): Promise<SyncRun[]> {
  return db.select().from(syncRuns).where(eq(syncRuns.connectionId, params.connectionId)).orderBy(desc(syncRuns.startedAt)).limit(params.limit);
}
