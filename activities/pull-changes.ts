/**
 * An incremental pull through Change Data Capture: one CDC call for every entity, which is all an idle
 * cycle costs. When an answer reaches Intuit's 1,000-object cap, some changes may be missing from it, so
 * the pull asks again one entity at a time; an entity whose own answer still reaches the cap is left to
 * the workflow's catch-up (a query pass and a deletion reconcile from the old `changedSince`).
 */
import { saveCheckpoint } from '../db/queries/checkpoints.js';
import { updateSyncProgress } from '../db/queries/connections.js';
import { saveSyncRun } from '../db/queries/sync-runs.js';
import { PermanentQuickBooksError } from '../quickbooks/errors.js';
import { CDC_MAX_OBJECTS } from '../quickbooks/accounting-api.js';
import type { AnswerText } from '../quickbooks/types.js';
import { afterChanges } from '../shared/checkpoint.js';
import { QUICKBOOKS_ENTITIES, type QuickBooksEntity } from '../shared/contract.js';
import type { EntityCounts, PullChangesInput, PullChangesResult, RecordCounts } from '../shared/workflow-payloads.js';
import type { ActivityDeps } from './deps.js';
import { withFailureContext } from './failures.js';
import { whileHeartbeating } from './heartbeat.js';
import { storeAnswer } from './store-answer.js';
import { readAccessToken } from './tokens.js';

/** Intuit's CDC looks back 30 days; we stop using it a day earlier so clock skew cannot bite. */
export const CDC_WINDOW_MS = 29 * 24 * 3_600_000;
/**
 * The next pull starts this long before the server time of the previous answer, so a change committed
 * while that answer was being built is not missed. Re-reading it is harmless (newer-wins upsert).
 */
export const CHANGED_SINCE_OVERLAP_MS = 2 * 60_000;

function isLookbackRejection(error: unknown): boolean {
  return error instanceof PermanentQuickBooksError && error.status === 400 && /changedSince|days|lookback/i.test(error.message);
}

export function createPullChanges(deps: ActivityDeps) {
  const { db, api, logger } = deps;
  const now = deps.now ?? (() => new Date());

  /**
   * Stores a CDC answer in one transaction (Postgres unpacks it); with `storeBelow`, an answer holding at
   * least that many objects is not stored (it may be truncated, and is asked again per entity).
   */
  async function store(connectionId: string, answer: AnswerText, entities: readonly QuickBooksEntity[], counts: EntityCounts, storeBelow?: number) {
    const page = await db.transaction((tx) => storeAnswer(tx, answer, { connectionId, kind: 'cdc', entities: [...new Set(entities)], storeBelow }));
    // Counted once the transaction committed (a rolled-back one stored nothing).
    for (const [entity, outcome] of Object.entries(page.counts) as [QuickBooksEntity, RecordCounts][]) {
      const total = (counts[entity] ??= { upserted: 0, deleted: 0, skipped: 0 });
      total.upserted += outcome.upserted;
      total.deleted += outcome.deleted;
      total.skipped += outcome.skipped;
      deps.metrics?.countRecords(entity, outcome);
    }
    return page;
  }

  return async function pullChanges(input: PullChangesInput): Promise<PullChangesResult> {
    const { connectionId } = input;
    const entities = input.entities ?? [...QUICKBOOKS_ENTITIES];
    return withFailureContext({ connectionId, operation: `pull changes since ${input.changedSince}` }, () => whileHeartbeating(async () => {
      if (now().getTime() - Date.parse(input.changedSince) > CDC_WINDOW_MS) return { beyondCdcWindow: true, qboRequests: 0 };
      const startedAt = input.syncRun?.startedAt ? new Date(input.syncRun.startedAt) : now();
      const { accessToken, realmId } = await readAccessToken(deps, connectionId);
      const counts: EntityCounts = {};
      const overflowEntities: QuickBooksEntity[] = [];
      let qboRequests = 1;
      let first: AnswerText;
      try {
        first = await api.cdcText({ realmId, accessToken, entities, changedSince: input.changedSince });
      } catch (error) {
        // Our clock and QuickBooks' can disagree (or the simulator's was moved): trust Intuit's verdict.
        if (isLookbackRejection(error)) return { beyondCdcWindow: true, qboRequests };
        throw error;
      }
      let fetched = 0;
      const firstPage = await store(connectionId, first, entities, counts, CDC_MAX_OBJECTS);
      const serverTime = first.serverTime(firstPage.time);
      if (firstPage.stored) {
        fetched += firstPage.objectCount;
      } else {
        for (const entity of entities) {
          const answer = await api.cdcText({ realmId, accessToken, entities: [entity], changedSince: input.changedSince });
          qboRequests += 1;
          const page = await store(connectionId, answer, [entity], counts);
          fetched += page.objectCount;
          // Intuit lists active objects before deleted stubs and cuts a capped answer off in that order (or
          // in any order): what it left out may be older than anything it holds, so no position inside it
          // is safe to resume from. A query pass plus a deletion reconcile from the old position is.
          if (page.objectCount >= CDC_MAX_OBJECTS) overflowEntities.push(entity);
        }
      }

      const nextChangedSince = new Date(Math.max(Date.parse(input.changedSince), Date.parse(serverTime) - CHANGED_SINCE_OVERLAP_MS)).toISOString();
      const finishedAt = now();
      await db.transaction(async (tx) => {
        // The cycle's audit row is written once, here, with the changes it describes.
        if (input.syncRun) await saveSyncRun(tx, { ...input.syncRun, connectionId, startedAt, outcome: 'succeeded', counts, qboRequests, finishedAt });
        await updateSyncProgress(tx, connectionId, { lastSyncedAt: finishedAt, lastError: null, phase: 'idle' });
        // The mirrored checkpoint follows, so a workflow started afresh resumes CDC from here. Not when some
        // entities overflowed: the workflow catches those up from the old position first.
        if (overflowEntities.length === 0) await saveCheckpoint(tx, connectionId, afterChanges({ pass: null, changedSince: input.changedSince }, nextChangedSince));
      });
      if (input.syncRun) deps.metrics?.syncCycles.inc({ kind: input.syncRun.kind, outcome: 'succeeded' });
      logger.debug({ connectionId, fetched, qboRequests, overflowEntities }, 'changes pulled');
      return { nextChangedSince, counts, fetched, qboRequests, overflowEntities, intuitTid: first.intuitTid ?? null };
    }));
  };
}
