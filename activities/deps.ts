import type { Database } from '../db/client.js';
import type { AccountingApi } from '../quickbooks/accounting-api.js';
import type { IntuitOAuth } from '../quickbooks/oauth.js';
import type { Logger } from '../shared/logger.js';
import type { SyncMetrics } from '../shared/metrics.js';
import type { TokenSealer } from '../shared/seal.js';
import type { Mailer } from './email/mailer.js';

/** Everything the activities touch, injected by the worker (and by tests, with the real things). */
export interface ActivityDeps {
  db: Database;
  sealer: TokenSealer;
  oauth: IntuitOAuth;
  api: AccountingApi;
  logger: Logger;
  /** Posts "needs attention" notices to merchants' webhook URLs. */
  fetch?: typeof fetch;
  /** Our clock; tests leave it alone (QuickBooks' own clock comes back in every response). */
  now?: () => Date;
  /** Notice emails: the SMTP mailer and the dashboard's address for their links. Without it a notice's email is recorded as skipped. */
  email?: { mailer: Mailer; publicBaseUrl: string };
  /** Prometheus metrics (records, cycles, token refreshes); the worker sets them, tests may leave them out. */
  metrics?: SyncMetrics;
  /**
   * The worker's SYNC_INTERVAL when set: returned with every incremental pull, so a changed interval
   * reaches running connections at their next cycle (./sync-settings.ts). Unset, each keeps its own.
   */
  syncIntervalMs?: number;
}
