/**
 * What the HTTP API needs from the outside world. Everything is injected so that tests run the real
 * app against a real database, a real Temporal server and the QuickBooks simulator.
 */
import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import type { Database } from '../db/client.js';
import type { Logger } from '../shared/logger.js';
import type { TokenSealer } from '../shared/seal.js';
import type { IntuitOAuth } from '../quickbooks/oauth.js';

/**
 * The two calls of the QuickBooks OAuth client that the API makes: the consent URL carrying our
 * `state`, and the single-use code exchange (GrantInvalidError for a reused or invalid code).
 */
export type AuthorizationClient = Pick<IntuitOAuth, 'authorizeUrl' | 'exchangeCode'>;

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
  config: AppConfig;
  logger: Logger;
  clock?: () => Date;
  /** Where the API's metrics are registered; a fresh registry per app when omitted. */
  metricsRegistry?: Registry;
}
