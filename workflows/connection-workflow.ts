/**
 * One long-running workflow per QuickBooks connection (workflow id `quickbooks-connection-<id>`).
 *
 * Its loop is the story: **sync** (backfill, then pull changes every SYNC_INTERVAL or at once on
 * `syncNow`); **notice** when QuickBooks revokes the grant; **park** at the checkpoint — status
 * `needs_reauthorization`, the merchant told, nothing polling QuickBooks, no history growing — until
 * `tokensIssued` brings fresh tokens; then **resume** from the exact checkpoint, catching up on
 * everything that changed meanwhile. Tokens never enter this code in plaintext: signals carry them
 * sealed and the activities keep them.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { newPass, rewindPass } from '../shared/checkpoint.js';
import { QUICKBOOKS_ENTITIES, type ConnectionStatus, type SyncPhase } from '../shared/contract.js';
import { connectionStatusKey, merchantIdKey, needsReauthorizationSinceKey, realmIdKey } from '../shared/search-attributes.js';
import type { ConnectionWorkflowInput, TokensIssuedSignal } from '../shared/workflow-payloads.js';
import { bookkeeping, tokenCalls } from './activity-groups.js';
import { Authorization } from './authorization.js';
import { pullIncremental } from './incremental-pull.js';
import { disconnectSignal, resyncSignal, statusQuery, syncNowSignal, tokensIssuedSignal } from './messages.js';
import { Notices } from './notices.js';
import { done, type Outcome, type Stop } from './outcome.js';
import { runQueryPass } from './query-pass.js';
import { initialState, statusView, type CarriedState } from './state.js';
import { SyncRunAudit } from './sync-run-audit.js';

const MINUTE = 60_000;
/** Waits after consecutive failed cycles (the status stays `active`: trouble is not revocation). */
const FAILURE_BACKOFF_MS = [1, 2, 5, 10, 15].map((minutes) => minutes * MINUTE);
/**
 * A run continues as new once its history holds this many events (about 80 idle cycles, 20 hours at 15
 * minutes: 6 events a cycle, 12 when it refreshes the token) rather than at Temporal's suggestion (4,096):
 * a worker that serves more connections than it caches replays a run's whole history at each cycle, and
 * 600 events keep that replay short for about one more workflow start a day (docs/scaling.md).
 */
const RUN_EVENTS_LIMIT = 600;
/** From this patch on, a run that reached its events limit continues as new when its next cycle is due, not before the wait. */
const RUNS_END_AT_CYCLE_START = 'continue-as-new-when-the-cycle-is-due';

export async function quickBooksConnectionWorkflow(input: ConnectionWorkflowInput): Promise<void> {
  await new ConnectionSync(input).run();
}

class ConnectionSync {
  private readonly state: CarriedState;
  private readonly connectionId: string;
  /** What the loop is doing right now, for the status query. */
  private phase: SyncPhase = 'idle';
  private readonly notices: Notices;
  private readonly audit: SyncRunAudit;
  private readonly authorization: Authorization;

  constructor(private readonly input: ConnectionWorkflowInput) {
    this.state = (input.carried as CarriedState | undefined) ?? initialState();
    this.connectionId = input.connectionId;
    this.notices = new Notices({ connectionId: input.connectionId, merchantId: input.merchantId }, this.state, input.noticeEmailRetry);
    this.audit = new SyncRunAudit(input.connectionId, this.state);
    this.authorization = new Authorization(input.connectionId, this.state, (stop) => this.park(stop));
  }

  async run(): Promise<void> {
    this.listen();
    if (!this.input.carried) await this.restoreCheckpoint();
    this.ensureMerchantAttribute();

    for (;;) {
      const { inbox } = this.state;
      if (inbox.disconnectRequested) return this.disconnect();
      const tokens = inbox.tokens.shift();
      if (tokens) {
        await this.resume(tokens);
        continue;
      }
      if (this.state.status !== 'active') {
        await this.waitForAuthorization();
        continue;
      }
      if (this.runIsLong()) await this.continueAsNewIfSettled();

      const outcome = await this.sync();
      if (outcome.kind === 'revoked') {
        await this.park(outcome);
        continue;
      }
      this.state.failures = outcome.kind === 'failed' ? this.state.failures + 1 : 0;
      await this.maybeContinueAsNew();
      if (outcome.kind !== 'failed' && this.hasWorkNow()) continue;
      await this.waitForNextCycle();
    }
  }

  // MARK: the story's steps

