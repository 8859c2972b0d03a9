/**
 * What an operator reads about connections: the list by status, and one connection whole — its row,
 * its workflow as Temporal describes it and as it answers the `status` query, and its recent sync runs.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Database } from '../db/client.js';
import { getConnection, listConnectionsByStatus, type Connection } from '../db/queries/connections.js';
import { listSyncRuns, type SyncRun } from '../db/queries/sync-runs.js';
import { workflowIdForConnection, type ConnectionStatus } from '../shared/contract.js';
import { SEARCH_ATTRIBUTE_KEYS } from '../shared/search-attributes.js';
import type { ConnectionStatusView } from '../shared/workflow-payloads.js';
import { statusQuery } from '../workflows/messages.js';

export interface OperatorContext {
  db: Database;
  client: Client;
  /** Deadline for each Temporal call (a query waits for a worker to answer). */
  temporalTimeoutMs?: number;
}

function withDeadline<T>(context: OperatorContext, call: () => Promise<T>): Promise<T> {
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

export async function listConnections(context: Pick<OperatorContext, 'db'>, options: { status?: ConnectionStatus | undefined; limit: number }): Promise<ConnectionListItem[]> {
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
  /** The static summary it was started with (what it is: merchant, company, realm), when it has one. */
  summary: string | null;
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

async function workflowView(context: OperatorContext, connectionId: string): Promise<WorkflowView> {
  const workflowId = workflowIdForConnection(connectionId);
  const handle = context.client.workflow.getHandle(workflowId);
  const view: WorkflowView = { workflowId, runId: null, executionStatus: null, historyLength: null, taskQueue: null, startTime: null, searchAttributes: {}, summary: null, view: null, problem: null };
  try {
    const description = await withDeadline(context, () => handle.describe());
    view.runId = description.runId;
    view.executionStatus = description.status.name;
    view.historyLength = description.historyLength;
    view.taskQueue = description.taskQueue;
    view.startTime = description.startTime.toISOString();
    view.summary = (await description.staticSummary()) ?? null;
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

/** One connection whole; undefined when there is no such connection. */
export async function connectionStatusReport(context: OperatorContext, connectionId: string, options: { runs?: number } = {}): Promise<ConnectionStatusReport | undefined> {
  const connection = await getConnection(context.db, connectionId);
  if (!connection) return undefined;
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

