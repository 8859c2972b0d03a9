/**
 * What a merchant can ask of a connection, whichever door the request came through (the JSON API or
 * the dashboard's forms): the checks that refuse it and the signal to the connection's workflow.
 */
import { setConnectionStatus, type Connection } from '../../db/queries/connections.js';
import { ApiError } from '../http/errors.js';
import type { AppServices } from '../services.js';
import { signalConnection, type ConnectionSignal } from '../temporal/connection-workflows.js';
import type { ResyncSignal } from '../../shared/workflow-payloads.js';

export type DisconnectResult = 'disconnect_requested' | 'disconnected' | 'already_disconnected';

/** Sync now: only an active connection has a workflow that can pull. */
export async function requestSyncNow(services: AppServices, connection: Connection, reason: string): Promise<void> {
  assertSyncable(connection.status, { allowNeedsReauthorization: false });
  await signalRunning(services, connection.id, { name: 'syncNow', args: { reason } });
}

/** Re-pull everything changed since an instant; a parked connection remembers it for when it resumes. */
export async function requestResync(services: AppServices, connection: Connection, args: ResyncSignal): Promise<void> {
  assertSyncable(connection.status, { allowNeedsReauthorization: true });
  await signalRunning(services, connection.id, { name: 'resync', args });
}

/** A disconnected connection cannot be authorized again (a new connection can). */
export function assertReauthorizable(connection: Connection): void {
  if (connection.status === 'disconnected') throw new ApiError('connection_disconnected', 'This connection was disconnected; create a new one.');
}

/**
 * Disconnect: the workflow revokes the grant at Intuit and completes. Without a running workflow
 * (never authorized, or already completed) nobody else will write the status, so it is written here.
 */
export async function requestDisconnect(services: AppServices, connection: Connection): Promise<{ result: DisconnectResult; connection: Connection }> {
  if (connection.status === 'disconnected') return { result: 'already_disconnected', connection };
  const outcome = await signalConnection(services, connection.id, { name: 'disconnect' });
  if (outcome === 'delivered') {
    services.logger.info({ merchantId: connection.merchantId, connectionId: connection.id }, 'disconnect requested');
    return { result: 'disconnect_requested', connection };
  }
  const updated = await setConnectionStatus(services.db, connection.id, {
    status: 'disconnected',
    statusReason: 'disconnected_by_merchant',
    disconnectedAt: services.clock(),
    phase: null,
  });
  services.logger.info({ merchantId: connection.merchantId, connectionId: connection.id }, 'connection disconnected (no workflow running)');
  return { result: 'disconnected', connection: updated ?? connection };
}

function assertSyncable(status: string, options: { allowNeedsReauthorization: boolean }): void {
  if (status === 'pending_authorization') throw new ApiError('connection_not_authorized', 'This connection is not authorized yet; finish connecting QuickBooks first.');
  if (status === 'disconnected') throw new ApiError('connection_disconnected', 'This connection was disconnected.');
  if (status === 'needs_reauthorization' && !options.allowNeedsReauthorization) {
    throw new ApiError('connection_needs_reauthorization', 'QuickBooks revoked this connection’s authorization; re-authorize it first.');
  }
}

async function signalRunning(services: AppServices, connectionId: string, signal: ConnectionSignal): Promise<void> {
  const outcome = await signalConnection(services, connectionId, signal);
  if (outcome === 'not_running') throw new ApiError('workflow_not_running', 'This connection’s sync is not running; re-authorize it to restart.');
}
