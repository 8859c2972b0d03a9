/** `ops resync` and `ops sync`: the API's connection commands, refused by the same rules, reported for an operator. */
import { createConnectionCommands, type ConnectionCommands } from '../../connections/commands.js';
import { ConnectionCommandError } from '../../connections/errors.js';
import type { OperatorContext } from '../../connections/operator-views.js';
import type { ConnectionWorkflows } from '../../connections/workflow-client.js';
import { getConnection, type Connection } from '../../db/queries/connections.js';
import { workflowIdForConnection, type QuickBooksEntity } from '../../shared/contract.js';
import { createLogger } from '../../shared/logger.js';
import { OpsError } from './args.js';

export interface OpsContext extends OperatorContext {
  /** The same workflow client the API uses (signals, the status query). */
  workflows: ConnectionWorkflows;
}

export interface SignalReceipt {
  connectionId: string;
  workflowId: string;
  signal: 'resync' | 'syncNow';
  args: Record<string, unknown>;
}

const silentLogger = createLogger({ level: 'silent' });

async function command(context: OpsContext, connectionId: string, run: (commands: ConnectionCommands, connection: Connection) => Promise<void>): Promise<void> {
  const connection = await getConnection(context.db, connectionId);
  if (!connection) throw new OpsError('not_found', `no connection ${connectionId}`);
  try {
    await run(createConnectionCommands({ db: context.db, workflows: context.workflows, logger: silentLogger }), connection);
  } catch (error) {
    if (error instanceof ConnectionCommandError) throw new OpsError('refused', `connection ${connectionId}: ${error.message}`);
    throw error;
  }
}

/** Re-pull everything changed since `since` (for the named entities, or all): signals `resync`. */
export async function requestResync(context: OpsContext, connectionId: string, args: { since: string; entities?: QuickBooksEntity[] | undefined }): Promise<SignalReceipt> {
  const signalArgs = { since: args.since, ...(args.entities ? { entities: args.entities } : {}) };
  await command(context, connectionId, (commands, connection) => commands.resync(connection, signalArgs));
  return { connectionId, workflowId: workflowIdForConnection(connectionId), signal: 'resync', args: signalArgs };
}

/** Sync now instead of at the next interval: signals `syncNow`. */
export async function requestSync(context: OpsContext, connectionId: string, reason: string): Promise<SignalReceipt> {
  await command(context, connectionId, (commands, connection) => commands.syncNow(connection, reason));
  return { connectionId, workflowId: workflowIdForConnection(connectionId), signal: 'syncNow', args: { reason } };
}
