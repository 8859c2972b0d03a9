import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { ConnectionStatus, SyncPhase } from '../../shared/contract.js';
import type { ConnectionErrorView, SyncCheckpoint } from '../../shared/workflow-payloads.js';
import { createdAt, instant } from './columns.js';
import { merchants } from './merchants.js';

export const connections = pgTable(
  'connections',
  {
    id: uuid().primaryKey().defaultRandom(),
    merchantId: uuid().notNull().references(() => merchants.id, { onDelete: 'cascade' }),
    provider: text().notNull().default('quickbooks'),
    /** The QuickBooks company; recorded by the first authorization and never changed afterwards. */
    realmId: text(),
    /** QuickBooks' CompanyInfo, read after each authorization (null until then, or while QuickBooks would not tell). */
    companyName: text(),
    companyCountry: text(),
    homeCurrency: text(),
    /** The first backfill's size as QuickBooks counted it at connect (all entities), for its progress bar. */
    backfillEstimatedTotal: integer(),
    status: text().$type<ConnectionStatus>().notNull().default('pending_authorization'),
    statusReason: text(),
    phase: text().$type<SyncPhase>(),
    needsReauthorizationSince: instant(),
    lastSyncedAt: instant(),
    lastError: jsonb().$type<ConnectionErrorView>(),
    /** A mirror of the workflow's checkpoint (db/queries/checkpoints.ts); the workflow's own state is the truth. */
    checkpoint: jsonb().$type<SyncCheckpoint>(),
    createdAt: createdAt(),
    updatedAt: instant().notNull().defaultNow(),
    disconnectedAt: instant(),
  },
  (t) => [
    index().on(t.merchantId),
    index().on(t.realmId),
    // A merchant connects a QuickBooks company once; a disconnected connection frees the company.
    uniqueIndex('connections_merchant_realm_live').on(t.merchantId, t.realmId).where(sql`${t.realmId} is not null and ${t.status} <> 'disconnected'`),
    check('connections_status_valid', sql`${t.status} in ('pending_authorization', 'active', 'needs_reauthorization', 'disconnected')`),
  ],
);

/**
 * The connection's OAuth tokens, sealed (AES-256-GCM). Only the connection's workflow activities write
 * here after the first authorization, so two refreshes never race; `version` increases on every write.
 */
export const connectionCredentials = pgTable('connection_credentials', {
  connectionId: uuid().primaryKey().references(() => connections.id, { onDelete: 'cascade' }),
  sealedTokens: text().notNull(),
  keyId: text().notNull(),
  version: integer().notNull().default(1),
  accessTokenExpiresAt: instant().notNull(),
  refreshTokenExpiresAt: instant().notNull(),
  refreshTokenHardExpiresAt: instant(),
  updatedAt: instant().notNull().defaultNow(),
});

/** OAuth `state` values: random, stored hashed, bound to merchant + connection + purpose, single-use, short-lived. */
export const oauthStates = pgTable(
  'oauth_states',
  {
    id: uuid().primaryKey().defaultRandom(),
    stateHash: text().notNull().unique(),
    merchantId: uuid().notNull().references(() => merchants.id, { onDelete: 'cascade' }),
    connectionId: uuid().notNull().references(() => connections.id, { onDelete: 'cascade' }),
    purpose: text().$type<'connect' | 'reauthorize'>().notNull(),
    expiresAt: instant().notNull(),
    consumedAt: instant(),
    /** Hash of the authorization code exchanged with this state: a code is exchanged at most once. */
    codeHash: text().unique(),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.connectionId)],
);
