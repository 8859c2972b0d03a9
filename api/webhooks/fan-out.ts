/**
 * Tells every live connection of some QuickBooks companies to sync now. Used by webhooks and by
 * Intuit's Disconnect URL; both must answer quickly, so the caller waits at most `waitMs` and the
 * remaining signals finish (or fail, logged) in the background.
 */
import { findLiveConnectionsByRealm } from '../../db/queries/connections.js';
import type { AppServices } from '../services.js';

export interface FanOutResult {
  /** Live connections found for the realms. */
  connections: number;
  /** Signals delivered before the wait ended. */
  signalled: number;
  /** Whether every signal settled within the wait. */
  settled: boolean;
}

export async function signalRealms(services: AppServices, params: { realmIds: string[]; reason: string; waitMs: number }): Promise<FanOutResult> {
  const result: FanOutResult = { connections: 0, signalled: 0, settled: false };
  const work = (async () => {
    const connections = (await Promise.all(params.realmIds.map((realmId) => findLiveConnectionsByRealm(services.db, realmId)))).flat();
    result.connections = connections.length;
    await Promise.all(
      connections.map(async (connection) => {
        try {
          // Each signal gets the full budget of a webhook retry; the HTTP answer does not wait for it.
          const outcome = await services.workflows.signal(connection.id, { name: 'syncNow', args: { reason: params.reason } }, 10_000);
          if (outcome === 'delivered') result.signalled += 1;
          else services.logger.info({ connectionId: connection.id, reason: params.reason }, 'no running workflow to signal');
        } catch {
          // The workflow client already logged why.
        }
      }),
    );
    result.settled = true;
  })().catch((error: unknown) => services.logger.error({ err: error, reason: params.reason }, 'signal fan-out failed'));

  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, params.waitMs)))]);
  clearTimeout(timer);
  return { ...result };
}
