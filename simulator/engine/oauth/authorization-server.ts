/**
 * Intuit's authorization server as state: single-use authorization codes, grants (one per consent of an
 * app to a company), refresh tokens whose value changes about daily (each new value with a fresh 100-day
 * lifetime, an unchanged one counting down) and short-lived access tokens. Pure logic over the
 * simulator clock and RNG; the HTTP layer turns its results into Intuit's exact responses.
 *
 * A grant is (app, realm, consent). It dies when revoked, when the user disconnects the app inside
 * QuickBooks, or when its authorization code is exchanged a second time; a new consent creates a new
 * grant and leaves earlier ones alone.
 */
import type { GrantStatus, IssuedSecret, SimulatorConfig } from '../../types.js';
import type { SimulatorClock } from '../clock.js';
import type { Rng } from '../rng.js';
import type { AccessCheck, AccessTokenRecord, AuthorizationCode, AuthorizationServerState, Grant, IssuedTokens, TokenGrantResult } from './grants.js';
import { newAccessTokenValue, newAuthorizationCodeValue, newRefreshTokenValue } from './token-values.js';

const DAY_MS = 86_400_000;

const INVALID_REFRESH_TOKEN = 'Incorrect or invalid refresh token';
/** Issued values remembered for `GET /__simulator/tokens` (oldest forgotten first); enough for any test or benchmark run. */
const ISSUED_SECRETS_CAPACITY = 200_000;

export class AuthorizationServer {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly grants = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  /** Every refresh-token value still worth recognising (current and superseded) → grant id. */
  private readonly refreshTokenIndex = new Map<string, string>();
  private nextGrantNumber = 1;
  /** Every code and token value handed out since start (in memory only), for leak scans in tests. */
  private issued: IssuedSecret[] = [];

  constructor(
    private readonly clock: SimulatorClock,
    private readonly config: () => SimulatorConfig,
    private readonly rng: Rng,
  ) {}

  issueCode(request: { clientId: string; redirectUri: string; realmId: string; scope: string }): string {
    const now = this.clock.now();
    this.pruneCodes(now);
    const code = newAuthorizationCodeValue(this.rng, now);
    this.codes.set(code, { ...request, code, issuedAt: now, expiresAt: now + this.config().authorizationCodeTtlSeconds * 1000 });
    this.remember({ kind: 'authorization_code', value: code, clientId: request.clientId, realmId: request.realmId }, now);
    return code;
  }

  exchangeCode(clientId: string, code: string | undefined, redirectUri: string | undefined): TokenGrantResult {
    if (!code) return { ok: false, failure: { error: 'invalid_request', description: 'code is required' } };
    if (!redirectUri) return { ok: false, failure: { error: 'invalid_request', description: 'redirect_uri is required' } };
    const record = this.codes.get(code);
    const now = this.clock.now();
    if (!record || record.clientId !== clientId) return { ok: false, failure: { error: 'invalid_grant' } };
    if (record.grantId !== undefined) {
      // Intuit: exchanging a code twice "would invalidate the token for that auth code" (oauth-jsclient#173).
      this.endGrant(record.grantId, 'code_reused', now);
      return { ok: false, failure: { error: 'invalid_grant' } };
    }
    if (now >= record.expiresAt || record.redirectUri !== redirectUri) return { ok: false, failure: { error: 'invalid_grant' } };

    const config = this.config();
    const refreshToken = newRefreshTokenValue(this.rng, now);
    const hardExpiresAt = now + config.refreshTokenHardTtlSeconds * 1000;
    const grant: Grant = {
      id: `grant-${this.nextGrantNumber++}`,
      clientId,
      realmId: record.realmId,
      scope: record.scope,
      createdAt: now,
      hardExpiresAt,
      status: 'active',
      refreshToken,
      refreshTokenIssuedAt: now,
      refreshTokenExpiresAt: Math.min(now + config.refreshTokenTtlSeconds * 1000, hardExpiresAt),
      superseded: [],
      refreshes: 0,
    };
    record.grantId = grant.id;
    this.grants.set(grant.id, grant);
    this.refreshTokenIndex.set(refreshToken, grant.id);
    this.remember({ kind: 'refresh_token', value: refreshToken, clientId, realmId: grant.realmId, grantId: grant.id }, now);
    return { ok: true, tokens: this.issueAccessToken(grant, now) };
  }

