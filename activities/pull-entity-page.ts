/** One page of a query pass ("fetch Invoice page 12"): fetch, store, and hand back the next cursor. */
import { mirrorPage } from '../db/queries/checkpoints.js';
import { changedSinceQuery } from '../quickbooks/queries.js';
import { afterPage } from '../shared/checkpoint.js';
import type { PullEntityPageInput, PullEntityPageResult } from '../shared/workflow-payloads.js';
import type { ActivityDeps } from './deps.js';
import { advanceCursorPast, BEGINNING_OF_TIME, PAGE_SIZE, startPositionFor } from './entity-cursor.js';
import { withFailureContext } from './failures.js';
import { createPagePrefetcher } from './page-prefetch.js';
import { whileHeartbeating } from './heartbeat.js';
import { storeAnswer } from './store-answer.js';
import { readAccessToken } from './tokens.js';

export function createPullEntityPage(deps: ActivityDeps) {
  const { db, api, logger } = deps;
  const prefetcher = createPagePrefetcher();

  return async function pullEntityPage(input: PullEntityPageInput): Promise<PullEntityPageResult> {
    const { connectionId, entity, checkpoint } = input;
    const cursor = checkpoint.pass?.entities[entity];
    if (!cursor) throw new Error(`no ${entity} cursor in the pass`);
    const pageSize = input.pageSize ?? PAGE_SIZE;
    return withFailureContext({ connectionId, entity, operation: `fetch ${entity} page ${cursor.pages + 1}` }, () => whileHeartbeating(async () => {
      const { accessToken, realmId } = await readAccessToken(deps, connectionId);
      const startPosition = startPositionFor(cursor, pageSize);
      const statement = changedSinceQuery({ entity, since: cursor.watermark ?? BEGINNING_OF_TIME, startPosition, maxResults: pageSize });
      const prefetched = prefetcher.take({ connectionId, realmId, statement });
      const answer = (await prefetched?.catch(() => undefined)) ?? (await api.queryText({ realmId, accessToken, statement }));

      // Postgres unpacks the page, skips what the cursor says is stored, and hands back the cursor's values.
      const { page, next, serverTime } = await db.transaction(async (tx) => {
        const skip = cursor.watermark === null ? undefined : { at: cursor.watermark, ids: cursor.idsAtWatermark };
        const page = await storeAnswer(tx, answer, { connectionId, kind: 'query', entities: [entity], skip });
        const serverTime = answer.serverTime(page.time);
        const next = advanceCursorPast(cursor, { fetched: page.objectCount, newest: page.newest, idsAtNewest: page.idsAtNewest }, startPosition, pageSize);
        // The next page is asked while this one commits and the workflow schedules it, if the company has budget to spare.
        if (!next.done && api.hasSpareBudget(realmId)) {
          const nextStatement = changedSinceQuery({ entity, since: next.watermark ?? BEGINNING_OF_TIME, startPosition: startPositionFor(next, pageSize), maxResults: pageSize });
          prefetcher.prefetch({ connectionId, realmId, statement: nextStatement }, () => api.queryText({ realmId, accessToken, statement: nextStatement }));
        }
        await mirrorPage(tx, connectionId, { checkpoint: afterPage(checkpoint, entity, next, serverTime), entity });
        return { page, next, serverTime };
      });
      const counts = page.counts[entity] ?? { upserted: 0, deleted: 0, skipped: 0 };
      deps.metrics?.countRecords(entity, counts);
      logger.debug({ connectionId, entity, page: next.pages, fetched: page.objectCount, ...counts }, 'page stored');
      return { cursor: next, counts, fetched: page.objectCount, serverTime, intuitTid: answer.intuitTid ?? null };
    }));
  };
}
