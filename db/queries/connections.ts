import { and, asc, desc, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import type { ConnectionStatus, SyncPhase } from '../../shared/contract.js';
import type { ConnectionErrorView } from '../../shared/workflow-payloads.js';
import type { Executor } from '../client.js';
import { connections, quickbooksRecords } from '../schema/index.js';

export type Connection = typeof connections.$inferSelect;

export async function createConnection(db: Executor, params: { merchantId: string }): Promise<Connection> {
  const [row] = await db.insert(connections).values({ merchantId: params.merchantId }).returning();
  return row!;
}

export async function getConnection(db: Executor, connectionId: string): Promise<Connection | undefined> {
  const [row] = await db.select().from(connections).where(eq(connections.id, connectionId)).limit(1);
  return row;
}

/** A merchant's connection; another merchant's id answers undefined, exactly like a missing one. */
export async function getMerchantConnection(db: Executor, params: { merchantId: string; connectionId: string }): Promise<Connection | undefined> {
  const [row] = await db
    .select()
    .from(connections)
    .where(and(eq(connections.id, params.connectionId), eq(connections.merchantId, params.merchantId)))
    .limit(1);
  return row;
}

/** Keyset pagination by id. */
export async function listMerchantConnections(db: Executor, params: { merchantId: string; limit: number; after?: string | undefined }): Promise<Connection[]> {
  const conditions = [eq(connections.merchantId, params.merchantId)];
  if (params.after) conditions.push(gt(connections.id, params.after));
  return db.select().from(connections).where(and(...conditions)).orderBy(asc(connections.id)).limit(params.limit);
}

/** Live (not disconnected) connections to a QuickBooks company, across merchants: webhook fan-out. */
export async function findLiveConnectionsByRealm(db: Executor, realmId: string): Promise<Connection[]> {
  return db
    .select()
    .from(connections)
    .where(and(eq(connections.realmId, realmId), ne(connections.status, 'disconnected')));
}

/** The merchant's other live connection to this company, if any (connecting it twice is a conflict). */
export async function findMerchantConnectionForRealm(db: Executor, params: { merchantId: string; realmId: string; excludeConnectionId?: string }): Promise<Connection | undefined> {
  const conditions = [eq(connections.merchantId, params.merchantId), eq(connections.realmId, params.realmId), ne(connections.status, 'disconnected')];
  if (params.excludeConnectionId) conditions.push(ne(connections.id, params.excludeConnectionId));
  const [row] = await db.select().from(connections).where(and(...conditions)).limit(1);
  return row;
}

export interface ConnectionStatusChange {
  status: ConnectionStatus;
  statusReason?: string | null;
  phase?: SyncPhase | null;
  needsReauthorizationSince?: Date | null;
  disconnectedAt?: Date | null;
}

/** Writes a status change (and the fields that travel with it). */
export async function setConnectionStatus(db: Executor, connectionId: string, change: ConnectionStatusChange): Promise<Connection | undefined> {
  const [row] = await db
    .update(connections)
    .set({ ...change, updatedAt: new Date() })
    .where(eq(connections.id, connectionId))
    .returning();
  return row;
}

/** Records the realm on first authorization; never overwrites a different one. Returns false on a mismatch. */
export async function recordConnectionRealm(db: Executor, params: { connectionId: string; realmId: string }): Promise<boolean> {
  const [row] = await db
    .update(connections)
    .set({ realmId: params.realmId, updatedAt: new Date() })
    .where(and(eq(connections.id, params.connectionId), sql`(${connections.realmId} is null or ${connections.realmId} = ${params.realmId})`))
    .returning({ id: connections.id });
  return row !== undefined;
}

export interface SyncProgress {
  phase?: SyncPhase;
  lastSyncedAt?: Date;
  lastError?: ConnectionErrorView | null;
}

/** How the last sync went (phase, last success, last error), as the API and operators read it. */
export async function updateSyncProgress(db: Executor, connectionId: string, progress: SyncProgress): Promise<void> {
  await db.update(connections).set({ ...progress, updatedAt: new Date() }).where(eq(connections.id, connectionId));
}

export interface CompanyProfile {
  name: string | null;
  country: string | null;
  homeCurrency: string | null;
}

/**
 * What QuickBooks said about the company (after an authorization) and, on a first connect, how many
 * records the first backfill will copy. Fields QuickBooks would not tell keep what was known.
 */
export async function recordCompanyProfile(db: Executor, connectionId: string, params: { profile: CompanyProfile; backfillEstimatedTotal?: number | null }): Promise<Connection | undefined> {
  const { profile } = params;
  const [row] = await db
    .update(connections)
    .set({
      ...(profile.name !== null ? { companyName: profile.name } : {}),
      ...(profile.country !== null ? { companyCountry: profile.country } : {}),
      ...(profile.homeCurrency !== null ? { homeCurrency: profile.homeCurrency } : {}),
      ...(params.backfillEstimatedTotal != null ? { backfillEstimatedTotal: params.backfillEstimatedTotal } : {}),
    })
    .where(eq(connections.id, connectionId))
    .returning();
  return row;
}

/** Why a connection is disconnected when the merchant removed it. */
export const DISCONNECTED_BY_MERCHANT = 'disconnected by the merchant';

/** The connection row, locked until the transaction ends (token storage serializes on it). */
export async function lockConnection(db: Executor, connectionId: string): Promise<Connection | undefined> {
  const [row] = await db.select().from(connections).where(eq(connections.id, connectionId)).for('update');
  return row;
}

/** Tokens were stored: the connection is active for this company. */
export async function markConnectionActive(db: Executor, params: { connectionId: string; realmId: string }): Promise<void> {
  await db
    .update(connections)
    .set({ realmId: params.realmId, status: 'active', statusReason: null, needsReauthorizationSince: null, updatedAt: new Date() })
    .where(eq(connections.id, params.connectionId));
}

/** QuickBooks revoked or expired the grant; a disconnected connection stays disconnected. */
export async function markNeedsReauthorization(db: Executor, params: { connectionId: string; reason: string; since: Date; error: ConnectionErrorView | null }): Promise<void> {
  await db
    .update(connections)
    .set({
      status: 'needs_reauthorization',
      statusReason: params.reason,
      needsReauthorizationSince: params.since,
      phase: 'waiting_for_reauthorization',
      lastError: params.error,
      updatedAt: new Date(),
    })
    .where(and(eq(connections.id, params.connectionId), ne(connections.status, 'disconnected')));
}

/** The merchant removed the integration. */
export async function markDisconnected(db: Executor, params: { connectionId: string; at: Date }): Promise<Connection | undefined> {
  return setConnectionStatus(db, params.connectionId, { status: 'disconnected', statusReason: DISCONNECTED_BY_MERCHANT, phase: null, needsReauthorizationSince: null, disconnectedAt: params.at });
}

export async function listConnectionsByStatus(db: Executor, params: { status?: ConnectionStatus; limit: number }): Promise<Connection[]> {
  const where = params.status ? eq(connections.status, params.status) : undefined;
  return db.select().from(connections).where(where).orderBy(desc(connections.updatedAt)).limit(params.limit);
}

/** Records not deleted, per entity, for each of the given connections. */
export async function countLiveRecords(db: Executor, connectionIds: string[]): Promise<Map<string, Record<string, number>>> {
  const result = new Map<string, Record<string, number>>(connectionIds.map((id) => [id, {}]));
  if (connectionIds.length === 0) return result;
  const rows = await db
    .select({ connectionId: quickbooksRecords.connectionId, entity: quickbooksRecords.entity, count: sql<number>`count(*)::int` })
    .from(quickbooksRecords)
    .where(and(inArray(quickbooksRecords.connectionId, connectionIds), eq(quickbooksRecords.deleted, false)))
    .groupBy(quickbooksRecords.connectionId, quickbooksRecords.entity);
  for (const row of rows) result.get(row.connectionId)![row.entity] = row.count;
  return result;
}
