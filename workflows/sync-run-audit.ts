/**
 * The audit row of every sync cycle (`sync_runs`), as the workflow keeps it. This module mints every
 * run id and decides every row: a pass's row is opened when the pass starts and closed when it ends
 * (a failed attempt leaves it open, so the retry continues under the same row); an incremental cycle's
 * row is written once, complete, when the cycle ends — by the pull itself in the transaction that
 * stored its changes, or here when the cycle failed.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { QuickBooksEntity } from '../shared/contract.js';
import type { ConnectionErrorView, PullPass, RecordCounts } from '../shared/workflow-payloads.js';
import { bookkeeping } from './activity-groups.js';
import { syncRunOutcome, type Outcome, type Stop } from './outcome.js';
import { addCounts, type CarriedState, type OpenSyncRun } from './state.js';

export interface IncrementalRun {
  id: string;
  kind: 'incremental';
  workflowRunId: string;
  startedAt: string;
}

function errorOf(outcome: Outcome<unknown>): ConnectionErrorView | null {
  return outcome.kind === 'revoked' || outcome.kind === 'failed' ? outcome.error : null;
}

export class SyncRunAudit {
  constructor(
    private readonly connectionId: string,
    private readonly state: CarriedState,
  ) {}

  /** The next cycle's id: `<connectionId>:<cycle>`, unique and stable across retries and replays. */
  private nextId(): string {
    return `${this.connectionId}:${++this.state.cycle}`;
  }

  startIncremental(): IncrementalRun {
    return { id: this.nextId(), kind: 'incremental', workflowRunId: workflowInfo().runId, startedAt: new Date().toISOString() };
  }

  /** An incremental pull that did not complete: its row records why (a successful pull wrote its own). */
  async incrementalStopped(run: IncrementalRun, stop: Stop): Promise<void> {
    await bookkeeping.endSyncRun.executeWithOptions({ summary: `record ${run.id} as ${syncRunOutcome(stop)}` }, [{
      id: run.id,
      connectionId: this.connectionId,
      workflowRunId: run.workflowRunId,
      kind: run.kind,
      startedAt: run.startedAt,
      outcome: syncRunOutcome(stop),
      counts: {},
      qboRequests: 0,
      error: errorOf(stop),
      finishedAt: new Date().toISOString(),
    }]);
  }

  /** The open row of a pass: the one carried over from an earlier attempt or run, or a new one. */
  async openPass(pass: PullPass): Promise<OpenSyncRun> {
    if (this.state.openRun) return this.state.openRun;
    const run: OpenSyncRun = { id: this.nextId(), kind: pass.kind, startedAt: new Date().toISOString(), counts: {}, qboRequests: 0 };
    this.state.openRun = run;
    await bookkeeping.beginSyncRun.executeWithOptions({ summary: `open ${run.kind} run ${run.id}` }, [{
      id: run.id,
      connectionId: this.connectionId,
      workflowRunId: workflowInfo().runId,
      kind: run.kind,
      startedAt: run.startedAt!,
    }]);
    return run;
  }

  /** Counts one step of the open pass (a page, a reconcile); returns how many records it changed. */
  count(entity: QuickBooksEntity, counts: RecordCounts, qboRequests: number): number {
    const run = this.state.openRun;
    if (!run) return counts.upserted + counts.deleted;
    run.qboRequests += qboRequests;
    return addCounts(run.counts, entity, counts);
  }

  /**
   * Ends the open pass's row with the pass's outcome. A failure does not close it: the pass is retried
   * after a backoff and continues under the same row; only its error is recorded meanwhile.
   */
  async endPass<T>(outcome: Outcome<T>): Promise<Outcome<T>> {
    const run = this.state.openRun;
    if (!run || outcome.kind === 'interrupted') return outcome;
    if (outcome.kind === 'failed') {
      await bookkeeping.recordProgress.executeWithOptions({ summary: `record the failure of run ${run.id}` }, [
        { connectionId: this.connectionId, lastError: outcome.error },
      ]);
      return outcome;
    }
    this.state.openRun = null;
    const finishedAt = new Date().toISOString();
    await bookkeeping.endSyncRun.executeWithOptions({ summary: `close ${run.kind} run ${run.id}: ${syncRunOutcome(outcome)}` }, [{
      id: run.id,
      connectionId: this.connectionId,
      workflowRunId: workflowInfo().runId,
      kind: run.kind,
      startedAt: run.startedAt ?? finishedAt,
      outcome: syncRunOutcome(outcome),
      counts: run.counts,
      qboRequests: run.qboRequests,
      error: errorOf(outcome),
      finishedAt,
    }]);
    return outcome;
  }
}