  refresh(clientId: string, refreshToken: string | undefined): TokenGrantResult {
    if (!refreshToken) return { ok: false, failure: { error: 'invalid_request', description: 'refresh_token is required' } };
    const now = this.clock.now();
    const config = this.config();
    const grant = this.grantForRefreshToken(refreshToken);
    if (!grant || grant.clientId !== clientId || grant.status !== 'active') {
      return { ok: false, failure: { error: 'invalid_grant', description: INVALID_REFRESH_TOKEN } };
    }
    if (refreshToken !== grant.refreshToken) {
      const superseded = grant.superseded.find((entry) => entry.value === refreshToken);
      const graceMs = config.supersededRefreshTokenGraceSeconds * 1000;
      if (!superseded || now - superseded.supersededAt >= graceMs) {
        return { ok: false, failure: { error: 'invalid_grant', description: INVALID_REFRESH_TOKEN } };
      }
    }
    if (now >= grant.refreshTokenExpiresAt || now >= grant.hardExpiresAt) {
      return { ok: false, failure: { error: 'invalid_grant', description: 'Token expired' } };
    }

    // Intuit hands back the same value (its lifetime counting down) until the value is about a day old;
    // only a new value starts a new rolling lifetime.
    const rotate = config.refreshTokenRotation === 'every_refresh' || now - grant.refreshTokenIssuedAt >= DAY_MS;
    if (rotate) {
      grant.superseded.push({ value: grant.refreshToken, supersededAt: now });
      grant.refreshToken = newRefreshTokenValue(this.rng, now);
      grant.refreshTokenIssuedAt = now;
      grant.refreshTokenExpiresAt = Math.min(now + config.refreshTokenTtlSeconds * 1000, grant.hardExpiresAt);
      this.refreshTokenIndex.set(grant.refreshToken, grant.id);
      this.remember({ kind: 'refresh_token', value: grant.refreshToken, clientId, realmId: grant.realmId, grantId: grant.id }, now);
    }
    this.pruneSuperseded(grant, now);
    grant.refreshes += 1;
    return { ok: true, tokens: this.issueAccessToken(grant, now) };
  }

  /**
   * Revokes the grant a refresh or access token belongs to. A token of a grant that has already ended
   * (revoked, disconnected…) is `already_ended`, which Intuit answers with a 400; a token the server
   * never issued (or has forgotten) is ignored, as RFC 7009 asks.
   */
  revoke(clientId: string, token: string): 'revoked' | 'already_ended' | 'unknown' {
    const grantId = this.refreshTokenIndex.get(token) ?? this.accessTokens.get(token)?.grantId;
    const grant = grantId === undefined ? undefined : this.grants.get(grantId);
    if (!grant || grant.clientId !== clientId) return 'unknown';
    if (grant.status !== 'active') return 'already_ended';
    this.endGrant(grant.id, 'revoked', this.clock.now());
    return 'revoked';
  }

  /** The user disconnected the app(s) inside QuickBooks: every live grant for the realm dies. */
  disconnectRealm(realmId: string, clientId?: string): Grant[] {
    const now = this.clock.now();
    const ended: Grant[] = [];
    for (const grant of this.grants.values()) {
      if (grant.realmId !== realmId || grant.status !== 'active') continue;
      if (clientId !== undefined && grant.clientId !== clientId) continue;
      this.endGrant(grant.id, 'disconnected', now);
      ended.push(grant);
    }
    return ended;
  }

  checkAccessToken(token: string | undefined): AccessCheck {
    if (!token) return { ok: false, reason: 'missing' };
    if (token.length < 20 || token.length > 4096) return { ok: false, reason: 'malformed' };
    const record = this.accessTokens.get(token);
    const grant = record && this.grants.get(record.grantId);
    if (!record || !grant || grant.status !== 'active') return { ok: false, reason: 'invalid' };
    if (this.clock.now() >= record.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, grant };
  }

