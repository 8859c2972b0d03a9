/** The connection workflow's input and the state it carries through continue-as-new. */
import type { ConnectionStatus, QuickBooksEntity } from '../shared/contract.js';
import type { ConnectionErrorView } from './definitions.js';

/**
 * Where a query pass over one entity stands. QuickBooks pages by `MetaData.LastUpdatedTime`, which has
 * one-second precision, and ties are common (bulk imports). So the position is the newest timestamp
 * stored plus which records at exactly that timestamp are stored (see activities/entity-cursor.ts).
 */
export interface EntityCursor {
  /** ISO instant of the newest LastUpdatedTime stored so far; null before the first page. */
  watermark: string | null;
  /** Ids stored at exactly `watermark`, while there are few (they are skipped, not re-written). */
  idsAtWatermark: string[];
  /** How many records at exactly `watermark` are stored. */
  countAtWatermark: number;
  /** True once a page came back short: the entity is caught up. */
  done: boolean;
  /** Pages fetched in this pass (for the operator: "fetch Invoice page 12"). */
  pages: number;
}

/** A query-based pass over some entities: the initial backfill, a resync, or a catch-up past the CDC window. */
export interface PullPass {
  kind: 'backfill' | 'resync' | 'catch_up';
  /** QuickBooks server time when the pass began: incremental CDC continues from here once it completes. */
  startedAtServerTime: string | null;
  entities: Partial<Record<QuickBooksEntity, EntityCursor>>;
}

export interface SyncCheckpoint {
  /** The pass in progress, if any; incremental CDC runs when there is none. */
  pass: PullPass | null;
  /** CDC resumes from this QuickBooks server time (`changedSince`); null until the first backfill completes. */
  changedSince: string | null;
}

/** A sync cycle whose audit row is open (a pass can span continue-as-new). */
export interface OpenSyncRun {
  id: string;
  kind: 'backfill' | 'incremental' | 'resync' | 'catch_up';
  counts: Record<string, { upserted: number; deleted: number; skipped: number }>;
  qboRequests: number;
}

/** Expiry times of the stored tokens (never their values). */
export interface TokenTimes {
  accessTokenExpiresAt: string;
  refreshTokenExpiresAt: string;
  refreshTokenHardExpiresAt: string | null;
}

/** Everything the workflow knows, carried whole through continue-as-new. */
export interface CarriedState {
  status: ConnectionStatus;
  realmId: string | null;
  checkpoint: SyncCheckpoint;
  lastSyncedAt: string | null;
  lastError: ConnectionErrorView | null;
  waitingSince: string | null;
  recordsSynced: number;
  cycle: number;
  /** Consecutive failed cycles: the workflow backs off longer after each. */
  failures: number;
  tokenTimes: TokenTimes | null;
  openRun: OpenSyncRun | null;
  /** Notification episodes already announced (reminders, refresh-token expiry), so a new run does not repeat them. */
  announced: string[];
  /** Signals received but not yet acted on. */
  inbox: {
    tokens: { realmId: string; sealedTokens: string }[];
    resync: { since: string; entities?: QuickBooksEntity[] }[];
    syncRequested: boolean;
    disconnectRequested: boolean;
  };
}

export interface ConnectionWorkflowInput {
  connectionId: string;
  merchantId: string;
  syncIntervalMs: number;
  /** Present after continue-as-new. */
  carried?: CarriedState;
  /** Records per query page; QuickBooks' maximum (1,000) unless a test wants many small pages. */
  pageSize?: number;
  /** Test hook: continue as new once history reaches this many events (the server's own suggestion always applies). */
  continueAsNewAfterEvents?: number;
}
