/**
 * One incremental cycle: everything QuickBooks changed since the checkpoint, through Change Data
 * Capture. An idle cycle is one CDC request and one local activity. What CDC cannot answer (a gap older
 * than its 30 days, or more changes of an entity than one answer holds) becomes a catch-up pass.
 */
import { patched, setCurrentDetails } from '@temporalio/workflow';
import { afterChanges, newPass } from '../shared/checkpoint.js';
import { QUICKBOOKS_ENTITIES } from '../shared/contract.js';
import { incrementalPullAttempt, incrementalPulls, quickbooksPullAttempt, quickbooksPulls } from './activity-groups.js';
import type { Authorization } from './authorization.js';
import { done, type Outcome } from './outcome.js';
import type { CarriedState } from './state.js';
import type { SyncRunAudit } from './sync-run-audit.js';
import { withVisibleRetries } from './visible-retries.js';

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
  const small = Date.now() - Date.parse(changedSince) < SMALL_PULL_MS;
  // QuickBooks answers with its own offset (-08:00…): operators read every instant in UTC.
  const since = new Date(changedSince).toISOString();
  const input = [{ connectionId, changedSince, syncRun: run }] as const;
  setCurrentDetails(`Pulling changes since ${since}.`);
  const result = await context.authorization.withAccessToken('pulling changes', () => {
    // Histories from before this patch retried inside the activity (a local one held the workflow task meanwhile).
    if (!patched('visible-pull-retries')) return (small ? incrementalPulls : quickbooksPulls).pullChanges.executeWithOptions({ summary: `pull changes since ${since}` }, [...input]);
    return withVisibleRetries({ what: `the pull of changes since ${since}`, state }, (attempt) => {
      const summary = attempt === 1 ? `pull changes since ${since}` : `pull changes since ${since} (attempt ${attempt})`;
      return (small && attempt === 1 ? incrementalPullAttempt : quickbooksPullAttempt).pullChanges.executeWithOptions({ summary }, [...input]);
    });
  });
  if (result.kind !== 'ok') {
    await audit.incrementalStopped(run, result);
    return result;
  }

  const changes = result.value;
  // A changed SYNC_INTERVAL reaches running connections here, at their next cycle (activities/sync-settings.ts).
  if (changes.syncIntervalMs !== undefined && patched('sync-interval-from-config')) state.syncIntervalMs = changes.syncIntervalMs;
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
