import { Context } from '@temporalio/activity';

/** How often a running QuickBooks call reports that its worker is alive. */
export const HEARTBEAT_EVERY_MS = 5_000;

/**
 * Heartbeats on a timer while `body` runs, so that a worker killed in the middle of a slow QuickBooks
 * request is noticed within the heartbeat timeout instead of the (minutes-long) start-to-close timeout.
 * Local activities have no heartbeats; there this only runs the body.
 */
export async function whileHeartbeating<T>(body: () => Promise<T>, details?: () => unknown): Promise<T> {
  const context = Context.current();
  if (context.info.isLocal) return body();
  const beat = () => context.heartbeat(details?.());
  beat();
  const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
  try {
    return await body();
  } finally {
    clearInterval(timer);
  }
}
