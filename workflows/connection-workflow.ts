/**
 * One long-running workflow per QuickBooks connection (workflow id `quickbooks-connection-<id>`).
 *
 * It backfills every entity, then pulls changes every SYNC_INTERVAL (or at once on `syncNow`). When
 * QuickBooks revokes the grant it marks the connection `needs_reauthorization`, tells the merchant, and
 * parks on a condition — no timer that touches QuickBooks, no history growth — until `tokensIssued`
 * brings fresh tokens; then it continues from the exact checkpoint, catching up on everything that
 * changed meanwhile. Tokens never enter this code in plaintext: signals carry them sealed and the
 * activities keep them.
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
import type { PullChangesResult } from '../activities/pull-changes.js';
import { QUICKBOOKS_ENTITIES, type ConnectionStatus, type QuickBooksEntity, type SyncPhase } from '../shared/contract.js';
import { FailureType } from '../shared/failure-types.js';
import { connectionStatusKey, merchantIdKey, needsReauthorizationSinceKey, realmIdKey } from '../shared/search-attributes.js';
import {
  bookkeeping,
  disconnectSignal,
  incrementalPulls,
  merchantWebhooks,
  quickbooksPulls,
  resyncSignal,
  statusQuery,
  syncNowSignal,
  tokenCalls,
  tokenStorage,
  tokensIssuedSignal,
} from './definitions.js';
import { addCounts, errorView, failureType, initialState, newPass, remainingEntities, rewindPass, statusView } from './state.js';
import type { CarriedState, ConnectionWorkflowInput, PullPass } from './types.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Refresh the access token when it has less than this left (Intuit's tokens last an hour). */
const ACCESS_TOKEN_MARGIN_MS = 5 * MINUTE;
/** An incremental pull this recent is small: run it as a local activity (see activity-groups.ts). */
const SMALL_PULL_MS = 60 * MINUTE;
/** Entities paged at the same time during a pass; Intuit allows 10 concurrent requests per company. */
const PASS_LANES = 3;
/** Reminders while parked, counted from the start of the episode. */
const REMINDERS = [
  { key: '1d', afterMs: DAY, text: 'a day' },
  { key: '7d', afterMs: 7 * DAY, text: 'a week' },
];
/** Warn the merchant this long before Intuit's five-year refresh-token cap ends the grant. */
const HARD_EXPIRY_NOTICE_MS = 30 * DAY;
/** Waits after consecutive failed cycles (the status stays `active`: trouble is not revocation). */
const FAILURE_BACKOFF_MS = [1, 2, 5, 10, 15].map((minutes) => minutes * MINUTE);

type StepOutcome = 'ok' | 'revoked' | 'failed' | 'stopped';

export async function quickBooksConnectionWorkflow(input: ConnectionWorkflowInput): Promise<void> {
  await new ConnectionSync(input).run();
}

class ConnectionSync {
  private readonly state: CarriedState;
  private phase: SyncPhase = 'idle';
  /** A refresh in flight, shared by every lane that needs one (one writer of tokens). */
  private refreshing: Promise<StepOutcome> | null = null;
  /** Merchant webhook deliveries still retrying; continue-as-new waits until none are left. */
  private readonly deliveries = new Set<Promise<unknown>>();

  constructor(private readonly input: ConnectionWorkflowInput) {
    this.state = input.carried ?? initialState();
  }

  private get connectionId(): string {
    return this.input.connectionId;
  }

  async run(): Promise<void> {
    this.installHandlers();
    if (!this.input.carried) await this.restoreCheckpoint();
    this.ensureMerchantAttribute();

    for (;;) {
      const inbox = this.state.inbox;
      if (inbox.disconnectRequested) return this.disconnect();
      if (inbox.tokens.length > 0) {
        await this.acceptTokens(inbox.tokens.shift()!);
        continue;
      }
      if (this.state.status !== 'active') {
        await this.waitForAuthorization();
        continue;
      }

      const outcome = await this.syncOnce();
      if (outcome === 'revoked') continue;
      this.state.failures = outcome === 'failed' ? this.state.failures + 1 : 0;
      await this.maybeContinueAsNew();
      if (outcome !== 'failed' && this.hasWorkNow()) continue;
      await this.waitForNextCycle();
    }
  }