  grantStatus(grant: Grant, now = this.clock.now()): GrantStatus {
    if (grant.status !== 'active') return grant.status;
    return now >= grant.refreshTokenExpiresAt || now >= grant.hardExpiresAt ? 'expired' : 'active';
  }

  listGrants(): Grant[] {
    return [...this.grants.values()];
  }

  /** Every authorization code, access token and refresh token value issued since this process started, oldest first. */
  issuedSecrets(): IssuedSecret[] {
    return [...this.issued];
  }

  toState(): AuthorizationServerState {
    return {
      nextGrantNumber: this.nextGrantNumber,
      codes: [...this.codes.values()],
      grants: [...this.grants.values()],
      accessTokens: [...this.accessTokens.entries()],
    };
  }

  restore(state: AuthorizationServerState): void {
    this.nextGrantNumber = state.nextGrantNumber;
    for (const code of state.codes) this.codes.set(code.code, code);
    for (const grant of state.grants) {
      this.grants.set(grant.id, grant);
      this.refreshTokenIndex.set(grant.refreshToken, grant.id);
      for (const entry of grant.superseded) this.refreshTokenIndex.set(entry.value, grant.id);
    }
    for (const [value, record] of state.accessTokens) this.accessTokens.set(value, record);
  }

  private grantForRefreshToken(value: string): Grant | undefined {
    const grantId = this.refreshTokenIndex.get(value);
    return grantId === undefined ? undefined : this.grants.get(grantId);
  }

  private issueAccessToken(grant: Grant, now: number): IssuedTokens {
    const config = this.config();
    this.pruneAccessTokens(now);
    const accessToken = newAccessTokenValue(this.rng);
    this.accessTokens.set(accessToken, { grantId: grant.id, expiresAt: now + config.accessTokenTtlSeconds * 1000 });
    this.remember({ kind: 'access_token', value: accessToken, clientId: grant.clientId, realmId: grant.realmId, grantId: grant.id }, now);
    return {
      grant,
      accessToken,
      accessTokenExpiresIn: config.accessTokenTtlSeconds,
      refreshToken: grant.refreshToken,
      refreshTokenExpiresIn: Math.max(0, Math.round((grant.refreshTokenExpiresAt - now) / 1000)),
      hardExpiresIn: Math.max(0, Math.round((grant.hardExpiresAt - now) / 1000)),
    };
  }

  private remember(secret: Omit<IssuedSecret, 'issuedAt'>, now: number): void {
    this.issued.push({ ...secret, issuedAt: new Date(now).toISOString() });
    if (this.issued.length > ISSUED_SECRETS_CAPACITY) this.issued = this.issued.slice(-ISSUED_SECRETS_CAPACITY);
  }

  private endGrant(grantId: string, status: Exclude<Grant['status'], 'active'>, now: number): void {
    const grant = this.grants.get(grantId);
    if (!grant || grant.status !== 'active') return;
    grant.status = status;
    grant.endedAt = now;
  }

  /** Superseded values that no grace period can honour any more are forgotten (they then read as unknown). */
  private pruneSuperseded(grant: Grant, now: number): void {
    const graceMs = this.config().supersededRefreshTokenGraceSeconds * 1000;
    // Keep a day's worth beyond the grace so that a later, longer grace setting still behaves sensibly.
    const keep = grant.superseded.filter((entry) => now - entry.supersededAt < graceMs + DAY_MS);
    for (const entry of grant.superseded) {
      if (!keep.includes(entry)) this.refreshTokenIndex.delete(entry.value);
    }
    grant.superseded = keep;
  }

  private pruneAccessTokens(now: number): void {
    if (this.accessTokens.size < 1000) return;
    for (const [value, record] of this.accessTokens) {
      if (now - record.expiresAt > DAY_MS) this.accessTokens.delete(value);
    }
  }

  private pruneCodes(now: number): void {
    if (this.codes.size < 1000) return;
    for (const [value, record] of this.codes) {
      if (now - record.expiresAt > DAY_MS) this.codes.delete(value);
    }
  }
}
