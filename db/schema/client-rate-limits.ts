import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';

/**
 * The public endpoints' per-client request windows (api/http/rate-limit.ts), shared by every API
 * replica so that N replicas behind a load balancer still allow the documented rate, not N times it.
 * One row per endpoint group and client address; rows of windows long over are swept now and then.
 */
export const clientRateLimitWindows = pgTable('client_rate_limit_windows', {
  /** `<endpoint group>:<client address>`. */
  key: text().primaryKey(),
  windowStartedAt: instant().notNull(),
  requests: integer().notNull(),
});
