/** One page of a query pass ("fetch Invoice page 12"): fetch, store, and hand back the next cursor. */
import { mirrorPage } from '../db/queries/checkpoints.js';
import { upsertRecordVersions } from '../db/queries/records.js';
import { normalizeRecord } from '../quickbooks/normalize.js';
import { changedSinceQuery } from '../quickbooks/queries.js';
import { afterPage } from '../shared/checkpoint.js';
import type { PullEntityPageInput, PullEntityPageResult } from '../shared/workflow-payloads.js';
import type { ActivityDeps } from './deps.js';
import { advanceCursor, BEGINNING_OF_TIME, isAlreadyStored, PAGE_SIZE, startPositionFor } from './entity-cursor.js';
import { withFailureContext } from './failures.js';
import { whileHeartbeating } from './heartbeat.js';
import { readAccessToken } from './tokens.js';

export function createPullEntityPage(deps: ActivityDeps) {
  const { db, api, logger } = deps;

  return async function pullEntityPage(input: PullEntityPageInput): Promise<PullEntityPageResult> {
    const { connectionId, entity, checkpoint } = input;
    const cursor = checkpoint.pass?.entities[entity];
    if (!cursor) throw new Error(`no ${entity} cursor in the pass`);
    const pageSize = input.pageSize ?? PAGE_SIZE;
    return withFailureContext({ connectionId, entity, operation: `fetch ${entity} page ${cursor.pages + 1}` }, () => whileHeartbeating(async () => {
      const { accessToken, realmId } = await readAccessToken(deps, connectionId);
      const startPosition = startPositionFor(cursor, pageSize);
      const statement = changedSinceQuery({ entity, since: cursor.watermark ?? BEGINNING_OF_TIME, startPosition, maxResults: pageSize });
      const page = await api.query({ realmId, accessToken, statement });

      const versions = page.records.map((record) => normalizeRecord(entity, record));
      const fresh = versions.filter((version) => !isAlreadyStored(cursor, version));
      const next = advanceCursor(cursor, versions, startPosition, pageSize);

      const counts = await db.transaction(async (tx) => {
        const outcome = await upsertRecordVersions(tx, connectionId, fresh);
        await mirrorPage(tx, connectionId, { checkpoint: afterPage(checkpoint, entity, next, page.serverTime), entity });
        return outcome;
      });
      counts.skipped += versions.length - fresh.length;
      deps.metrics?.countRecords(entity, counts);
      logger.debug({ connectionId, entity, page: next.pages, fetched: versions.length, ...counts }, 'page stored');
      return { cursor: next, counts, fetched: versions.length, serverTime: page.serverTime, intuitTid: page.intuitTid ?? null };
    }));
  };
}
