/**
 * Every activity of the connection workflow, built over injected dependencies. Workflows import only
 * the type (`import type { Activities }`); the worker registers the object.
 */
import type { ActivityDeps } from './deps.js';
import { createNotificationActivities } from './notifications.js';
import { createPullChanges } from './pull-changes.js';
import { createPullEntityPage } from './pull-entity-page.js';
import { createReconcileDeletions } from './reconcile-deletions.js';
import { createSyncBookkeeping } from './sync-bookkeeping.js';
import { withSyncSettings } from './sync-settings.js';
import { createTokenActivities } from './tokens.js';

export type { ActivityDeps } from './deps.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createTokenActivities(deps),
    pullEntityPage: createPullEntityPage(deps),
    pullChanges: withSyncSettings(createPullChanges(deps), deps),
    reconcileDeletions: createReconcileDeletions(deps),
    ...createSyncBookkeeping(deps),
    ...createNotificationActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
