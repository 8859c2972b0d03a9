import { z } from '@hono/zod-openapi';
import type { SyncRun } from '../../db/queries/sync-runs.js';

export const SyncRunSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['backfill', 'incremental', 'resync', 'catch_up']),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    outcome: z.enum(['running', 'succeeded', 'failed', 'needs_reauthorization']),
    counts: z.record(z.string(), z.object({ upserted: z.number().int(), deleted: z.number().int(), skipped: z.number().int() })),
    qboRequests: z.number().int(),
    errorType: z.string().nullable(),
    errorMessage: z.string().nullable(),
    intuitTid: z.string().nullable(),
  })
  .openapi('SyncRun');

export function toSyncRunView(run: SyncRun): z.infer<typeof SyncRunSchema> {
  return {
    id: run.id,
    kind: run.kind,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
    outcome: run.outcome,
    counts: run.counts,
    qboRequests: run.qboRequests,
    errorType: run.errorType,
    errorMessage: run.errorMessage,
    intuitTid: run.intuitTid,
  };
}
