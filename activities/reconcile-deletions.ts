/**
 * Deletions that happened while a connection was away longer than the CDC window. Queries never return
 * deleted transactions, so after such a catch-up we list the Ids QuickBooks still has, and every object
 * we hold that is not among them is checked by Id once more (a concurrent change can shift a listing
 * page) before it becomes a tombstone.
 */
import { listLiveRecordIds, upsertRecordVersions } from '../db/queries/records.js';
import { normalizeRecord } from '../quickbooks/normalize.js';
import { assertEntity, stringLiteral } from '../quickbooks/queries.js';
import { NAME_LIST_ENTITIES } from '../shared/contract.js';
import type { ReconcileDeletionsInput, ReconcileDeletionsResult } from '../shared/workflow-payloads.js';
import type { ActivityDeps } from './deps.js';
import { withFailureContext } from './failures.js';
import { whileHeartbeating } from './heartbeat.js';
import { readAccessToken } from './tokens.js';

const ID_PAGE = 1000;
const VERIFY_BATCH = 100;

export function createReconcileDeletions(deps: ActivityDeps) {
  const { db, api, logger } = deps;

  return async function reconcileDeletions(input: ReconcileDeletionsInput): Promise<ReconcileDeletionsResult> {
    const { connectionId } = input;
    const entity = assertEntity(input.entity);
    return withFailureContext({ connectionId, entity, operation: 'reconcile deletions' }, () => whileHeartbeating(async () => {
      // Customers and items are deactivated, never deleted: a query pass sees those changes.
      if (NAME_LIST_ENTITIES.includes(entity)) return { upserted: 0, deleted: 0, skipped: 0, qboRequests: 0 };
      const { accessToken, realmId } = await readAccessToken(deps, connectionId);

      const present = new Set<string>();
      let qboRequests = 0;
      let serverTime = '';
      for (let start = 1; ; start += ID_PAGE) {
        const page = await api.query({ realmId, accessToken, statement: `SELECT Id FROM ${entity} ORDERBY Id STARTPOSITION ${start} MAXRESULTS ${ID_PAGE}` });
        qboRequests += 1;
        serverTime ||= page.serverTime;
        for (const record of page.records) if (typeof record.Id === 'string') present.add(record.Id);
        if (page.records.length < ID_PAGE) break;
      }

      const held = await listLiveRecordIds(db, { connectionId, entity });
      const suspects = held.filter((id) => !present.has(id));

      const gone: string[] = [];
      for (let index = 0; index < suspects.length; index += VERIFY_BATCH) {
        const batch = suspects.slice(index, index + VERIFY_BATCH);
        const found = await api.query({ realmId, accessToken, statement: `SELECT Id FROM ${entity} WHERE Id IN (${batch.map(stringLiteral).join(', ')})` });
        qboRequests += 1;
        const stillThere = new Set(found.records.map((record) => record.Id));
        gone.push(...batch.filter((id) => !stillThere.has(id)));
      }

      // The deletion time is unknown; QuickBooks' clock at the listing is a safe upper bound.
      const deletedAt = new Date(serverTime || Date.now());
      const stubs = gone.map((qboId) => normalizeRecord(entity, { domain: 'QBO', status: 'Deleted', Id: qboId, MetaData: { LastUpdatedTime: deletedAt.toISOString() } }));
      const outcome = await upsertRecordVersions(db, connectionId, stubs);
      deps.metrics?.countRecords(entity, outcome);
      logger.info({ connectionId, entity, suspects: suspects.length, deleted: outcome.deleted }, 'deletions reconciled');
      return { ...outcome, qboRequests };
    }));
  };
}
