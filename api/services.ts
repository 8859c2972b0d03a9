/** The injected dependencies with every default filled in: what route modules receive. */
import { createConnectionCommands, type ConnectionCommands } from '../connections/commands.js';
import { createConnectionWorkflows, type ConnectionWorkflows } from '../connections/workflow-client.js';
import { countConnectionsByStatus } from '../db/queries/connection-stats.js';
import { createApiMetrics, type ApiMetrics } from '../shared/metrics.js';
import type { AppConfig, AppDeps, PublicRateLimits } from './deps.js';

export const DEFAULT_RATE_LIMITS: PublicRateLimits = {
  oauthCallback: 30,
  // Intuit delivers every merchant's events from a handful of addresses: keep this one generous.
  webhooks: 1200,
  intuitAppUrls: 30,
  session: 20,
};

export interface ResolvedConfig extends Required<Omit<AppConfig, 'rateLimits' | 'webhookVerifierToken'>> {
  webhookVerifierToken: string | undefined;
  rateLimits: PublicRateLimits;
  /** The origin of publicBaseUrl, for same-origin checks on cookie-authenticated writes. */
  publicOrigin: string;
  /** Whether cookies get the Secure flag (the public URL is https). */
  secureCookies: boolean;
}

export interface AppServices extends Omit<AppDeps, 'config' | 'clock' | 'metricsRegistry'> {
  config: ResolvedConfig;
  clock: () => Date;
  metrics: ApiMetrics;
  /** Signals, queries and token delivery to connection workflows. */
  workflows: ConnectionWorkflows;
  /** Sync now, resync, disconnect: the rules every door shares. */
  connections: ConnectionCommands;
}

export function resolveServices(deps: AppDeps): AppServices {
  const publicUrl = new URL(deps.config.publicBaseUrl);
  const clock = deps.clock ?? (() => new Date());
  const workflows = createConnectionWorkflows({ client: deps.temporal.client, taskQueue: deps.temporal.taskQueue, logger: deps.logger, syncIntervalMs: deps.config.syncIntervalMs });
  return {
    db: deps.db,
    temporal: deps.temporal,
    sealer: deps.sealer,
    oauth: deps.oauth,
    ...(deps.realmProof ? { realmProof: deps.realmProof } : {}),
    logger: deps.logger,
    clock,
    workflows,
    connections: createConnectionCommands({ db: deps.db, workflows, logger: deps.logger, clock }),
    metrics: createApiMetrics({ countConnections: () => countConnectionsByStatus(deps.db), logger: deps.logger, registry: deps.metricsRegistry }),
    config: {
      publicBaseUrl: deps.config.publicBaseUrl.replace(/\/+$/, ''),
      adminApiKey: deps.config.adminApiKey,
      webhookVerifierToken: deps.config.webhookVerifierToken,
      syncIntervalMs: deps.config.syncIntervalMs,
      dashboardPath: deps.config.dashboardPath,
      trustedProxyHops: deps.config.trustedProxyHops ?? 0,
      rateLimits: { ...DEFAULT_RATE_LIMITS, ...deps.config.rateLimits },
      publicOrigin: publicUrl.origin,
      secureCookies: publicUrl.protocol === 'https:',
    },
  };
}
