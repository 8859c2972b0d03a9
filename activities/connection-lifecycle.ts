/** Status transitions and bookkeeping of a connection, written where the API and operators read them. */
import { Context } from '@temporalio/activity';
import { and, eq, ne } from 'drizzle-orm';
import { getConnection, setConnectionStatus, updateSyncProgress, type SyncProgress } from '../db/queries/connections.js';
import { deleteCredentials, loadCredentials } from '../db/queries/credentials.js';
import { createNotificationOnce, resolveNotifications } from '../db/queries/notifications.js';
import { finishSyncRun, startSyncRun } from '../db/queries/sync-runs.js';
import { connections, syncRuns, type ConnectionError, type SyncRunCounts, type SyncRunKind, type SyncRunOutcome } from '../db/schema/index.js';
import type { SyncPhase } from '../shared/contract.js';
import type { SyncCheckpoint } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';
import { withFailureContext } from './failures.js';

/** The workflow run an activity works for ('' outside an activity, e.g. when a test calls one directly). */
function currentWorkflowRunId(): string {
  try {
    return Context.current().info.workflowExecution?.runId ?? '';
  } catch {
    return '';
  }
}

export interface MarkNeedsReauthorizationInput {
  connectionId: string;
  merchantId: string;
  /** When the episode began (the workflow's clock); also the notification's episode key. */
  since: string;
  reason: string;
  error: ConnectionError | null;
}

