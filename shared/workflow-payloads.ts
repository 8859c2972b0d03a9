/**
 * Everything that crosses the connection workflow's boundary: its input, the signals and the status
 * query that clients send and read, and the inputs and results of its activities. The workflow, the
 * activities, the API and the operator tools all import these types from here, so no layer has to
 * import another's code to agree on a shape. Types only: the workflow sandbox may import this module.
 */
import type { ConnectionStatus, NotificationKind, QuickBooksEntity, SyncPhase } from './contract.js';

// MARK: shared shapes

/** What an operator and the merchant see of a failure: its type, message and Intuit-Tid, never a token. */
export interface ConnectionErrorView {
  type: string;
  message: string;
  intuitTid?: string | undefined;
  at: string;
}

/** Per entity: objects written (created or updated), tombstoned, and skipped because ours was as new. */
export interface RecordCounts {
  upserted: number;
  deleted: number;
  skipped: number;
}

export type EntityCounts = Partial<Record<QuickBooksEntity, RecordCounts>>;

/** Expiry times of the stored tokens (never their values). */
export interface TokenTimes {
  accessTokenExpiresAt: string;
  refreshTokenExpiresAt: string;
  refreshTokenHardExpiresAt: string | null;
}

// MARK: the checkpoint

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
  /**
   * Exclusive upper bound on LastUpdatedTime: the cursor reads one segment of a split entity (see
   * `PullPass.segments`). Absent: open-ended, as every cursor was before entities were split.
   */
  before?: string;
}

export type PassKind = 'backfill' | 'resync' | 'catch_up';

/** A query-based pass over some entities: the initial backfill, a resync, or a catch-up past the CDC window. */
export interface PullPass {
  kind: PassKind;
  /** QuickBooks server time when the pass began: incremental CDC continues from here once it completes. */
  startedAtServerTime: string | null;
  entities: Partial<Record<QuickBooksEntity, EntityCursor>>;
  /**
   * A big entity's time range split into segments paged at the same time: `entities[entity]` is the
   * first segment (its `before` is where the next begins), these are the following ones in order, each
   * starting at its first watermark and ending before the next one's; the last is open-ended. Absent
   * (older passes, small entities): the entity is one cursor.
   */
  segments?: Partial<Record<QuickBooksEntity, EntityCursor[]>>;
}

/** Where a connection's sync stands; the workflow holds it, and the database mirrors it (shared/checkpoint.ts). */
export interface SyncCheckpoint {
  /** The pass in progress, if any; incremental CDC runs when there is none. */
  pass: PullPass | null;
  /** CDC resumes from this QuickBooks server time (`changedSince`); null until the first backfill completes. */
  changedSince: string | null;
}

// MARK: the workflow's input, messages and status

export interface ConnectionWorkflowInput {
  connectionId: string;
  merchantId: string;
  syncIntervalMs: number;
  /** Present after continue-as-new (the workflow's own state; see workflows/state.ts). */
  carried?: unknown;
  /** Records per query page; QuickBooks' maximum (1,000) unless a test wants many small pages. */
  pageSize?: number;
  /** Continue as new once history reaches this many events instead of the workflow's 600 (tests make runs short; the server's own suggestion always applies). */
  continueAsNewAfterEvents?: number;
  /** Test hook: a shorter retry policy for notice emails, so a test or fixture sees one give up in seconds (production: workflows/activity-groups.ts). */
  noticeEmailRetry?: NoticeEmailRetryOverride;
  /**
   * The static summary the first run was started with (`QuickBooks <company> · <merchant>`). Runs after
   * continue-as-new have no static summary (the SDK cannot set one there), so their current details repeat it.
   */
  summary?: string;
}

/** How a test shortens a notice email's delivery: this many attempts, the first retry after `initialIntervalMs`, each attempt given `attemptTimeoutMs`. */
export interface NoticeEmailRetryOverride {
  maximumAttempts: number;
  initialIntervalMs: number;
  attemptTimeoutMs: number;
}

/** Fresh tokens from the OAuth callback, sealed (AES-256-GCM): starts the workflow or resumes it. */
export interface TokensIssuedSignal {
  realmId: string;
  sealedTokens: string;
}
export interface SyncNowSignal {
  reason: string;
}
/** Re-pull everything changed since `since` (ISO-8601), for all entities or the named ones. */
export interface ResyncSignal {
  since: string;
  entities?: QuickBooksEntity[];
}

