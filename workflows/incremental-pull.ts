/**
 * One incremental cycle: everything QuickBooks changed since the checkpoint, through Change Data
 * Capture. An idle cycle is one CDC request and one local activity. What CDC cannot answer (a gap older
 * than its 30 days, or more changes of an entity than one answer holds) becomes a catch-up pass.
 */
import { setCurrentDetails } from '@temporalio/workflow';
import { afterChanges, newPass } from '../shared/checkpoint.js';
import { QUICKBOOKS_ENTITIES } from '../shared/contract.js';
import { incrementalPulls, quickbooksPulls } from './activity-groups.js';
import type { Authorization } from './authorization.js';
import { done, type Outcome } from './outcome.js';
import type { CarriedState } from './state.js';
import type { SyncRunAudit } from './sync-run-audit.js';

/** A pull this recent is small: it runs as a local activity (one marker in history instead of three events). */
const SMALL_PULL_MS = 60 * 60_000;

export interface IncrementalPullContext {
  connectionId: string;
  state: CarriedState;
  authorization: Authorization;
  audit: SyncRunAudit;
}

export async function pullIncremental(context: IncrementalPullContext, changedSince: string): Promise<Outcome> {
  const { connectionId, state, audit } = context;
  const run = audit.startIncremental();
  const pull = Date.now() - Date.parse(changedSince) < SMALL_PULL_MS ? incrementalPulls.pullChanges : quickbooksPulls.pullChanges;
  setCurrentDetails(`Pulling changes since ${changedSince}.`);
  const result = await context.authorization.withAccessToken('pulling changes', () =>
    pull.executeWithOptions({ summary: `pull changes since ${changedSince}` }, [{ connectionId, changedSince, syncRun: run }]),
  );
  if (result.kind !== 'ok') {
    await audit.incrementalStopped(run, result);
    return result;
  }

  const changes = result.value;
  if ('beyondCdcWindow' in changes) {
    // Away longer than CDC remembers: catch up with queries from the checkpoint, then reconcile deletions.
    state.checkpoint = { ...state.checkpoint, pass: newPass('catch_up', QUICKBOOKS_ENTITIES, changedSince) };
    return done;
  }
  for (const counts of Object.values(changes.counts)) state.recordsSynced += counts.upserted + counts.deleted;
  state.checkpoint = afterChanges(state.checkpoint, changes.nextChangedSince);
  if (changes.overflowEntities.length > 0) state.checkpoint = { ...state.checkpoint, pass: newPass('catch_up', changes.overflowEntities, changedSince) };
  state.lastSyncedAt = new Date().toISOString();
  state.lastError = null;
  return done;
}
