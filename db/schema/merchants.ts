import { boolean, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, instant } from './columns.js';

export const merchants = pgTable('merchants', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  /** Where "needs attention" notices are POSTed, when the merchant configured one. */
  webhookUrl: text(),
  /** Where notices are emailed (once each), when the merchant gave one. */
  email: text(),
  /** The merchant's switch for notice emails; the notices themselves are written either way. */
  notificationEmails: boolean().notNull().default(true),
  createdAt: createdAt(),
});

/** API keys are shown once and stored only as a SHA-256 hash; the prefix lets a merchant tell keys apart. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid().primaryKey().defaultRandom(),
    merchantId: uuid().notNull().references(() => merchants.id, { onDelete: 'cascade' }),
    keyHash: text().notNull().unique(),
    keyPrefix: text().notNull(),
    createdAt: createdAt(),
    lastUsedAt: instant(),
    revokedAt: instant(),
  },
  (t) => [index().on(t.merchantId)],
);
