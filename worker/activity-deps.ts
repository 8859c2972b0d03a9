/** Builds the activities' dependencies from the validated configuration. */
import type { Registry } from 'prom-client';
import type { ActivityDeps } from '../activities/deps.js';
import type { Database } from '../db/client.js';
import { createMailer } from '../activities/email/mailer.js';
import { createAccountingApi } from '../quickbooks/accounting-api.js';
import { createIntuitOAuth } from '../quickbooks/oauth.js';
import { createSharedRealmRateLimiter } from '../quickbooks/shared-rate-limiter.js';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { countConnectionsByStatus } from '../db/queries/connection-stats.js';
import { createSyncMetrics } from '../shared/metrics.js';
import { createTokenSealer } from '../shared/seal.js';

export interface ActivityDepsOptions {
  /**
   * Where the sync metrics are registered (`npm run worker` serves its own; `npm start` passes the API's,
   * so one `/metrics` shows both). Without it the activities record no metrics.
   */
  metricsRegistry?: Registry;
}

export function buildActivityDeps(config: Config, db: Database, logger: Logger, options: ActivityDepsOptions = {}): ActivityDeps {
  const { intuit } = config;
  if (!intuit.clientId || !intuit.clientSecret || !config.tokenEncryptionKeys) {
    throw new Error('the worker needs INTUIT_CLIENT_ID, INTUIT_CLIENT_SECRET and TOKEN_ENCRYPTION_KEYS');
  }
  const metrics = options.metricsRegistry ? createSyncMetrics({ registry: options.metricsRegistry, countConnections: () => countConnectionsByStatus(db), logger }) : undefined;
  return {
    db,
    logger,
    metrics,
    sealer: createTokenSealer(config.tokenEncryptionKeys),
    ...(config.syncIntervalSetMs === undefined ? {} : { syncIntervalMs: config.syncIntervalSetMs }),
    oauth: createIntuitOAuth({
      clientId: intuit.clientId,
      clientSecret: intuit.clientSecret,
      redirectUri: intuit.redirectUri,
      environment: intuit.environment,
      endpoints: intuit.endpoints,
      logger,
    }),
    ...(config.email.smtpUrl ? { email: { mailer: createMailer({ smtpUrl: config.email.smtpUrl, from: config.email.from }), publicBaseUrl: config.publicBaseUrl } } : {}),
    api: createAccountingApi({
      baseUrl: intuit.endpoints.accountingApi,
      // Intuit's per-company budget, kept in Postgres for every worker and API process together.
      limiter: createSharedRealmRateLimiter({ db, logger }),
      logger,
      onResponse: metrics ? (event) => metrics.observeQuickBooksResponse(event) : undefined,
    }),
  };
}
