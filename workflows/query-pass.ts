/**
 * A query pass — the first backfill, a resync, or a catch-up past the CDC window — page by page. Lanes
 * page segments of entities at the same time (segment-lanes.ts), each page stored with its cursor; the
 * pass stops between pages for a message, a revocation or continue-as-new, and resumes from the checkpoint.
 */
import { patched, setCurrentDetails } from '@temporalio/workflow';
import { afterPage, afterPass, remainingEntities } from '../shared/checkpoint.js';
import type { QuickBooksEntity } from '../shared/contract.js';
import type { PullPass } from '../shared/workflow-payloads.js';
import { quickbooksPulls } from './activity-groups.js';
import { done, type Outcome, type Stop } from './outcome.js';
import type { QueryPassContext } from './pass-context.js';
import { pageSegments } from './segment-lanes.js';

/** Entities paged at the same time before the `entity-segments` patch (segment-lanes.ts since). */
const PASS_LANES = 3;

const PASS_VERB: Record<PullPass['kind'], string> = { backfill: 'Backfilling', resync: 'Re-pulling', catch_up: 'Catching up on' };

export async function runQueryPass(context: QueryPassContext, pass: PullPass): Promise<Outcome> {
  const { connectionId, state, authorization, audit } = context;
  await audit.openPass(pass);
  setCurrentDetails(`${PASS_VERB[pass.kind]} ${remainingEntities(pass).join(', ')}`);
  // Since `entity-segments`: big entities split into time segments, paged by more lanes than entities.
  const stop = patched('entity-segments') ? await pageSegments(context, pass) : await pageEntities(context, pass);
  if (stop) return audit.endPass(stop);

  // Queries never return deleted transactions: after reading a window with them, compare Ids.
  if (pass.kind !== 'backfill') {
    for (const entity of Object.keys(pass.entities) as QuickBooksEntity[]) {
      const reconciled = await authorization.withAccessToken(`reconciling ${entity} deletions`, () =>
        quickbooksPulls.reconcileDeletions.executeWithOptions({ summary: `reconcile ${entity} deletions` }, [{ connectionId, entity }]),
      );
      if (reconciled.kind !== 'ok') return audit.endPass(reconciled);
      state.recordsSynced += audit.count(entity, reconciled.value, reconciled.value.qboRequests);
    }
  }
  state.checkpoint = afterPass(state.checkpoint);
  // What changed while the pass ran (or while the connection was parked) comes next, not in an interval.
  state.inbox.syncRequested = true;
  state.lastSyncedAt = new Date().toISOString();
  state.lastError = null;
  return audit.endPass(done);
}

/** One lane per entity, up to PASS_LANES entities at a time: how passes paged before `entity-segments`. */
async function pageEntities(context: QueryPassContext, pass: PullPass): Promise<Stop | null> {
  const { connectionId, state, audit, authorization } = context;
  const queue = remainingEntities(pass);
  let stop: Stop | null = null;
  const cursorOf = (entity: QuickBooksEntity) => state.checkpoint.pass!.entities[entity]!;
  const lane = async () => {
    for (let entity = queue.shift(); entity && !stop; entity = queue.shift()) {
      while (!stop && !cursorOf(entity).done) {
        const pageNumber = cursorOf(entity).pages + 1;
        const page = await authorization.withAccessToken(`fetching ${entity} page ${pageNumber}`, () =>
          quickbooksPulls.pullEntityPage.executeWithOptions({ summary: `fetch ${entity} page ${pageNumber}` }, [
            { connectionId, entity, checkpoint: state.checkpoint, pageSize: context.pageSize },
          ]),
        );
        if (page.kind !== 'ok') {
          stop ??= page;
          return;
        }
        state.checkpoint = afterPage(state.checkpoint, entity, page.value.cursor, page.value.serverTime);
        state.recordsSynced += audit.count(entity, page.value.counts, 1);
        if (context.shouldYield()) stop ??= { kind: 'interrupted' };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PASS_LANES, queue.length) }, lane));
  return stop;
}
