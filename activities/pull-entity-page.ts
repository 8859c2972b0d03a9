/**
 * One page of a query pass ("fetch Invoice page 12", or "… segment 3 page 4" of a split entity): fetch,
 * store, and hand back the next cursor; when the workflow asks, where to split the rest of the entity.
 */
import { mirrorPage } from '../db/queries/checkpoints.js';
import { changedSinceCondition, changedSinceQuery } from '../quickbooks/queries.js';
import { afterPage, segmentCursor } from '../shared/checkpoint.js';
import type { QuickBooksEntity } from '../shared/contract.js';
import type { EntityCursor, PullEntityPageInput, PullEntityPageResult, SplitRequest, SyncCheckpoint } from '../shared/workflow-payloads.js';
import type { ActivityDeps } from './deps.js';
import { advanceCursorPast, BEGINNING_OF_TIME, PAGE_SIZE, startPositionFor } from './entity-cursor.js';
import { findSplitTimes, slackFor, splitInstants, type SplitQueries } from './entity-split.js';
import { withFailureContext } from './failures.js';
import { createPagePrefetcher } from './page-prefetch.js';
import { whileHeartbeating } from './heartbeat.js';
import { storeAnswer } from './store-answer.js';
import { readAccessToken } from './tokens.js';

/** The statement of `cursor`'s next page. */
function pageStatement(entity: QuickBooksEntity, cursor: EntityCursor, pageSize: number): string {
  return changedSinceQuery({ entity, since: cursor.watermark ?? BEGINNING_OF_TIME, before: cursor.before, startPosition: startPositionFor(cursor, pageSize), maxResults: pageSize });
}

export function createPullEntityPage(deps: ActivityDeps) {
  const { db, api, logger } = deps;
  const prefetcher = createPagePrefetcher();

  /** Where to split the rest of `entity` after its first page (`next`); none when QuickBooks cannot say (the page is stored either way). */
  async function findSplit(entity: QuickBooksEntity, since: string, next: EntityCursor, pageSize: number, request: SplitRequest, auth: { realmId: string; accessToken: string }): Promise<{ splitAt: string[]; requests: number }> {
    let requests = 0;
    const queries: SplitQueries = {
      count: (countEntity, from) => (requests++, api.count({ ...auth, entity: countEntity, where: changedSinceCondition({ entity: countEntity, since: from }) })),
      timeAt: async (probeEntity, from, position) => {
        requests++;
        const { records } = await api.query({ ...auth, statement: changedSinceQuery({ entity: probeEntity, since: from, startPosition: position, maxResults: 1 }) });
        const metaData = records[0]?.MetaData as { LastUpdatedTime?: unknown } | undefined;
        return typeof metaData?.LastUpdatedTime === 'string' ? metaData.LastUpdatedTime : undefined;
      },
    };
    try {
      // The first page's last second tells how many records one second holds here; each page re-reads those.
      const slack = slackFor(next.countAtWatermark);
      return { splitAt: splitInstants(await findSplitTimes(queries, entity, since, pageSize, request, slack), next.watermark), requests };
    } catch (error) {
      logger.warn({ entity, err: error instanceof Error ? error.message : String(error) }, 'could not split the entity: paging it as one cursor');
      return { splitAt: [], requests };
    }
  }

  return async function pullEntityPage(input: PullEntityPageInput): Promise<PullEntityPageResult> {
    const { connectionId, entity, checkpoint } = input;
    const segment = input.segment ?? 0;
    const cursor = checkpoint.pass ? segmentCursor(checkpoint.pass, entity, segment) : undefined;
    if (!cursor) throw new Error(`no ${entity} cursor${segment > 0 ? ` for segment ${segment}` : ''} in the pass`);
    const pageSize = input.pageSize ?? PAGE_SIZE;
    const what = `fetch ${entity}${segment > 0 ? ` segment ${segment + 1}` : ''} page ${cursor.pages + 1}`;
    return withFailureContext({ connectionId, entity, operation: what }, () => whileHeartbeating(async () => {
      const { accessToken, realmId } = await readAccessToken(deps, connectionId);
      const startPosition = startPositionFor(cursor, pageSize);
      const statement = pageStatement(entity, cursor, pageSize);
      const prefetched = prefetcher.take({ connectionId, realmId, statement });
      const answer = (await prefetched?.catch(() => undefined)) ?? (await api.queryText({ realmId, accessToken, statement }));
      const ask = (nextStatement: string) => prefetcher.prefetch({ connectionId, realmId, statement: nextStatement }, () => api.queryText({ realmId, accessToken, statement: nextStatement }));

      // The workflow asks for a split with one page of an unsplit entity (and only a full one gets it, once it is stored).
      const splitting = input.split && segment === 0 && cursor.before === undefined ? input.split : undefined;

      // Postgres unpacks the page, skips what the cursor says is stored, and hands back the cursor's values.
      const { page, next, serverTime } = await db.transaction(async (tx) => {
        const skip = cursor.watermark === null ? undefined : { at: cursor.watermark, ids: cursor.idsAtWatermark };
        const page = await storeAnswer(tx, answer, { connectionId, kind: 'query', entities: [entity], skip });
        const serverTime = answer.serverTime(page.time);
        const next = advanceCursorPast(cursor, { fetched: page.objectCount, newest: page.newest, idsAtNewest: page.idsAtNewest }, startPosition, pageSize);
        // The next page is asked while this one commits and the workflow schedules it, if the company has budget to spare
        // (after a split, the next page's statement has the first segment's bound: it is asked once the split is known).
        if (!next.done && !splitting && api.hasSpareBudget(realmId)) ask(pageStatement(entity, next, pageSize));
        const mirrored = await mirrorPage(tx, connectionId, { checkpoint: afterPage(checkpoint, entity, next, serverTime, segment), entity, segment });
        // An attempt whose result never reached the workflow (a killed worker, Temporal down) may have stored
        // records read earlier than anything the workflow saw; the mirror, written with those records, kept
        // its server time. The workflow starts the next CDC from the pass's earliest time, so it hears of it.
        return { page, next, serverTime: passStartedBy(mirrored, serverTime) };
      });
      const { splitAt, requests } = splitting && !next.done ? await findSplit(entity, cursor.watermark ?? BEGINNING_OF_TIME, next, pageSize, splitting, { realmId, accessToken }) : { splitAt: [], requests: 0 };
      if (splitting && !next.done && api.hasSpareBudget(realmId)) ask(pageStatement(entity, splitAt[0] ? { ...next, before: splitAt[0] } : next, pageSize));
      const counts = page.counts[entity] ?? { upserted: 0, deleted: 0, skipped: 0 };
      deps.metrics?.countRecords(entity, counts);
      logger.debug({ connectionId, entity, segment, page: next.pages, fetched: page.objectCount, ...counts, ...(splitAt.length > 0 ? { splitAt } : {}) }, 'page stored');
      return { cursor: next, counts, fetched: page.objectCount, serverTime, intuitTid: answer.intuitTid ?? null, ...(splitting ? { splitAt, qboRequests: 1 + requests } : {}) };
    }));
  };
}

/** The pass's earliest server time, if the mirror knows one earlier than this page's. */
function passStartedBy(mirrored: SyncCheckpoint, serverTime: string): string {
  const started = mirrored.pass?.startedAtServerTime;
  return started && Date.parse(started) < Date.parse(serverTime) ? started : serverTime;
}
