/**
 * The connection's grant as the workflow sees it: storing the tokens a callback delivered, keeping the
 * access token fresh (one refresh at a time, shared by every lane), and running QuickBooks calls with
 * it. Whatever QuickBooks answers comes back as an Outcome; noticing a revocation is this module's job,
 * parking is the loop's.
 */
import { log, patched } from '@temporalio/workflow';
import { FailureType } from '../shared/failure-types.js';
import type { TokensIssuedSignal, TokenTimes } from '../shared/workflow-payloads.js';
import { tokenCalls, tokenStorage } from './activity-groups.js';
import { ok, type Outcome, type Stop } from './outcome.js';
import { errorView, failureType, type CarriedState } from './state.js';

/** Refresh the access token when it has less than this left (Intuit's tokens last an hour). */
const ACCESS_TOKEN_MARGIN_MS = 5 * 60_000;

export type AcceptedTokens = { kind: 'accepted'; times: TokenTimes } | { kind: 'refused' } | { kind: 'connection_gone' };

export class Authorization {
  /** A refresh in flight, shared by every lane that needs one (one writer of tokens). */
  private refreshing: Promise<Outcome> | null = null;

  constructor(
    private readonly connectionId: string,
    private readonly state: CarriedState,
    /**
     * Histories recorded before 'park-from-the-loop' parked where the revocation was noticed, before the
     * rest of the step wound down; they replay through this. New runs park from the loop.
     */
    private readonly parkWhereNoticed: (stop: Extract<Stop, { kind: 'revoked' }>) => Promise<void>,
  ) {}

  /** Stores tokens an OAuth callback delivered; tokens for another company or an unreadable seal change nothing. */
  async accept(tokens: TokensIssuedSignal): Promise<AcceptedTokens> {
    if (this.state.realmId && tokens.realmId !== this.state.realmId) {
      log.warn('tokens for another QuickBooks company refused', { connectionId: this.connectionId, expected: this.state.realmId, received: tokens.realmId });
      return { kind: 'refused' };
    }
    // Histories recorded before this patch stored tokens with a (remote) activity; they replay that way.
    const store = patched('accept-tokens-as-local-activity') ? tokenStorage : tokenCalls;
    try {
      const times = await store.acceptTokens.executeWithOptions({ summary: `store new tokens for QuickBooks company ${tokens.realmId}` }, [
        { connectionId: this.connectionId, realmId: tokens.realmId, sealedTokens: tokens.sealedTokens },
      ]);
      return { kind: 'accepted', times };
    } catch (error) {
      const type = failureType(error);
      if (type === FailureType.ConnectionGone) return { kind: 'connection_gone' };
      log.warn('tokens refused', { connectionId: this.connectionId, type });
      return { kind: 'refused' };
    }
  }

  /**
   * Runs a QuickBooks call with a fresh access token. A 401 earns one forced refresh and one more try;
   * a second 401 with a token just issued means the grant is gone.
   */
  async withAccessToken<T>(during: string, call: () => Promise<T>): Promise<Outcome<T>> {
    const ready = await this.freshAccessToken();
    if (ready.kind !== 'ok') return ready;
    for (let attempt = 1; ; attempt++) {
      try {
        return ok(await call());
      } catch (error) {
        if (failureType(error) !== FailureType.AccessTokenRejected) return this.notice(error, during);
        if (attempt > 1) return this.revoked('QuickBooks rejected a freshly refreshed access token', error);
        const refreshed = await this.freshAccessToken(true);
        if (refreshed.kind !== 'ok') return refreshed;
      }
    }
  }

  /** Refreshes the access token when it is close to expiry (or when `force`d after a 401). */
  private freshAccessToken(force = false): Promise<Outcome> {
    const times = this.state.tokenTimes;
    if (!force && times && Date.parse(times.accessTokenExpiresAt) - Date.now() > ACCESS_TOKEN_MARGIN_MS) return Promise.resolve(ok(undefined));
    this.refreshing ??= (async (): Promise<Outcome> => {
      try {
        const why = force ? 'QuickBooks rejected the current one' : 'it expires soon';
        this.state.tokenTimes = await tokenCalls.refreshAccessToken.executeWithOptions({ summary: `refresh the access token (${why})` }, [{ connectionId: this.connectionId }]);
        return ok(undefined);
      } catch (error) {
        return this.notice(error, 'refreshing the access token');
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** What a failed call means: a refused grant is a revocation; anything else is trouble to record. */
  private async notice(error: unknown, during: string): Promise<Stop> {
    const type = failureType(error);
    if (type === FailureType.GrantInvalid || type === FailureType.CredentialsMissing) return this.revoked(`QuickBooks refused the authorization while ${during}`, error);
    // A 403 used to be recorded and retried every cycle, forever; now it needs the merchant like a revocation.
    if (type === FailureType.AccessForbidden && patched('park-on-forbidden')) return this.revoked(`QuickBooks refused access to this company while ${during}`, error);
    const stop: Stop = { kind: 'failed', error: errorView(error, new Date().toISOString()) };
    this.state.lastError = stop.error;
    log.warn('sync step failed', { connectionId: this.connectionId, during, type, message: stop.error.message });
    return stop;
  }

  private async revoked(reason: string, error: unknown): Promise<Stop> {
    const stop = { kind: 'revoked', reason, error: errorView(error, new Date().toISOString()) } as const;
    if (this.state.status === 'active' && !patched('park-from-the-loop')) await this.parkWhereNoticed(stop);
    return stop;
  }
}