  /** One sync step: the pass in progress, the first backfill, or an incremental pull. */
  private async sync(): Promise<Outcome> {
    this.state.inbox.syncRequested = false;
    this.applyResyncRequests();
    await this.notices.warnBeforeHardExpiry();
    const { checkpoint } = this.state;
    const context = { connectionId: this.connectionId, state: this.state, authorization: this.authorization, audit: this.audit };
    if (checkpoint.pass) {
      const pass = checkpoint.pass;
      return this.during('backfilling', () => runQueryPass({ ...context, pageSize: this.input.pageSize, shouldYield: () => this.interrupted() || this.continueAsNewDue() }, pass));
    }
    if (checkpoint.changedSince === null) {
      this.state.checkpoint = { ...checkpoint, pass: newPass('backfill', QUICKBOOKS_ENTITIES, null) };
      return done;
    }
    const changedSince = checkpoint.changedSince;
    return this.during('incremental', () => pullIncremental(context, changedSince));
  }

  /** QuickBooks revoked the grant: park here, say so everywhere once, and tell the merchant. */
  private async park(stop: Extract<Stop, { kind: 'revoked' }>): Promise<void> {
    if (this.state.status !== 'active') return;
    const since = new Date().toISOString();
    this.state.waitingSince = since;
    this.state.lastError = stop.error;
    this.setStatus('needs_reauthorization', since);
    log.warn('QuickBooks revoked the authorization: parked at the checkpoint', { connectionId: this.connectionId, reason: stop.reason });
    await this.notices.needsAttention(since, stop);
  }

  /** Until the merchant authorizes (or re-authorizes): no polling, no history, reminders aside. */
  private async waitForAuthorization(): Promise<void> {
    const arrived = () => this.state.inbox.tokens.length > 0 || this.state.inbox.disconnectRequested;
    const since = this.state.waitingSince;
    if (this.state.status === 'needs_reauthorization' && since) {
      this.showDetails(`Waiting for the merchant to re-authorize QuickBooks (since ${since}).`);
      await this.notices.remindWhileWaiting(since, arrived);
    } else {
      this.showDetails('Waiting for the merchant to authorize QuickBooks.');
    }
    await condition(arrived);
  }

  /** Fresh tokens: the first authorization, or a re-authorization that resumes from the checkpoint. */
  private async resume(tokens: TokensIssuedSignal): Promise<void> {
    const accepted = await this.authorization.accept(tokens);
    if (accepted.kind === 'connection_gone') this.state.inbox.disconnectRequested = true;
    if (accepted.kind !== 'accepted') return;
    const wasParked = this.state.status === 'needs_reauthorization';
    const parkedSince = this.state.waitingSince;
    Object.assign(this.state, { tokenTimes: accepted.times, realmId: tokens.realmId, waitingSince: null, lastError: null, failures: 0 });
    this.setStatus('active');
    if (wasParked) {
      log.info('re-authorized: resuming from the checkpoint', { connectionId: this.connectionId });
      this.state.inbox.syncRequested = true;
      this.notices.resumed(parkedSince);
    }
  }

  // MARK: between cycles

  private async waitForNextCycle(): Promise<void> {
    const { inbox, failures, lastError } = this.state;
    const intervalMs = this.state.syncIntervalMs ?? this.input.syncIntervalMs;
    const waitMs = failures > 0 ? Math.min(FAILURE_BACKOFF_MS[Math.min(failures, FAILURE_BACKOFF_MS.length) - 1]!, intervalMs) : intervalMs;
    const next = new Date(Date.now() + waitMs).toISOString();
    this.showDetails(
      failures > 0 && lastError
        ? `Backing off after ${failures} failed sync(s) until ${next}; last error ${lastError.type}${lastError.intuitTid ? ` (Intuit-Tid ${lastError.intuitTid})` : ''}.`
        : `Idle until ${next}; last synced ${this.state.lastSyncedAt ?? 'never'}; ${this.state.recordsSynced} records synced.`,
    );
    await condition(
      () => inbox.syncRequested || inbox.resync.length > 0 || inbox.tokens.length > 0 || inbox.disconnectRequested,
      waitMs,
      { summary: failures > 0 ? 'back off after a failed sync' : 'wait for the next sync' },
    );
  }

  /** A resync re-pulls a window with a query pass (then reconciles deletions), whatever its age. */
  private applyResyncRequests(): void {
    for (const request of this.state.inbox.resync.splice(0)) {
      const entities = request.entities?.length ? request.entities : [...QUICKBOOKS_ENTITIES];
      const { pass } = this.state.checkpoint;
      this.state.checkpoint = { ...this.state.checkpoint, pass: pass ? rewindPass(pass, entities, request.since) : newPass('resync', entities, request.since) };
    }
  }

