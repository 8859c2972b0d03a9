/**
 * What the simulator sends out on its own, never blocking the call that caused it: webhook
 * notifications after a change (one POST per subscriber, signed). Not the Disconnect URL: Intuit sends
 * the merchant's browser there (see http/disconnect-routes.ts), it never calls it server to server.
 */
import type { Company } from '../engine/company/company.js';
import type { SimulatorEngine } from '../engine/simulator-engine.js';
import type { WebhookChange } from '../engine/webhooks.js';
import type { ChangedRecord } from '../types.js';

/** Intuit expects webhook receivers to answer within 3 seconds. */
const OUTBOUND_TIMEOUT_MS = 3_000;

export class OutboundNotifier {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly engine: SimulatorEngine,
    private readonly closing: AbortSignal,
  ) {
    engine.hooks.changesApplied = (realmId, changed, company) => this.notifyChanges(realmId, changed, company);
  }

  /** Resolves when every send in flight has finished (used on close). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private notifyChanges(realmId: string, changed: ChangedRecord[], company: Company): void {
    const changes: WebhookChange[] = changed.map((change) => ({
      ...change,
      lastUpdatedMs: (company.stores[change.entity].get(Number(change.id))?.updatedAt ?? 0) * 1000,
    }));
    const now = this.engine.clock.now();
    const sentAt = new Date().toISOString();
    for (const notification of this.engine.webhooks.notificationsFor(realmId, changes, now)) {
      const { subscription, body, signature } = notification;
      this.track(async () => {
        let status: number | null = null;
        let error: string | undefined;
        try {
          const response = await fetch(subscription.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'intuit-signature': signature, 'user-agent': 'Intuit-Webhooks (QuickBooks simulator)' },
            body,
            signal: this.signal(),
          });
          status = response.status;
          await response.body?.cancel();
        } catch (failure) {
          error = (failure as Error).message;
        }
        this.engine.webhooks.record({
          id: this.engine.webhooks.newDeliveryId(),
          subscriptionId: subscription.id,
          url: subscription.url,
          format: subscription.format,
          realmId,
          at: sentAt,
          body,
          signature,
          status,
          ...(error === undefined ? {} : { error }),
        });
      });
    }
  }

  private signal(): AbortSignal {
    return AbortSignal.any([this.closing, AbortSignal.timeout(OUTBOUND_TIMEOUT_MS)]);
  }

  private track(send: () => Promise<void>): void {
    const promise = send().finally(() => this.pending.delete(promise));
    this.pending.add(promise);
  }
}
