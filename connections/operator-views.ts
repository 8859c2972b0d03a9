/**
 * What an operator asks of the sync engine, as typed functions over the database query functions and
 * the Temporal client: the same rules as the API's connection commands, without a merchant in the way.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Database } from '../db/client.js';
import { getConnection, listConnectionsByStatus, type Connection } from '../db/queries/connections.js';
import { listSyncRuns, type SyncRun } from '../db/queries/sync-runs.js';
import { createConnectionCommands, type ConnectionCommands } from './commands.js';
import { ConnectionCommandError } from './errors.js';
import type { ConnectionWorkflows } from './workflow-client.js';
import { QUICKBOOKS_ENTITIES, workflowIdForConnection, type ConnectionStatus, type QuickBooksEntity } from '../shared/contract.js';
import { createLogger } from '../shared/logger.js';
import { SEARCH_ATTRIBUTE_KEYS } from '../shared/search-attributes.js';
import { statusQuery } from '../workflows/messages.js';
import type { ConnectionStatusView } from '../shared/workflow-payloads.js';

/** Why a command could not do what was asked; `kind` decides the exit status. */
export class OpsError extends Error {
  override readonly name = 'OpsError';
  constructor(
    readonly kind: 'usage' | 'not_found' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

export interface OpsContext {
  db: Database;
  client: Client;
  /** The same workflow client the API uses (signals, the status query). */
  workflows: ConnectionWorkflows;
  /** Deadline for each Temporal call (a query waits for a worker to answer). */
  temporalTimeoutMs?: number;
}

const silentLogger = createLogger({ level: 'silent' });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WORKFLOW_PREFIX = workflowIdForConnection('');

/** A connection id, or its workflow id (`quickbooks-connection-<id>`), as an operator pastes it. */
export function parseConnectionId(value: string | undefined): string {
  if (!value) throw new OpsError('usage', 'a connection id is required');
  const id = value.startsWith(WORKFLOW_PREFIX) ? value.slice(WORKFLOW_PREFIX.length) : value;
  if (!UUID.test(id)) throw new OpsError('usage', `"${value}" is not a connection id (a UUID, or quickbooks-connection-<UUID>)`);
  return id.toLowerCase();
}

async function requireConnection(context: OpsContext, connectionId: string): Promise<Connection> {
  const connection = await getConnection(context.db, connectionId);
  if (!connection) throw new OpsError('not_found', `no connection ${connectionId}`);
  return connection;
}

function withDeadline<T>(context: OpsContext, call: () => Promise<T>): Promise<T> {
  return context.client.withDeadline(Date.now() + (context.temporalTimeoutMs ?? 5_000), call);
}

// MARK: list

export interface ConnectionListItem {
  id: string;
  merchantId: string;
  realmId: string | null;
  status: ConnectionStatus;
  phase: string | null;
  lastSyncedAt: string | null;
  needsReauthorizationSince: string | null;
  lastErrorType: string | null;
  updatedAt: string;
}

const iso = (value: Date | null | undefined) => (value ? value.toISOString() : null);

export async function listConnections(context: Pick<OpsContext, 'db'>, options: { status?: ConnectionStatus | undefined; limit: number }): Promise<ConnectionListItem[]> {
  const rows = await listConnectionsByStatus(context.db, { status: options.status, limit: options.limit });
  return rows.map((row) => ({
    id: row.id,
    merchantId: row.merchantId,
    realmId: row.realmId,
    status: row.status,
    phase: row.phase,
    lastSyncedAt: iso(row.lastSyncedAt),
    needsReauthorizationSince: iso(row.needsReauthorizationSince),
    lastErrorType: row.lastError?.type ?? null,
    updatedAt: row.updatedAt.toISOString(),
  }));
}

// MARK: status

export interface WorkflowView {
  workflowId: string;
  runId: string | null;
  /** RUNNING, COMPLETED, CONTINUED_AS_NEW… or null when Temporal has no such workflow. */
  executionStatus: string | null;
  historyLength: number | null;
  taskQueue: string | null;
  startTime: string | null;
  searchAttributes: Record<string, string | null>;
  /** The workflow's `status` query. */
  view: ConnectionStatusView | null;
  /** Why the query (or describe) gave no answer: no worker, not found… */
  problem: string | null;
}

export interface SyncRunItem {
  id: string;
  kind: string;
  outcome: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  counts: SyncRun['counts'];
  qboRequests: number;
  errorType: string | null;
  errorMessage: string | null;
  intuitTid: string | null;
}

export interface ConnectionStatusReport {
  connection: {
    id: string;
    merchantId: string;
    realmId: string | null;
    status: ConnectionStatus;
    statusReason: string | null;
    phase: string | null;
    lastSyncedAt: string | null;
    needsReauthorizationSince: string | null;
    lastError: Connection['lastError'];
    createdAt: string;
    updatedAt: string;
    disconnectedAt: string | null;
  };
  workflow: WorkflowView;
  syncRuns: SyncRunItem[];
}

function syncRunItem(run: SyncRun): SyncRunItem {
  return {
    id: run.id,
    kind: run.kind,
    outcome: run.outcome,
    startedAt: run.startedAt.toISOString(),
    finishedAt: iso(run.finishedAt),
    durationMs: run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    counts: run.counts,
    qboRequests: run.qboRequests,
    errorType: run.errorType,
    errorMessage: run.errorMessage,
    intuitTid: run.intuitTid,
  };
}

async function workflowView(context: OpsContext, connectionId: string): Promise<WorkflowView> {
  const workflowId = workflowIdForConnection(connectionId);
  const handle = context.client.workflow.getHandle(workflowId);
  const view: WorkflowView = { workflowId, runId: null, executionStatus: null, historyLength: null, taskQueue: null, startTime: null, searchAttributes: {}, view: null, problem: null };
  try {
    const description = await withDeadline(context, () => handle.describe());
    view.runId = description.runId;
    view.executionStatus = description.status.name;
    view.historyLength = description.historyLength;
    view.taskQueue = description.taskQueue;
    view.startTime = description.startTime.toISOString();
    for (const key of SEARCH_ATTRIBUTE_KEYS) {
      const value = description.typedSearchAttributes.get(key);
      view.searchAttributes[key.name] = value instanceof Date ? value.toISOString() : (value ?? null);
    }
  } catch (error) {
    view.problem = error instanceof WorkflowNotFoundError ? 'Temporal has no workflow for this connection (never authorized?)' : `describe failed: ${(error as Error).message}`;
    return view;
  }
  try {
    view.view = await withDeadline(context, () => handle.query(statusQuery));
  } catch (error) {
    view.problem = `the status query got no answer (is a worker polling ${view.taskQueue}?): ${(error as Error).message.split('\n')[0]}`;
  }
  return view;
}

export async function connectionStatus(context: OpsContext, connectionId: string, options: { runs?: number } = {}): Promise<ConnectionStatusReport> {
  const connection = await requireConnection(context, connectionId);
  const [workflow, runs] = await Promise.all([workflowView(context, connectionId), listSyncRuns(context.db, { connectionId, limit: options.runs ?? 10 })]);
  return {
    connection: {
      id: connection.id,
      merchantId: connection.merchantId,
      realmId: connection.realmId,
      status: connection.status,
      statusReason: connection.statusReason,
      phase: connection.phase,
      lastSyncedAt: iso(connection.lastSyncedAt),
      needsReauthorizationSince: iso(connection.needsReauthorizationSince),
      lastError: connection.lastError,
      createdAt: connection.createdAt.toISOString(),
      updatedAt: connection.updatedAt.toISOString(),
      disconnectedAt: iso(connection.disconnectedAt),
    },
    workflow,
    syncRuns: runs.map(syncRunItem),
  };
}

// MARK: signals

/** A connection command, refused the same way the API refuses it. */
async function command<T>(context: OpsContext, connectionId: string, run: (commands: ConnectionCommands, connection: Connection) => Promise<T>): Promise<T> {
  const connection = await requireConnection(context, connectionId);
  try {
    return await run(createConnectionCommands({ db: context.db, workflows: context.workflows, logger: silentLogger }), connection);
  } catch (error) {
    if (error instanceof ConnectionCommandError) throw new OpsError('refused', `connection ${connectionId}: ${error.message}`);
    throw error;
  }
}

/** `since` as an instant: ISO-8601 with a date, not in the future. */
export function parseSince(value: string | undefined, now = new Date()): string {
  if (!value) throw new OpsError('usage', '--since <ISO-8601 instant> is required, e.g. --since 2024-06-01T00:00:00Z');
  const instant = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(instant.getTime())) throw new OpsError('usage', `--since "${value}" is not an ISO-8601 date or instant (e.g. 2024-06-01 or 2024-06-01T00:00:00Z)`);
  if (instant.getTime() > now.getTime()) throw new OpsError('usage', `--since ${instant.toISOString()} is in the future`);
  return instant.toISOString();
}

/** `Invoice,Customer` (any case) as QuickBooks entity names; undefined means every entity. */
export function parseEntities(value: string | undefined): QuickBooksEntity[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new OpsError('usage', '--entities needs at least one entity');
  const entities = names.map((name) => {
    const entity = QUICKBOOKS_ENTITIES.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    if (!entity) throw new OpsError('usage', `unknown entity "${name}"; known: ${QUICKBOOKS_ENTITIES.join(', ')}`);
    return entity;
  });
  return [...new Set(entities)];
}

export interface SignalReceipt {
  connectionId: string;
  workflowId: string;
  signal: 'resync' | 'syncNow';
  args: Record<string, unknown>;
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
