/**
 * The mirrored checkpoint (`connections.checkpoint`): read when a workflow starts afresh for a
 * connection that synced before; written only here, by the activities that store records, in the same
 * transaction as those records, so the mirror never claims more than is stored (shared/checkpoint.ts).
 */
import { eq } from 'drizzle-orm';
import { mirrorAfterPage } from '../../shared/checkpoint.js';
import type { QuickBooksEntity } from '../../shared/contract.js';
import type { SyncCheckpoint } from '../../shared/workflow-payloads.js';
import type { Executor } from '../client.js';
import { connections } from '../schema/index.js';

export async function saveCheckpoint(db: Executor, connectionId: string, checkpoint: SyncCheckpoint): Promise<void> {
  await db.update(connections).set({ checkpoint }).where(eq(connections.id, connectionId));
}

/** After a page of `entity` (segment `segment`, in the page's transaction): see `mirrorAfterPage` for why it merges. */
export async function mirrorPage(db: Executor, connectionId: string, page: { checkpoint: SyncCheckpoint; entity: QuickBooksEntity; segment?: number }): Promise<SyncCheckpoint> {
  // NO KEY UPDATE, not UPDATE: the page's records hold KEY SHARE locks on this row (their foreign key), so
  // two lanes each taking FOR UPDATE after their inserts would deadlock; NO KEY UPDATE only queues them.
  const [row] = await db.select({ checkpoint: connections.checkpoint }).from(connections).where(eq(connections.id, connectionId)).for('no key update');
  const mirrored = mirrorAfterPage(row?.checkpoint ?? null, page.checkpoint, page.entity, page.segment);
  await saveCheckpoint(db, connectionId, mirrored);
  return mirrored;
}

/** The connection's mirrored checkpoint and company, or nulls for a connection that never synced. */
export async function loadCheckpoint(db: Executor, connectionId: string): Promise<{ checkpoint: SyncCheckpoint | null; realmId: string | null }> {
  const [row] = await db.select({ checkpoint: connections.checkpoint, realmId: connections.realmId }).from(connections).where(eq(connections.id, connectionId)).limit(1);
  const checkpoint = row?.checkpoint;
  return { checkpoint: checkpoint && 'changedSince' in checkpoint ? checkpoint : null, realmId: row?.realmId ?? null };
}
