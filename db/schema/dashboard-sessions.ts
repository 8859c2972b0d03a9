import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, instant } from './columns.js';
import { apiKeys, merchants } from './merchants.js';

/**
 * Browser sessions of the merchant dashboard (and of Intuit's Reconnect URL). The cookie carries a
 * random token; only its SHA-256 hash is stored, so a database leak yields no usable session and
 * a session can be ended server-side (logout, expiry) — the API key itself never reaches the browser.
 * A session lives no longer than the API key it was started with: revoking the key ends it too.
 */
export const dashboardSessions = pgTable(
  'dashboard_sessions',
  {
    id: uuid().primaryKey().defaultRandom(),
    tokenHash: text().notNull().unique(),
    merchantId: uuid().notNull().references(() => merchants.id, { onDelete: 'cascade' }),
    /** The key the merchant signed in with; null only for sessions started before keys could be revoked. */
    apiKeyId: uuid().references(() => apiKeys.id, { onDelete: 'cascade' }),
    expiresAt: instant().notNull(),
    revokedAt: instant(),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.merchantId)],
);