  // MARK: messages

  private installHandlers(): void {
    const inbox = this.state.inbox;
    setHandler(tokensIssuedSignal, (signal) => void inbox.tokens.push({ realmId: signal.realmId, sealedTokens: signal.sealedTokens }));
    setHandler(syncNowSignal, () => void (inbox.syncRequested = true));
    setHandler(resyncSignal, (signal) => void inbox.resync.push({ since: signal.since, entities: signal.entities }));
    setHandler(disconnectSignal, () => void (inbox.disconnectRequested = true));
    setHandler(statusQuery, () => statusView(this.state, this.state.status === 'needs_reauthorization' ? 'waiting_for_reauthorization' : this.phase));
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

  // MARK: authorization

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

  private async acceptTokens(tokens: { realmId: string; sealedTokens: string }): Promise<void> {
    if (this.state.realmId && tokens.realmId !== this.state.realmId) {
      log.warn('tokens for another QuickBooks company refused', { connectionId: this.connectionId, expected: this.state.realmId, received: tokens.realmId });
      return;
    }
    // Histories recorded before this patch stored tokens with a (remote) activity; they replay that way.
    const store = patched('accept-tokens-as-local-activity') ? tokenStorage : tokenCalls;
    try {
      this.state.tokenTimes = await store.acceptTokens.executeWithOptions({ summary: `store new tokens for QuickBooks company ${tokens.realmId}` }, [
        { connectionId: this.connectionId, realmId: tokens.realmId, sealedTokens: tokens.sealedTokens },
      ]);
    } catch (error) {
      const type = failureType(error);
      if (type === FailureType.ConnectionGone) {
        this.state.inbox.disconnectRequested = true;
        return;
      }
      // Refused tokens (another company, undecryptable) leave the connection exactly as it was.
      log.warn('tokens refused', { connectionId: this.connectionId, type });
      return;
    }
    const resumed = this.state.status === 'needs_reauthorization';
    this.state.realmId = tokens.realmId;
    this.state.waitingSince = null;
    this.state.lastError = null;
    this.state.failures = 0;
    this.setStatus('active');
    if (resumed) {
      log.info('re-authorized: resuming from the checkpoint', { connectionId: this.connectionId });
      this.state.inbox.syncRequested = true;
    }
  }

  /** Until the merchant authorizes (or re-authorizes): no polling, no history, reminders aside. */
  private async waitForAuthorization(): Promise<void> {
    const arrived = () => this.state.inbox.tokens.length > 0 || this.state.inbox.disconnectRequested;
    this.phase = this.state.status === 'needs_reauthorization' ? 'waiting_for_reauthorization' : 'idle';
    if (this.state.status === 'needs_reauthorization' && this.state.waitingSince) {
      const since = this.state.waitingSince;
      setCurrentDetails(`Waiting for the merchant to re-authorize QuickBooks (since ${since}).`);
      for (const reminder of REMINDERS) {
        const episode = `${since}:reminder-${reminder.key}`;
        if (this.state.announced.includes(episode)) continue;
        const dueInMs = Date.parse(since) + reminder.afterMs - Date.now();
        if (dueInMs > 0 && (await condition(arrived, dueInMs, { summary: `wait for re-authorization (reminder after ${reminder.text})` }))) return;
        if (arrived()) return;
        await bookkeeping.notifyMerchant.executeWithOptions({ summary: `remind the merchant after ${reminder.text}` }, [{
          connectionId: this.connectionId,
          merchantId: this.input.merchantId,
          kind: 'reauthorization_reminder',
          episodeKey: episode,
          message: `QuickBooks has been waiting for re-authorization for ${reminder.text}. Syncing stays paused until you re-authorize under Data Sources → QuickBooks ⋯ → Re-authorize.`,
        }]);
        this.state.announced.push(episode);
      }
    } else {
      setCurrentDetails('Waiting for the merchant to authorize QuickBooks.');
    }
    await condition(arrived);
  }

  /** QuickBooks revoked the grant: park here, say so everywhere once, and tell the merchant. */
  private async park(reason: string, error: unknown): Promise<void> {
    const since = new Date().toISOString();
    this.state.waitingSince = since;
    this.state.lastError = errorView(error, since);
    this.setStatus('needs_reauthorization', since);
    this.phase = 'waiting_for_reauthorization';
    const { notificationId } = await bookkeeping.markNeedsReauthorization.executeWithOptions({ summary: 'mark the connection needs re-authorization and notify the merchant' }, [
      { connectionId: this.connectionId, merchantId: this.input.merchantId, since, reason, error: this.state.lastError },
    ]);
    this.track(merchantWebhooks.deliverNotificationWebhook.executeWithOptions({ summary: "post the notice to the merchant's webhook URL" }, [{ notificationId }]));
  }

  private setStatus(status: ConnectionStatus, needsReauthorizationSince?: string): void {
    this.state.status = status;
    upsertSearchAttributes([
      { key: connectionStatusKey, value: status },
      ...(this.state.realmId ? [{ key: realmIdKey, value: this.state.realmId }] : []),
      { key: needsReauthorizationSinceKey, value: needsReauthorizationSince ? new Date(needsReauthorizationSince) : null },
    ]);
  }

  /** Refreshes the access token when it is close to expiry (or when `force`d after a 401). */
  private async freshAccessToken(force = false): Promise<StepOutcome> {
    const times = this.state.tokenTimes;
    if (!force && times && Date.parse(times.accessTokenExpiresAt) - Date.now() > ACCESS_TOKEN_MARGIN_MS) return 'ok';
    this.refreshing ??= (async (): Promise<StepOutcome> => {
      try {
        const why = force ? 'QuickBooks rejected the current one' : 'it expires soon';
        this.state.tokenTimes = await tokenCalls.refreshAccessToken.executeWithOptions({ summary: `refresh the access token (${why})` }, [{ connectionId: this.connectionId }]);
        return 'ok';
      } catch (error) {
        return this.classifyFailure(error, 'refreshing the access token');
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Decides what a failed activity means: revocation parks, anything else is recorded trouble. */
  private async classifyFailure(error: unknown, during: string): Promise<'revoked' | 'failed'> {
    const type = failureType(error);
    if (type === FailureType.GrantInvalid || type === FailureType.CredentialsMissing) {
      if (this.state.status === 'active') await this.park(`QuickBooks refused the authorization while ${during}`, error);
      return 'revoked';
    }
    this.state.lastError = errorView(error, new Date().toISOString());
    log.warn('sync step failed', { connectionId: this.connectionId, during, type, message: this.state.lastError.message });
    return 'failed';
  }

  /**
   * Runs a QuickBooks call with a fresh access token. A 401 earns one forced refresh and one more try;
   * a second 401 with a token just issued means the grant is gone.
   */
  private async withAccessToken<T>(during: string, call: () => Promise<T>): Promise<{ outcome: 'ok'; value: T } | { outcome: Exclude<StepOutcome, 'ok'> }> {
    const ready = await this.freshAccessToken();
    if (ready !== 'ok') return { outcome: ready };
    for (let attempt = 1; ; attempt++) {
      try {
        return { outcome: 'ok', value: await call() };
      } catch (error) {
        if (failureType(error) !== FailureType.AccessTokenRejected) return { outcome: await this.classifyFailure(error, during) };
        if (attempt > 1) {
          if (this.state.status === 'active') await this.park('QuickBooks rejected a freshly refreshed access token', error);
          return { outcome: 'revoked' };
        }
        const refreshed = await this.freshAccessToken(true);
        if (refreshed !== 'ok') return { outcome: refreshed };
      }
    }
  }

  // MARK: sync cycles

  private async syncOnce(): Promise<StepOutcome> {
    this.state.inbox.syncRequested = false;
    this.applyResyncRequests();
    await this.warnBeforeHardExpiry();
    const { checkpoint } = this.state;
    if (checkpoint.pass) return this.runPass(checkpoint.pass);
    if (checkpoint.changedSince === null) {
      checkpoint.pass = newPass('backfill', QUICKBOOKS_ENTITIES, null);
      return 'ok';
    }
    return this.pullIncremental(checkpoint.changedSince);
  }

  /** A resync re-pulls a window with a query pass (then reconciles deletions), whatever its age. */
  private applyResyncRequests(): void {
    const { inbox, checkpoint } = this.state;
    for (const request of inbox.resync.splice(0)) {
      const entities = request.entities?.length ? request.entities : [...QUICKBOOKS_ENTITIES];
      if (checkpoint.pass) rewindPass(checkpoint.pass, entities, request.since);
      else checkpoint.pass = newPass('resync', entities, request.since);
    }
  }

  private async pullIncremental(changedSince: string): Promise<StepOutcome> {
    this.phase = 'incremental';
    const cycle = ++this.state.cycle;
    const syncRun = { id: `${this.connectionId}:${cycle}`, kind: 'incremental' as const, workflowRunId: workflowInfo().runId };
    const startedAt = new Date().toISOString();
    const small = Date.now() - Date.parse(changedSince) < SMALL_PULL_MS;
    const pull = small ? incrementalPulls.pullChanges : quickbooksPulls.pullChanges;
    setCurrentDetails(`Pulling changes since ${changedSince}.`);
    const result = await this.withAccessToken('pulling changes', () =>
      pull.executeWithOptions({ summary: `pull changes since ${changedSince}` }, [{ connectionId: this.connectionId, changedSince, syncRun }]),
    );
    this.phase = 'idle';
    if (result.outcome !== 'ok') {
      await this.closeFailedRun(syncRun.id, startedAt, result.outcome);
      return result.outcome;
    }
    return this.applyChanges(result.value, changedSince);
  }

  private applyChanges(result: PullChangesResult, changedSince: string): StepOutcome {
    const { checkpoint } = this.state;
    if (result.outcome === 'outside_cdc_window') {
      // Away longer than CDC remembers: catch up with queries from the checkpoint, then reconcile deletions.
      checkpoint.pass = newPass('catch_up', QUICKBOOKS_ENTITIES, changedSince);
      return 'ok';
    }
    for (const counts of Object.values(result.counts)) this.state.recordsSynced += counts.upserted + counts.deleted;
    checkpoint.changedSince = result.nextChangedSince;
    if (result.overflowEntities.length > 0) checkpoint.pass = newPass('catch_up', result.overflowEntities, changedSince);
    this.state.lastSyncedAt = new Date().toISOString();
    this.state.lastError = null;
    return 'ok';
  }

  /**
   * Runs (or resumes) a query pass: up to PASS_LANES entities page concurrently, each page stored with
   * its cursor. Stops between pages for a disconnect, new tokens, a revocation or continue-as-new.
   */
  private async runPass(pass: PullPass): Promise<StepOutcome> {
    this.phase = 'backfilling';
    const run = await this.openRun(pass);
    const queue = remainingEntities(pass);
    let stop: StepOutcome | null = null;
    setCurrentDetails(`${pass.kind === 'backfill' ? 'Backfilling' : pass.kind === 'resync' ? 'Re-pulling' : 'Catching up on'} ${queue.join(', ')}`);

    const lane = async () => {
      for (let entity = queue.shift(); entity && !stop; entity = queue.shift()) {
        while (!stop && !pass.entities[entity]!.done) {
          const cursor = pass.entities[entity]!;
          const page = await this.withAccessToken(`fetching ${entity} page ${cursor.pages + 1}`, () =>
            quickbooksPulls.pullEntityPage.executeWithOptions({ summary: `fetch ${entity} page ${cursor.pages + 1}` }, [
              { connectionId: this.connectionId, entity, cursor, pageSize: this.input.pageSize },
            ]),
          );
          if (page.outcome !== 'ok') {
            stop ??= page.outcome;
            return;
          }
          const result = page.value;
          pass.entities[entity] = result.cursor;
          if (!pass.startedAtServerTime || Date.parse(result.serverTime) < Date.parse(pass.startedAtServerTime)) pass.startedAtServerTime = result.serverTime;
          this.state.recordsSynced += addCounts(run.counts, entity, result.counts);
          run.qboRequests += 1;
          if (this.interrupted() || this.continueAsNewDue()) stop ??= 'stopped';
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PASS_LANES, queue.length) }, lane));

    if (stop === 'revoked') return this.closeRun('needs_reauthorization', 'revoked');
    if (stop === 'failed') return this.closeRun('failed', 'failed');
    if (remainingEntities(pass).length > 0) return 'stopped';

    // Queries never return deleted transactions: after reading a window with them, compare Ids.
    if (pass.kind !== 'backfill') {
      for (const entity of Object.keys(pass.entities) as QuickBooksEntity[]) {
        const reconciled = await this.withAccessToken(`reconciling ${entity} deletions`, () =>
          quickbooksPulls.reconcileDeletions.executeWithOptions({ summary: `reconcile ${entity} deletions` }, [{ connectionId: this.connectionId, entity }]),
        );
        if (reconciled.outcome !== 'ok') return this.closeRun(reconciled.outcome === 'revoked' ? 'needs_reauthorization' : 'failed', reconciled.outcome);
        this.state.recordsSynced += addCounts(run.counts, entity, reconciled.value);
        run.qboRequests += reconciled.value.qboRequests;
      }
    }
    // A resync leaves the incremental position alone; a backfill or catch-up moves it to the pass's start.
    if (pass.kind !== 'resync' && pass.startedAtServerTime) this.state.checkpoint.changedSince = pass.startedAtServerTime;
    this.state.checkpoint.changedSince ??= pass.startedAtServerTime;
    this.state.checkpoint.pass = null;
    // What changed while the pass ran (or while the connection was parked) comes next, not in an interval.
    this.state.inbox.syncRequested = true;
    this.state.lastSyncedAt = new Date().toISOString();
    this.state.lastError = null;
    return this.closeRun('succeeded', 'ok');
  }

  private async openRun(pass: PullPass): Promise<NonNullable<CarriedState['openRun']>> {
    if (this.state.openRun) return this.state.openRun;
    const cycle = ++this.state.cycle;
    const kind = pass.kind;
    const run = { id: `${this.connectionId}:${cycle}`, kind, counts: {}, qboRequests: 0 } satisfies CarriedState['openRun'];
    this.state.openRun = run;
    await bookkeeping.beginSyncRun.executeWithOptions({ summary: `open ${kind} run ${run.id}` }, [{
      id: run.id,
      connectionId: this.connectionId,
      workflowRunId: workflowInfo().runId,
      kind,
      startedAt: new Date().toISOString(),
      phase: 'backfilling',
      checkpoint: this.state.checkpoint,
    }]);
    return run;
  }

  private async closeRun(outcome: 'succeeded' | 'failed' | 'needs_reauthorization', result: StepOutcome): Promise<StepOutcome> {
    const run = this.state.openRun;
    if (!run) return result;
    // A failed pass stays open: the next attempt continues it under the same audit row.
    if (outcome === 'failed') {
      await bookkeeping.recordProgress.executeWithOptions({ summary: `record the failure of run ${run.id}` }, [
        { connectionId: this.connectionId, lastError: this.state.lastError, checkpoint: this.state.checkpoint },
      ]);
      return result;
    }
    this.state.openRun = null;
    await bookkeeping.endSyncRun.executeWithOptions({ summary: `close run ${run.id}: ${outcome}` }, [{
      id: run.id,
      connectionId: this.connectionId,
      outcome,
      counts: run.counts,
      qboRequests: run.qboRequests,
      error: outcome === 'succeeded' ? null : this.state.lastError,
      finishedAt: new Date().toISOString(),
      checkpoint: this.state.checkpoint,
    }]);
    this.phase = 'idle';
    return result;
  }

  /** An incremental pull that failed: its audit row records why (a revocation's row is closed by the park). */
  private async closeFailedRun(id: string, startedAt: string, outcome: Exclude<StepOutcome, 'ok'>): Promise<void> {
    await bookkeeping.endSyncRun.executeWithOptions({ summary: `close run ${id}: ${outcome}` }, [{
      id,
      kind: 'incremental',
      startedAt,
      connectionId: this.connectionId,
      outcome: outcome === 'revoked' ? 'needs_reauthorization' : 'failed',
      counts: {},
      qboRequests: 0,
      error: this.state.lastError,
      finishedAt: new Date().toISOString(),
      checkpoint: this.state.checkpoint,
    }]);
    log.info('incremental pull did not complete', { connectionId: this.connectionId, outcome });
  }

  /** Intuit's five-year cap on a refresh token ends the grant however active it is: warn a month ahead, once. */
  private async warnBeforeHardExpiry(): Promise<void> {
    const hardExpiry = this.state.tokenTimes?.refreshTokenHardExpiresAt;
    if (!hardExpiry || Date.parse(hardExpiry) - Date.now() > HARD_EXPIRY_NOTICE_MS) return;
    const episode = `hard-expiry:${hardExpiry}`;
    if (this.state.announced.includes(episode)) return;
    await bookkeeping.notifyMerchant.executeWithOptions({ summary: 'warn the merchant before the five-year authorization limit' }, [{
      connectionId: this.connectionId,
      merchantId: this.input.merchantId,
      kind: 'refresh_token_expiring',
      episodeKey: episode,
      message: `QuickBooks' authorization for this connection ends on ${hardExpiry.slice(0, 10)} (Intuit's five-year limit). Re-authorize before then under Data Sources → QuickBooks ⋯ → Re-authorize to keep data flowing.`,
    }]);
    this.state.announced.push(episode);
  }

  private async waitForNextCycle(): Promise<void> {
    const { inbox } = this.state;
    const failures = this.state.failures;
    const waitMs = failures > 0 ? Math.min(FAILURE_BACKOFF_MS[Math.min(failures, FAILURE_BACKOFF_MS.length) - 1]!, this.input.syncIntervalMs) : this.input.syncIntervalMs;
    this.phase = 'idle';
    const next = new Date(Date.now() + waitMs).toISOString();
    const error = this.state.lastError;
    setCurrentDetails(
      failures > 0 && error
        ? `Backing off after ${failures} failed sync(s) until ${next}; last error ${error.type}${error.intuitTid ? ` (Intuit-Tid ${error.intuitTid})` : ''}.`
        : `Idle until ${next}; last synced ${this.state.lastSyncedAt ?? 'never'}; ${this.state.recordsSynced} records synced.`,
    );
    await condition(
      () => inbox.syncRequested || inbox.resync.length > 0 || inbox.tokens.length > 0 || inbox.disconnectRequested,
      waitMs,
      { summary: failures > 0 ? 'back off after a failed sync' : 'wait for the next sync' },
    );
  }

  // MARK: continue-as-new and disconnect

  private continueAsNewDue(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (this.input.continueAsNewAfterEvents !== undefined && info.historyLength >= this.input.continueAsNewAfterEvents);
  }

  /** Starts a fresh run carrying the whole state once history is long, when nothing is left in flight. */
  private async maybeContinueAsNew(): Promise<void> {
    if (!this.continueAsNewDue() || this.deliveries.size > 0) return;
    await condition(allHandlersFinished);
    await continueAsNew<typeof quickBooksConnectionWorkflow>({ ...this.input, carried: this.state });
  }

  private async disconnect(): Promise<void> {
    await tokenCalls.disconnectConnection.executeWithOptions({ summary: 'revoke the grant at Intuit and disconnect' }, [{ connectionId: this.connectionId }]);
    this.state.checkpoint.pass = null;
    this.setStatus('disconnected');
    this.phase = 'idle';
    log.info('disconnected', { connectionId: this.connectionId });
  }

  private track(work: Promise<unknown>): void {
    const settled: Promise<void> = work.then(
      () => void this.deliveries.delete(settled),
      (error: unknown) => {
        this.deliveries.delete(settled);
        log.warn('merchant webhook delivery gave up', { connectionId: this.connectionId, type: failureType(error) });
      },
    );
    this.deliveries.add(settled);
  }
}
