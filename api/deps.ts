/**
 * What the HTTP API needs from the outside world. Everything is injected so that tests run the real
 * app against a real database, a real Temporal server and the QuickBooks simulator.
 */
import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import type { Database } from '../db/client.js';
import type { Logger } from '../shared/logger.js';
import type { TokenSealer } from '../shared/seal.js';
import type { AccountingApi } from '../quickbooks/accounting-api.js';
import type { IntuitOAuth } from '../quickbooks/oauth.js';

/**
 * The calls of the QuickBooks OAuth client that the API makes: the consent URL carrying our `state`,
 * the single-use code exchange (GrantInvalidError for a reused or invalid code), and revocation of
 * tokens a callback must not keep (a realm the tokens do not reach).
 */
export type AuthorizationClient = Pick<IntuitOAuth, 'authorizeUrl' | 'exchangeCode' | 'revoke'>;

/**
 * The Accounting API reads an OAuth callback makes with the tokens it just obtained: CompanyInfo (which
 * proves which company a grant reaches, api/oauth/prove-realm.ts, and names it), Preferences (its home
 * currency) and, on a first connect, count queries that size the first backfill (api/oauth/company-profile.ts).
 */
export type RealmProof = Pick<AccountingApi, 'companyInfo' | 'preferences' | 'count'>;

/** Per-client-IP limits of the public (unauthenticated) endpoints, per minute. */
export interface PublicRateLimits {
  oauthCallback: number;
  webhooks: number;
  intuitAppUrls: number;
  session: number;
}

export interface AppConfig {
  /** Where the API is reachable from browsers (redirects, cookie `Secure` flag, same-origin checks). */
  publicBaseUrl: string;
  adminApiKey: string;
  /** INTUIT_WEBHOOK_VERIFIER_TOKEN; without it every webhook is refused (503). */
  webhookVerifierToken: string | undefined;
  syncIntervalMs: number;
  /** Where a browser lands after authorizing, e.g. `/` (the dashboard). */
  dashboardPath: string;
  /** Reverse proxies we run in front of the API; the client IP is then the one the outermost appended to X-Forwarded-For. Default 0 (header ignored). */
  trustedProxyHops?: number;
  rateLimits?: Partial<PublicRateLimits>;
}

export interface AppDeps {
  db: Database;
  temporal: { client: Client; taskQueue: string };
  sealer: TokenSealer;
  oauth: AuthorizationClient;
  /**
   * Reads the company with a callback's new tokens: proves, on a first connect, that they reach the
   * company the callback names, and learns its name, country, home currency and size. `npm run api`
   * and `npm start` always wire it; without it (some tests) a first connect records the callback's
   * realm unproven and the company stays unnamed.
   */
  realmProof?: RealmProof;
  config: AppConfig;
  logger: Logger;
  clock?: () => Date;
  /** Where the API's metrics are registered; a fresh registry per app when omitted. */
  metricsRegistry?: Registry;
}