  /** Work that should not wait for the next interval: an unfinished pass, a resync, a sync request. */
  private hasWorkNow(): boolean {
    const { inbox, checkpoint } = this.state;
    return checkpoint.pass !== null || inbox.resync.length > 0 || inbox.syncRequested || inbox.tokens.length > 0 || inbox.disconnectRequested;
  }

  private interrupted(): boolean {
    const { inbox } = this.state;
    return inbox.disconnectRequested || inbox.tokens.length > 0;
  }

  /** Whether a pass should stop between pages so the run can continue as new (histories before the patch below). */
  private continueAsNewDue(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (this.input.continueAsNewAfterEvents !== undefined && info.historyLength >= this.input.continueAsNewAfterEvents);
  }

  /**
   * The run has reached its events limit (the input's, else RUN_EVENTS_LIMIT): it continues as new at the
   * top of the loop, so the cycle that is due runs first thing in the new run. `patched` is asked only
   * once the limit is reached, so runs that never reach it record nothing.
   */
  private runIsLong(): boolean {
    return workflowInfo().historyLength >= (this.input.continueAsNewAfterEvents ?? RUN_EVENTS_LIMIT) && patched(RUNS_END_AT_CYCLE_START);
  }

  /** After a cycle: Temporal's suggestion continues as new at once; an events limit waits for the next cycle (above). */
  private async maybeContinueAsNew(): Promise<void> {
    if (!this.continueAsNewDue()) return;
    if (!workflowInfo().continueAsNewSuggested && patched(RUNS_END_AT_CYCLE_START)) return;
    await this.continueAsNewIfSettled();
  }

  /** Starts a fresh run carrying the whole state, when nothing is left in flight. */
  private async continueAsNewIfSettled(): Promise<void> {
    if (this.notices.deliveriesPending) return;
    await condition(allHandlersFinished);
    await continueAsNew<typeof quickBooksConnectionWorkflow>({ ...this.input, carried: this.state });
  }

  // MARK: messages, status and lifecycle

  /** Current details of a long wait; a continued run has no static summary, so it repeats the first run's. */
  private showDetails(text: string): void {
    const { summary } = this.input;
    setCurrentDetails(summary && workflowInfo().continuedFromExecutionRunId ? `${text}\n\n${summary}` : text);
  }

  private listen(): void {
    const { inbox } = this.state;
    setHandler(tokensIssuedSignal, ({ realmId, sealedTokens }) => void inbox.tokens.push({ realmId, sealedTokens }));
    setHandler(syncNowSignal, () => void (inbox.syncRequested = true));
    setHandler(resyncSignal, ({ since, entities }) => void inbox.resync.push({ since, entities }));
    setHandler(disconnectSignal, () => void (inbox.disconnectRequested = true));
    setHandler(statusQuery, () => statusView(this.state, this.phase), {
      description: 'The connection as the workflow sees it: status, phase, checkpoint, last sync and last error.',
    });
  }

  /** Runs one step of the loop in `phase` (what the status query reports meanwhile). */
  private async during<T>(phase: SyncPhase, step: () => Promise<T>): Promise<T> {
    const previous = this.phase;
    this.phase = phase;
    try {
      return await step();
    } finally {
      this.phase = previous;
    }
  }

  /** A workflow started afresh for a connection that synced before resumes from the mirrored checkpoint. */
  private async restoreCheckpoint(): Promise<void> {
    const stored = await bookkeeping.loadCheckpoint.executeWithOptions({ summary: 'load the checkpoint this connection last mirrored' }, [{ connectionId: this.connectionId }]);
    if (stored.checkpoint) this.state.checkpoint = stored.checkpoint;
    this.state.realmId = stored.realmId;
  }

  private ensureMerchantAttribute(): void {
    if (workflowInfo().typedSearchAttributes.get(merchantIdKey) !== this.input.merchantId) {
      upsertSearchAttributes([{ key: merchantIdKey, value: this.input.merchantId }]);
    }
  }

  private setStatus(status: ConnectionStatus, needsReauthorizationSince?: string): void {
    this.state.status = status;
    upsertSearchAttributes([
      { key: connectionStatusKey, value: status },
      ...(this.state.realmId ? [{ key: realmIdKey, value: this.state.realmId }] : []),
      { key: needsReauthorizationSinceKey, value: needsReauthorizationSince ? new Date(needsReauthorizationSince) : null },
    ]);
  }

  private async disconnect(): Promise<void> {
    await tokenCalls.disconnectConnection.executeWithOptions({ summary: 'revoke the grant at Intuit and disconnect' }, [{ connectionId: this.connectionId }]);
    this.state.checkpoint = { ...this.state.checkpoint, pass: null };
    this.setStatus('disconnected');
    log.info('disconnected', { connectionId: this.connectionId });
  }
}
