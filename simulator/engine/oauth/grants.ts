/**
 * What Intuit's authorization server keeps and answers: authorization codes, grants (one per consent of
 * an app to a company) with their refresh tokens, issued access tokens, and the results of its grants.
 */
export interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  realmId: string;
  scope: string;
  issuedAt: number;
  expiresAt: number;
  /** Set by the first successful exchange; a second exchange then kills this grant. */
  grantId?: string;
}

export interface Grant {
  id: string;
  clientId: string;
  realmId: string;
  scope: string;
  createdAt: number;
  hardExpiresAt: number;
  status: 'active' | 'revoked' | 'disconnected' | 'code_reused';
  endedAt?: number;
  refreshToken: string;
  refreshTokenIssuedAt: number;
  refreshTokenExpiresAt: number;
  /** Earlier refresh-token values and when they were superseded (kept only while a grace period could still honour them). */
  superseded: { value: string; supersededAt: number }[];
  refreshes: number;
}

export interface AccessTokenRecord {
  grantId: string;
  expiresAt: number;
}

export interface IssuedTokens {
  grant: Grant;
  accessToken: string;
  accessTokenExpiresIn: number;
  refreshToken: string;
  refreshTokenExpiresIn: number;
  hardExpiresIn: number;
}

export type TokenGrantFailure =
  | { error: 'invalid_grant'; description?: string }
  | { error: 'invalid_request'; description: string };

export type TokenGrantResult = { ok: true; tokens: IssuedTokens } | { ok: false; failure: TokenGrantFailure };

export type AccessCheck =
  | { ok: true; grant: Grant }
  | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'invalid' };

export interface AuthorizationServerState {
  nextGrantNumber: number;
  codes: AuthorizationCode[];
  grants: Grant[];
  accessTokens: [string, AccessTokenRecord][];
}
