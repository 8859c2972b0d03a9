/**
 * The settings a running connection takes from the fleet's configuration rather than from the input it
 * was started with: today the sync interval. They ride on the incremental pull's result, which every
 * cycle already records, so a changed SYNC_INTERVAL reaches each connection at its next cycle without
 * another activity, event or Temporal action per cycle.
 */
import type { ActivityDeps } from './deps.js';

export interface SyncSettings {
  /** The interval until the next cycle (the worker's SYNC_INTERVAL); absent when the worker has none set. */
  syncIntervalMs?: number;
}

export function withSyncSettings<Args extends unknown[], Result extends object>(
  activity: (...args: Args) => Promise<Result>,
  deps: Pick<ActivityDeps, 'syncIntervalMs'>,
): (...args: Args) => Promise<Result & SyncSettings> {
  return async (...args) => {
    const result = await activity(...args);
    // Read at each call, not once: a test changes it as a worker restarted with a new SYNC_INTERVAL would.
    return deps.syncIntervalMs === undefined ? result : { ...result, syncIntervalMs: deps.syncIntervalMs };
  };
}
