/**
 * The workflow's own bookkeeping in our database: the connection's status when QuickBooks revokes the
 * grant (with the episode's notice), the audit rows of its sync cycles, and the mirrored checkpoint it
 * reads back when it starts afresh. Every write is idempotent: retries and replays write nothing twice.
 */
import { getConnection, markNeedsReauthorization as markConnectionNeedsReauthorization, updateSyncProgress } from '../db/queries/connections.js';
import { loadCheckpoint as loadMirroredCheckpoint } from '../db/queries/checkpoints.js';
import { createNotificationOnce } from '../db/queries/notifications.js';
import { saveSyncRun } from '../db/queries/sync-runs.js';
import type { BeginSyncRunInput, EndSyncRunInput, MarkNeedsReauthorizationInput, RecordProgressInput, SyncCheckpoint } from '../shared/workflow-payloads.js';
import type { ActivityDeps } from './deps.js';
import { withFailureContext } from './failures.js';

export function createSyncBookkeeping(deps: ActivityDeps) {
  const { db, logger } = deps;

  /**
   * QuickBooks revoked or expired the grant: the connection needs the merchant. Status and the one
   * "needs attention" notice of this episode are written together; retries write nothing twice.
   */
  async function markNeedsReauthorization(input: MarkNeedsReauthorizationInput): Promise<{ notificationId: string; created: boolean }> {
    return withFailureContext({ connectionId: input.connectionId, operation: 'mark needs re-authorization' }, async () => {
      const result = await db.transaction(async (tx) => {
        await markConnectionNeedsReauthorization(tx, { connectionId: input.connectionId, reason: input.reason, since: new Date(input.since), error: input.error });
        const connection = await getConnection(tx, input.connectionId);
        const company = connection?.companyName ? `QuickBooks (${connection.companyName})` : connection?.realmId ? `QuickBooks company ${connection.realmId}` : 'QuickBooks';
        return createNotificationOnce(tx, {
          merchantId: input.merchantId,
          connectionId: input.connectionId,
          kind: 'needs_reauthorization',
          episodeKey: input.since,
          message: `${company} stopped sharing data with us (${input.reason}). Syncing is paused where it stopped; nothing is lost. Re-authorize it under Data Sources → QuickBooks ⋯ → Re-authorize to resume.`,
        });
      });
      logger.warn({ connectionId: input.connectionId, reason: input.reason, notificationId: result.notification.id }, 'connection needs re-authorization');
      return { notificationId: result.notification.id, created: result.created };
    });
  }

  /** A pass attempt failed (the pass stays open and is retried): the connection shows why meanwhile. */
  async function recordProgress(input: RecordProgressInput): Promise<void> {
    await updateSyncProgress(db, input.connectionId, { lastError: input.lastError });
  }

  /** The checkpoint last mirrored: a workflow started afresh for an existing connection resumes from it. */
  async function loadCheckpoint(input: { connectionId: string }): Promise<{ checkpoint: SyncCheckpoint | null; realmId: string | null }> {
    return loadMirroredCheckpoint(db, input.connectionId);
  }

  /** Opens a pass's audit row; the connection shows it backfilling. */
  async function beginSyncRun(input: BeginSyncRunInput): Promise<void> {
    await db.transaction(async (tx) => {
      await saveSyncRun(tx, { ...input, startedAt: new Date(input.startedAt), outcome: 'running' });
      await updateSyncProgress(tx, input.connectionId, { phase: 'backfilling' });
    });
  }

  /** Records how a cycle ended (a pass's, or an incremental pull that failed) and what the connection shows. */
  async function endSyncRun(input: EndSyncRunInput): Promise<void> {
    const finishedAt = new Date(input.finishedAt);
    await db.transaction(async (tx) => {
      await saveSyncRun(tx, { ...input, startedAt: new Date(input.startedAt), finishedAt });
      await updateSyncProgress(tx, input.connectionId, input.outcome === 'succeeded' ? { lastError: null, lastSyncedAt: finishedAt, phase: 'idle' } : { lastError: input.error });
    });
    deps.metrics?.syncCycles.inc({ kind: input.kind, outcome: input.outcome });
  }

  return { markNeedsReauthorization, recordProgress, loadCheckpoint, beginSyncRun, endSyncRun };
}
