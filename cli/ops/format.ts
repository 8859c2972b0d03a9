/** Human-readable output of the ops commands: aligned tables and short instants. */
import type { ConnectionListItem, ConnectionStatusReport, SyncRunItem } from '../../connections/operator-views.js';
import { entityProgress, type EntityProgress } from '../../shared/checkpoint.js';
import type { QuickBooksEntity } from '../../shared/contract.js';
import type { SyncCheckpoint } from '../../shared/workflow-payloads.js';
import type { SignalReceipt } from './signals.js';

/** `2024-06-01 12:30:05Z`, or `—`. */
export function instant(value: string | null | undefined): string {
  return value ? value.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') : '—';
}

export function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatList(items: readonly ConnectionListItem[]): string {
  if (items.length === 0) return 'No connections.';
  return table(
    ['CONNECTION', 'STATUS', 'PHASE', 'REALM', 'LAST SYNCED', 'PARKED SINCE', 'LAST ERROR', 'MERCHANT'],
    items.map((item) => [item.id, item.status, item.phase ?? '—', item.realmId ?? '—', instant(item.lastSyncedAt), instant(item.needsReauthorizationSince), item.lastErrorType ?? '—', item.merchantId]),
  );
}

function records(run: SyncRunItem): string {
  const parts = Object.entries(run.counts)
    .filter(([, counts]) => counts.upserted + counts.deleted + counts.skipped > 0)
    .map(([entity, counts]) => `${entity} ${counts.upserted}${counts.deleted ? `/-${counts.deleted}` : ''}${counts.skipped ? ` (${counts.skipped} skipped)` : ''}`);
  return parts.length > 0 ? parts.join(', ') : '—';
}

function checkpointLine(checkpoint: unknown): string {
  const value = checkpoint as SyncCheckpoint | null;
  if (!value) return '—';
  const parts = [`CDC from ${instant(value.changedSince ?? null)}`];
  const pass = value.pass;
  if (pass) {
    const entities = (Object.keys(pass.entities) as QuickBooksEntity[]).map((entity) => `${entity} ${entityLine(entityProgress(pass, entity))}`);
    parts.push(`${pass.kind} pass: ${entities.join(', ')}`);
  }
  return parts.join('; ');
}

/** One entity of a pass: its next page, or, split into time segments paged side by side, how many are done. */
function entityLine(progress: EntityProgress): string {
  if (progress.done) return 'done';
  if (progress.segments === 1) return `page ${progress.pages + 1} from ${instant(progress.watermark)}`;
  return `${progress.segmentsDone} of ${progress.segments} segments done (${progress.pages} pages)`;
}

export function formatStatus(report: ConnectionStatusReport): string {
  const { connection, workflow } = report;
  const lines: string[] = [];
  lines.push(`Connection ${connection.id}`);
  lines.push(`  merchant ${connection.merchantId}   QuickBooks company ${connection.realmId ?? '—'}   created ${instant(connection.createdAt)}`);
  lines.push('');
  lines.push('Database');
  lines.push(`  status        ${connection.status}${connection.statusReason ? ` (${connection.statusReason})` : ''}`);
  lines.push(`  phase         ${connection.phase ?? '—'}`);
  lines.push(`  last synced   ${instant(connection.lastSyncedAt)}`);
  if (connection.needsReauthorizationSince) lines.push(`  parked since  ${instant(connection.needsReauthorizationSince)}`);
  if (connection.disconnectedAt) lines.push(`  disconnected  ${instant(connection.disconnectedAt)}`);
  lines.push(`  last error    ${connection.lastError ? `${connection.lastError.type}: ${connection.lastError.message}${connection.lastError.intuitTid ? ` (Intuit-Tid ${connection.lastError.intuitTid})` : ''}` : '—'}`);
  lines.push('');
  lines.push(`Workflow ${workflow.workflowId}`);
  if (workflow.summary) lines.push(`  summary       ${workflow.summary}`);
  if (workflow.executionStatus) {
    lines.push(`  run           ${workflow.runId} (${workflow.executionStatus}, ${workflow.historyLength} events, started ${instant(workflow.startTime)}, task queue ${workflow.taskQueue})`);
    lines.push(`  attributes    ${Object.entries(workflow.searchAttributes).map(([name, value]) => `${name}=${value ?? '—'}`).join('  ')}`);
  }
  if (workflow.view) {
    const view = workflow.view;
    lines.push(`  status        ${view.status}   phase ${view.phase}   records synced ${view.recordsSynced}`);
    lines.push(`  last synced   ${instant(view.lastSyncedAt)}${view.waitingSince ? `   waiting since ${instant(view.waitingSince)}` : ''}`);
    lines.push(`  checkpoint    ${checkpointLine(view.checkpoint)}`);
    lines.push(`  last error    ${view.lastError ? `${view.lastError.type} at ${instant(view.lastError.at)}: ${view.lastError.message}` : '—'}`);
  }
  if (workflow.problem) lines.push(`  (${workflow.problem})`);
  if (workflow.executionStatus) lines.push(`  replay        npm run replay -- --workflow-id ${workflow.workflowId}   (does the current workflow code still replay it?)`);
  lines.push('');
  lines.push('Recent sync runs');
  if (report.syncRuns.length === 0) lines.push('  none');
  else {
    const rows = report.syncRuns.map((run) => [run.id.slice(run.id.lastIndexOf(':') + 1), run.kind, run.outcome, instant(run.startedAt), duration(run.durationMs), String(run.qboRequests), run.errorType ?? '—', run.intuitTid ?? '—', records(run)]);
    lines.push(
      table(['CYCLE', 'KIND', 'OUTCOME', 'STARTED', 'TOOK', 'REQUESTS', 'ERROR', 'INTUIT-TID', 'RECORDS (written/-deleted, skipped)'], rows)
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n'),
    );
  }
  return lines.join('\n');
}

export function formatReceipt(receipt: SignalReceipt): string {
  const args = Object.entries(receipt.args)
    .map(([name, value]) => `${name} ${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(', ');
  return `Signalled ${receipt.signal} (${args}) to ${receipt.workflowId}.`;
}