export interface ConnectionStatusView {
  status: ConnectionStatus;
  phase: SyncPhase;
  realmId: string | null;
  checkpoint: SyncCheckpoint;
  lastSyncedAt: string | null;
  lastError: ConnectionErrorView | null;
  waitingSince: string | null;
  recordsSynced: number;
}

// MARK: activity inputs and results

export interface AcceptTokensInput {
  connectionId: string;
  realmId: string;
  sealedTokens: string;
}

export interface PullEntityPageInput {
  connectionId: string;
  entity: QuickBooksEntity;
  /** Which segment of a split entity (0 or absent: `entities[entity]`; n: `segments[entity][n - 1]`). */
  segment?: number;
  /** The workflow's checkpoint when the page was asked for; its pass holds `entity`'s cursor. */
  checkpoint: SyncCheckpoint;
  pageSize?: number;
  /** Asked with one page of an unsplit entity (workflows/segment-lanes.ts SPLIT_WITH_PAGE): plan how to split the rest of its range into segments (`splitAt`). */
  split?: SplitRequest;
}

/** How finely a big entity is split: into at most `maxSegments`, each at least `pagesPerSegment` pages. */
export interface SplitRequest {
  maxSegments: number;
  pagesPerSegment: number;
}

export interface PullEntityPageResult {
  cursor: EntityCursor;
  counts: RecordCounts;
  fetched: number;
  /**
   * QuickBooks' clock when it answered, or earlier: the earliest server time of the pass's pages stored so
   * far, including pages of attempts whose result the workflow never saw. The pass's next CDC starts there.
   */
  serverTime: string;
  intuitTid: string | null;
  /** When a split was asked for and the entity is big: where the following segments begin (ISO, ascending, after `cursor.watermark`). */
  splitAt?: string[];
  /** Requests made to QuickBooks for this page, the split's count and probes included (absent: one). */
  qboRequests?: number;
}

export interface PullChangesInput {
  connectionId: string;
  changedSince: string;
  entities?: QuickBooksEntity[];
  /** The cycle's audit row, written with the changes when the pull succeeds. */
  syncRun?: { id: string; kind: 'incremental'; workflowRunId: string; startedAt?: string };
}

export type PullChangesResult =
  | {
      /** Where the next incremental pull starts. */
      nextChangedSince: string;
      counts: EntityCounts;
      fetched: number;
      qboRequests: number;
      /** Entities whose changes did not fit one CDC answer: a query pass must catch them up. */
      overflowEntities: QuickBooksEntity[];
      intuitTid: string | null;
    }
  /** `changedSince` is older than CDC remembers: only a query pass can catch up. */
  | { beyondCdcWindow: true; qboRequests: number };

export interface ReconcileDeletionsInput {
  connectionId: string;
  entity: QuickBooksEntity;
}

export type ReconcileDeletionsResult = RecordCounts & { qboRequests: number };

export type SyncRunKind = 'backfill' | 'incremental' | 'resync' | 'catch_up';
export type SyncRunOutcome = 'running' | 'succeeded' | 'failed' | 'needs_reauthorization';

export interface BeginSyncRunInput {
  id: string;
  connectionId: string;
  workflowRunId: string;
  kind: SyncRunKind;
  startedAt: string;
}

export interface EndSyncRunInput {
  id: string;
  connectionId: string;
  workflowRunId: string;
  kind: SyncRunKind;
  startedAt: string;
  outcome: Exclude<SyncRunOutcome, 'running'>;
  counts: EntityCounts;
  qboRequests: number;
  error: ConnectionErrorView | null;
  finishedAt: string;
}

/** A pass that failed stays open; this records why on the connection (its audit row closes when the pass does). */
export interface RecordProgressInput {
  connectionId: string;
  lastError: ConnectionErrorView | null;
}

export interface MarkNeedsReauthorizationInput {
  connectionId: string;
  merchantId: string;
  /** When the episode began (the workflow's clock); also the notification's episode key. */
  since: string;
  reason: string;
  error: ConnectionErrorView | null;
}

export interface NotifyMerchantInput {
  connectionId: string;
  merchantId: string;
  kind: NotificationKind;
  episodeKey: string;
  message: string;
  /** A notice that asks nothing of the merchant (e.g. `reauthorized`) is written already resolved. */
  resolved?: boolean;
}
