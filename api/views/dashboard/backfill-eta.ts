/** The time a first backfill has left, from its pace so far: words for the progress bar (pure). */
import type { BackfillProgress } from '../connection.js';

/** Too early to tell: fewer records or seconds than this give a wild guess. */
const MIN_RECORDS = 20;
const MIN_ELAPSED_MS = 3_000;

export function estimatedMsLeft(progress: BackfillProgress, now: Date): number | null {
  if (!progress.startedAt || progress.stored < MIN_RECORDS) return null;
  const elapsed = now.getTime() - Date.parse(progress.startedAt);
  if (elapsed < MIN_ELAPSED_MS) return null;
  const remaining = progress.estimatedTotal - progress.stored;
  return remaining <= 0 ? 0 : Math.round((elapsed / progress.stored) * remaining);
}

export function timeLeftText(progress: BackfillProgress, now: Date): string {
  const ms = estimatedMsLeft(progress, now);
  if (ms === null) return 'estimating the time left…';
  if (ms < 60_000) return 'less than a minute left';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 90) return `about ${minutes} minute${minutes === 1 ? '' : 's'} left`;
  const hours = Math.round(minutes / 60);
  return `about ${hours} hour${hours === 1 ? '' : 's'} left`;
}

export function percent(progress: BackfillProgress): number {
  return progress.estimatedTotal === 0 ? 100 : Math.floor((progress.stored / progress.estimatedTotal) * 100);
}
