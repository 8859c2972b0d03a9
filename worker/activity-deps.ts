/** Builds the activities' dependencies from the validated configuration. */
import type { ActivityDeps } from '../activities/deps.js';
import type { Database } from '../db/client.js';
import { createAccountingApi } from '../quickbooks/accounting-api.js';
import { createIntuitOAuth } from '../quickbooks/oauth.js';
import { createRealmRateLimiter } from '../quickbooks/rate-limiter.js';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { createTokenSealer } from '../shared/seal.js';

export function buildActivityDeps(config: Config, db: Database, logger: Logger): ActivityDeps {
  const { intuit } = config;
  if (!intuit.clientId || !intuit.clientSecret || !config.tokenEncryptionKeys) {
    throw new Error('the worker needs INTUIT_CLIENT_ID, INTUIT_CLIENT_SECRET and TOKEN_ENCRYPTION_KEYS');
  }
  return {
    db,
    logger,
    sealer: createTokenSealer(config.tokenEncryptionKeys),
    oauth: createIntuitOAuth({
      clientId: intuit.clientId,
      clientSecret: intuit.clientSecret,
      redirectUri: intuit.redirectUri,
      environment: intuit.environment,
      endpoints: intuit.endpoints,
      logger,
    }),
    api: createAccountingApi({ baseUrl: intuit.endpoints.accountingApi, limiter: createRealmRateLimiter({}), logger }),
  };
}
