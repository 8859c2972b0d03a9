/**
 * What may be asked of a connection, whichever door the request came through — the JSON API, the
 * dashboard's forms or an operator's `npm run ops`: the rules that refuse it and the signal to the
 * connection's workflow. Refusals are ConnectionCommandErrors; each door words them for its audience.
 */
import type { Database } from '../db/client.js';
import { markDisconnected, type Connection } from '../db/queries/connections.js';
import type { Logger } from '../shared/logger.js';
import type { ResyncSignal } from '../shared/workflow-payloads.js';
import { ConnectionCommandError } from './errors.js';
import type { ConnectionSignal, ConnectionWorkflows } from './workflow-client.js';

export type DisconnectResult = 'disconnect_requested' | 'disconnected' | 'already_disconnected';

export interface ConnectionCommandsDeps {
  db: Database;
  workflows: ConnectionWorkflows;
  logger: Logger;
  clock?: () => Date;
}

export type ConnectionCommands = ReturnType<typeof createConnectionCommands>;

export function createConnectionCommands(deps: ConnectionCommandsDeps) {
  const clock = deps.clock ?? (() => new Date());

  async function signalRunning(connectionId: string, signal: ConnectionSignal): Promise<void> {
    const outcome = await deps.workflows.signal(connectionId, signal);
    if (outcome === 'not_running') throw new ConnectionCommandError('workflow_not_running', 'This connection’s sync is not running; re-authorize it to restart.');
  }

  return {
    /** Sync now: only an active connection has a workflow that can pull. */
    async syncNow(connection: Connection, reason: string): Promise<void> {
      assertSyncable(connection, { allowNeedsReauthorization: false });
      await signalRunning(connection.id, { name: 'syncNow', args: { reason } });
    },

    /** Re-pull everything changed since an instant; a parked connection remembers it for when it resumes. */
    async resync(connection: Connection, args: ResyncSignal): Promise<void> {
      assertSyncable(connection, { allowNeedsReauthorization: true });
      await signalRunning(connection.id, { name: 'resync', args });
    },

    /**
     * Disconnect: the workflow revokes the grant at Intuit and completes. Without a running workflow
     * (never authorized, or already completed) nobody else will write the status, so it is written here.
     */
    async disconnect(connection: Connection): Promise<{ result: DisconnectResult; connection: Connection }> {
      if (connection.status === 'disconnected') return { result: 'already_disconnected', connection };
      const outcome = await deps.workflows.signal(connection.id, { name: 'disconnect' });
      if (outcome === 'delivered') {
        deps.logger.info({ merchantId: connection.merchantId, connectionId: connection.id }, 'disconnect requested');
        return { result: 'disconnect_requested', connection };
      }
      const updated = await markDisconnected(deps.db, { connectionId: connection.id, at: clock() });
      deps.logger.info({ merchantId: connection.merchantId, connectionId: connection.id }, 'connection disconnected (no workflow running)');
      return { result: 'disconnected', connection: updated ?? connection };
    },
  };
}

/** A disconnected connection cannot be authorized again (a new connection can). */
export function assertReauthorizable(connection: Connection): void {
  if (connection.status === 'disconnected') throw new ConnectionCommandError('connection_disconnected', 'This connection was disconnected; create a new one.');
}

function assertSyncable(connection: Connection, options: { allowNeedsReauthorization: boolean }): void {
  if (connection.status === 'pending_authorization') throw new ConnectionCommandError('connection_not_authorized', 'This connection is not authorized yet; finish connecting QuickBooks first.');
  if (connection.status === 'disconnected') throw new ConnectionCommandError('connection_disconnected', 'This connection was disconnected.');
  if (connection.status === 'needs_reauthorization' && !options.allowNeedsReauthorization) {
    throw new ConnectionCommandError('connection_needs_reauthorization', 'QuickBooks revoked this connection’s authorization: nothing syncs until the merchant re-authorizes it (a resync is remembered for when it resumes).');
  }
}
