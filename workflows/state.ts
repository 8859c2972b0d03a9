/**
 * What the connection workflow knows, carried whole through continue-as-new, and the pure helpers over
 * it: no I/O, no clock reads, safe to unit-test and to replay.
 */
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { initialCheckpoint } from '../shared/checkpoint.js';
import type { QuickBooksEntity, SyncPhase } from '../shared/contract.js';
import type {
  ConnectionErrorView,
  ConnectionStatusView,
  EntityCounts,
  RecordCounts,
  SyncRunKind,
  TokenTimes,
  TokensIssuedSignal,
} from '../shared/workflow-payloads.js';

/** A sync cycle whose audit row is open (a pass can span continue-as-new). */
export interface OpenSyncRun {
  id: string;
  kind: SyncRunKind;
  /** Absent in runs opened before the audit kept it (carried by older histories). */
  startedAt?: string;
  counts: EntityCounts;
  qboRequests: number;
}

/** What the status query shows (all but the phase, which is what the loop is doing), and the rest. */
export interface CarriedState extends Omit<ConnectionStatusView, 'phase'> {
  /** Sync cycles so far: the sequence number in every sync-run id. */
  cycle: number;
  /** Consecutive failed cycles: the workflow backs off longer after each. */
  failures: number;
  tokenTimes: TokenTimes | null;
  openRun: OpenSyncRun | null;
  /**
   * The interval the fleet's configuration (the workers' SYNC_INTERVAL) last gave, which replaces the
   * input's from then on; absent until a worker with SYNC_INTERVAL set has run an incremental pull.
   */
  syncIntervalMs?: number;
  /** Notification episodes already announced (reminders, refresh-token expiry), so a new run does not repeat them. */
  announced: string[];
  /** Signals received but not yet acted on. */
  inbox: {
    tokens: TokensIssuedSignal[];
    resync: { since: string; entities?: QuickBooksEntity[] }[];
    syncRequested: boolean;
    disconnectRequested: boolean;
  };
}

export function initialState(): CarriedState {
  return {
    status: 'pending_authorization',
    realmId: null,
    checkpoint: initialCheckpoint(),
    lastSyncedAt: null,
    lastError: null,
    waitingSince: null,
    recordsSynced: 0,
    cycle: 0,
    failures: 0,
    tokenTimes: null,
    openRun: null,
    announced: [],
    inbox: { tokens: [], resync: [], syncRequested: false, disconnectRequested: false },
  };
}

export function statusView(state: CarriedState, phase: SyncPhase): ConnectionStatusView {
  return {
    status: state.status,
    phase: state.status === 'needs_reauthorization' ? 'waiting_for_reauthorization' : phase,
    realmId: state.realmId,
    checkpoint: state.checkpoint,
    lastSyncedAt: state.lastSyncedAt,
    lastError: state.lastError,
    waitingSince: state.waitingSince,
    recordsSynced: state.recordsSynced,
  };
}

/** The failure type an activity ended with (`GrantInvalidError`…), or a timeout's name. */
export function failureType(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return cause.type ?? 'Error';
  if (cause instanceof TimeoutFailure) return `Timeout:${cause.timeoutType}`;
  return cause instanceof Error ? cause.name : 'Error';
}

/** What an operator and the merchant see of a failure: its type, message and Intuit-Tid, never a token. */
export function errorView(error: unknown, at: string): ConnectionErrorView {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { intuitTid?: string | null } | undefined) : undefined;
  return {
    type: failureType(error),
    message: cause instanceof Error ? cause.message : String(cause),
    intuitTid: details?.intuitTid ?? undefined,
    at,
  };
}

/** Adds one step's counts to a run's; returns how many records the step changed. */
export function addCounts(into: EntityCounts, entity: QuickBooksEntity, counts: RecordCounts): number {
  const total = (into[entity] ??= { upserted: 0, deleted: 0, skipped: 0 });
  total.upserted += counts.upserted;
  total.deleted += counts.deleted;
  total.skipped += counts.skipped;
  return counts.upserted + counts.deleted;
}
