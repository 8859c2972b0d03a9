/**
 * The API's dependencies from the validated configuration: what `npm run api` and the `npm start`
 * launcher both serve, so the two cannot drift apart.
 */
import { Client, type Connection } from '@temporalio/client';
import type { Registry } from 'prom-client';
import type { Database } from '../db/client.js';
import { createAccountingApi } from '../quickbooks/accounting-api.js';
import { createIntuitOAuth } from '../quickbooks/oauth.js';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { createTokenSealer } from '../shared/seal.js';
import type { AppDeps } from './deps.js';

export function buildAppDeps(params: { config: Config; db: Database; temporalConnection: Connection; logger: Logger; metricsRegistry: Registry }): AppDeps {
  const { config, logger } = params;
  return {
    db: params.db,
    temporal: { client: new Client({ connection: params.temporalConnection, namespace: config.temporal.namespace }), taskQueue: config.temporal.taskQueue },
    sealer: createTokenSealer(config.tokenEncryptionKeys!),
    oauth: createIntuitOAuth({
      clientId: config.intuit.clientId!,
      clientSecret: config.intuit.clientSecret!,
      redirectUri: config.intuit.redirectUri,
      environment: config.intuit.environment,
      endpoints: config.intuit.endpoints,
      logger,
    }),
    realmProof: createAccountingApi({ baseUrl: config.intuit.endpoints.accountingApi, logger }),
    config: {
      publicBaseUrl: config.publicBaseUrl,
      adminApiKey: config.adminApiKey!,
      webhookVerifierToken: config.intuit.webhookVerifierToken,
      syncIntervalMs: config.syncIntervalMs,
      dashboardPath: '/',
      trustedProxyHops: config.trustedProxyHops,
    },
    logger,
    metricsRegistry: params.metricsRegistry,
  };
}