export function createConnectionLifecycle(deps: ActivityDeps) {
  const { db, sealer, oauth, logger } = deps;

  /**
   * QuickBooks revoked or expired the grant: the connection needs the merchant. Status and the one
   * "needs attention" notice of this episode are written together; retries write nothing twice.
   */
  async function markNeedsReauthorization(input: MarkNeedsReauthorizationInput): Promise<{ notificationId: string; created: boolean }> {
    return withFailureContext({ connectionId: input.connectionId, operation: 'mark needs re-authorization' }, async () => {
      const result = await db.transaction(async (tx) => {
        await tx
          .update(connections)
          .set({
            status: 'needs_reauthorization',
            statusReason: input.reason,
            needsReauthorizationSince: new Date(input.since),
            phase: 'waiting_for_reauthorization',
            lastError: input.error,
            updatedAt: new Date(),
          })
          .where(and(eq(connections.id, input.connectionId), ne(connections.status, 'disconnected')));
        const connection = await getConnection(tx, input.connectionId);
        const company = connection?.realmId ? `QuickBooks company ${connection.realmId}` : 'QuickBooks';
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

  async function recordProgress(input: { connectionId: string; phase?: SyncPhase; lastError?: ConnectionError | null; lastSyncedAt?: string; checkpoint?: SyncCheckpoint }): Promise<void> {
    const progress: SyncProgress = {};
    if (input.phase) progress.phase = input.phase;
    if (input.lastError !== undefined) progress.lastError = input.lastError;
    if (input.lastSyncedAt) progress.lastSyncedAt = new Date(input.lastSyncedAt);
    if (input.checkpoint) progress.checkpoint = input.checkpoint as unknown as Record<string, unknown>;
    await updateSyncProgress(db, input.connectionId, progress);
  }

  /** The checkpoint last mirrored to the database: a workflow started afresh for an existing connection resumes from it. */
  async function loadCheckpoint(input: { connectionId: string }): Promise<{ checkpoint: SyncCheckpoint | null; realmId: string | null }> {
    const connection = await getConnection(db, input.connectionId);
    const checkpoint = connection?.checkpoint as unknown as SyncCheckpoint | null | undefined;
    return { checkpoint: checkpoint && 'changedSince' in checkpoint ? checkpoint : null, realmId: connection?.realmId ?? null };
  }

  async function beginSyncRun(input: { id: string; connectionId: string; workflowRunId: string; kind: SyncRunKind; startedAt: string; phase: SyncPhase; checkpoint: SyncCheckpoint }): Promise<void> {
    await db.transaction(async (tx) => {
      await startSyncRun(tx, { id: input.id, connectionId: input.connectionId, workflowRunId: input.workflowRunId, kind: input.kind, startedAt: new Date(input.startedAt) });
      await updateSyncProgress(tx, input.connectionId, { phase: input.phase, checkpoint: input.checkpoint as unknown as Record<string, unknown> });
    });
  }

  async function endSyncRun(input: {
    id: string;
    connectionId: string;
    outcome: Exclude<SyncRunOutcome, 'running'>;
    counts: SyncRunCounts;
    qboRequests: number;
    error: ConnectionError | null;
    finishedAt: string;
    checkpoint: SyncCheckpoint;
    /** For a cycle whose row was never opened (see below); an incremental pull when absent. */
    kind?: SyncRunKind;
    startedAt?: string;
  }): Promise<void> {
    const kind = await db.transaction(async (tx) => {
      // An incremental cycle opens its row inside the pull; when it failed before the pull ran (the token
      // refresh before it was refused), there is no row yet, and the audit must still show the cycle.
      await startSyncRun(tx, {
        id: input.id,
        connectionId: input.connectionId,
        workflowRunId: currentWorkflowRunId(),
        kind: input.kind ?? 'incremental',
        startedAt: new Date(input.startedAt ?? input.finishedAt),
      });
      await finishSyncRun(tx, {
        id: input.id,
        outcome: input.outcome,
        counts: input.counts,
        qboRequests: input.qboRequests,
        errorType: input.error?.type ?? null,
        errorMessage: input.error?.message ?? null,
        intuitTid: input.error?.intuitTid ?? null,
        finishedAt: new Date(input.finishedAt),
      });
      const progress: SyncProgress = { checkpoint: input.checkpoint as unknown as Record<string, unknown>, lastError: input.error };
      if (input.outcome === 'succeeded') Object.assign(progress, { lastSyncedAt: new Date(input.finishedAt), phase: 'idle' });
      await updateSyncProgress(tx, input.connectionId, progress);
      const [row] = await tx.select({ kind: syncRuns.kind }).from(syncRuns).where(eq(syncRuns.id, input.id));
      return row?.kind ?? input.kind ?? 'incremental';
    });
    deps.metrics?.syncCycles.inc({ kind, outcome: input.outcome });
  }

  /** The merchant removed the integration: revoke at Intuit (best effort), forget the tokens, mark it disconnected. */
  async function disconnectConnection(input: { connectionId: string }): Promise<{ revoked: boolean }> {
    return withFailureContext({ connectionId: input.connectionId, operation: 'disconnect' }, async () => {
      let revoked = false;
      const stored = await loadCredentials(db, { connectionId: input.connectionId, sealer }).catch(() => undefined);
      if (stored) {
        try {
          await oauth.revoke({ token: stored.tokens.refreshToken });
          revoked = true;
        } catch (error) {
          // Intuit may answer 400 for a grant that is already gone; the local disconnect goes ahead regardless.
          logger.warn({ connectionId: input.connectionId, errorType: (error as Error).name }, 'revoking at Intuit failed; disconnecting locally anyway');
        }
      }
      await db.transaction(async (tx) => {
        await deleteCredentials(tx, input.connectionId);
        await setConnectionStatus(tx, input.connectionId, { status: 'disconnected', statusReason: 'disconnected by the merchant', phase: null, needsReauthorizationSince: null, disconnectedAt: new Date() });
        await resolveNotifications(tx, { connectionId: input.connectionId, kinds: ['needs_reauthorization', 'reauthorization_reminder', 'refresh_token_expiring'] });
      });
      return { revoked };
    });
  }

  return { markNeedsReauthorization, recordProgress, loadCheckpoint, beginSyncRun, endSyncRun, disconnectConnection };
}
