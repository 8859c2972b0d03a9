/** Pure helpers over the workflow's state: no I/O, no clock reads, safe to unit-test and to replay. */
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { QUICKBOOKS_ENTITIES, type QuickBooksEntity, type SyncPhase } from '../shared/contract.js';
import type { ConnectionErrorView, ConnectionStatusView } from './definitions.js';
import type { CarriedState, EntityCursor, PullPass } from './types.js';

export function initialState(): CarriedState {
  return {
    status: 'pending_authorization',
    realmId: null,
    checkpoint: { pass: null, changedSince: null },
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

export function cursorFrom(watermark: string | null): EntityCursor {
  return { watermark, idsAtWatermark: [], countAtWatermark: 0, done: false, pages: 0 };
}

/** A query pass over `entities`, each starting at `from` (null: from the beginning). */
export function newPass(kind: PullPass['kind'], entities: readonly QuickBooksEntity[], from: string | null): PullPass {
  return { kind, startedAtServerTime: null, entities: Object.fromEntries(entities.map((entity) => [entity, cursorFrom(from)])) };
}

/** Rewinds a running pass so the named entities are read again from `since` (a resync during a pass). */
export function rewindPass(pass: PullPass, entities: readonly QuickBooksEntity[], since: string): void {
  for (const entity of entities) {
    const cursor = pass.entities[entity];
    if (!cursor || cursor.watermark === null) {
      pass.entities[entity] ??= cursorFrom(since);
      continue;
    }
    if (cursor.done || Date.parse(cursor.watermark) > Date.parse(since)) pass.entities[entity] = cursorFrom(since);
  }
}

export function remainingEntities(pass: PullPass): QuickBooksEntity[] {
  return QUICKBOOKS_ENTITIES.filter((entity) => pass.entities[entity] && !pass.entities[entity]!.done);
}

export function statusView(state: CarriedState, phase: SyncPhase): ConnectionStatusView {
  return {
    status: state.status,
    phase,
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

export function addCounts(into: Record<string, { upserted: number; deleted: number; skipped: number }>, entity: string, counts: { upserted: number; deleted: number; skipped: number }): number {
  const total = (into[entity] ??= { upserted: 0, deleted: 0, skipped: 0 });
  total.upserted += counts.upserted;
  total.deleted += counts.deleted;
  total.skipped += counts.skipped;
  return counts.upserted + counts.deleted;
}
